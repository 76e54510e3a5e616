import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { freePort } from '../free-port';
import { ROOT } from '../root';
import type { OidcProviderSettings } from './settings';

export type { OidcProviderSettings, OidcTestClient } from './settings';

export interface CodeFlowTokens {
  accessToken: string;
  idToken: string;
}

export interface RunningOidcProvider {
  issuer: string;
  /**
   * Signs `login` in as a browser would (authorization code with PKCE, through the provider's
   * login and consent forms) and redeems the code: real tokens, for specs without a browser.
   */
  signIn(clientId: string, login: string, opts?: { scope?: string }): Promise<CodeFlowTokens>;
  stop(): Promise<void>;
}

const b64url = (b: Buffer) => b.toString('base64url');

/** Cookies by name, as the provider sets them (paths ignored: one host, one flow). */
class CookieJar {
  private readonly jar = new Map<string, string>();
  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const gone = attrs.some((a) => /^\s*expires=thu, 01 jan 1970/i.test(a) || /^\s*max-age=0\b/i.test(a));
      if (gone || !value) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }
  header(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * Starts a real OpenID provider (oidc-provider) on 127.0.0.1 in a child process and waits until
 * it listens. Its discovery document is at `<issuer>/.well-known/openid-configuration`.
 */
export async function startOidcProvider(settings: OidcProviderSettings): Promise<RunningOidcProvider> {
  const port = await freePort();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(ROOT, 'libs/harness/src/oidc/provider-main.ts')],
    {
      cwd: ROOT,
      env: { ...process.env, NODE_ENV: 'test', OIDC_TEST_PROVIDER: JSON.stringify({ ...settings, port }) },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const issuer = await new Promise<string>((ok, fail) => {
    const onData = (d: Buffer) => {
      output += d.toString();
      const m = output.match(/ready (\S+)\n/);
      if (m) ok(m[1]);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
    child.once('exit', (code) => fail(new Error(`the OIDC provider exited (${code}):\n${output}`)));
  });
  const discovery = (await (await fetch(`${issuer}/.well-known/openid-configuration`)).json()) as {
    authorization_endpoint: string;
    token_endpoint: string;
  };

  async function signIn(clientId: string, login: string, opts: { scope?: string } = {}): Promise<CodeFlowTokens> {
    const client = settings.clients.find((c) => c.clientId === clientId);
    if (!client) throw new Error(`no client ${clientId} in the provider's settings`);
    const redirectUri = client.redirectUris[0];
    const verifier = b64url(randomBytes(32));
    const state = b64url(randomBytes(16));
    const jar = new CookieJar();
    const start = new URL(discovery.authorization_endpoint);
    start.search = new URLSearchParams({
      client_id: clientId,
      redirect_uri: redirectUri,
      response_type: 'code',
      scope: opts.scope ?? 'openid profile api',
      state,
      nonce: b64url(randomBytes(16)),
      code_challenge: b64url(createHash('sha256').update(verifier).digest()),
      code_challenge_method: 'S256',
    }).toString();
    let next: { url: string; body?: URLSearchParams } = { url: start.toString() };
    for (let step = 0; step < 12; step++) {
      const res = await fetch(next.url, {
        method: next.body ? 'POST' : 'GET',
        redirect: 'manual',
        headers: {
          cookie: jar.header(),
          ...(next.body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
        body: next.body,
      });
      jar.take(res);
      const location = res.headers.get('location');
      if (location) {
        const to = new URL(location, next.url);
        if (to.toString().startsWith(redirectUri) && to.searchParams.has('state')) {
          if (to.searchParams.get('state') !== state) throw new Error('the provider returned another state');
          const code = to.searchParams.get('code');
          if (!code) throw new Error(`no code: ${to.searchParams.get('error_description') ?? to.search}`);
          return redeem(clientId, redirectUri, code, verifier);
        }
        next = { url: to.toString() };
        continue;
      }
      // A dev interaction page: the login form (any name signs in) or the consent button.
      const html = await res.text();
      const action = html.match(/<form[^>]*action="([^"]+)"/)?.[1];
      const prompt = html.match(/name="prompt" value="(\w+)"/)?.[1];
      if (!action || !prompt) throw new Error(`unexpected page (${res.status}) at ${next.url}:\n${html.slice(0, 500)}`);
      const body = new URLSearchParams({ prompt, ...(prompt === 'login' ? { login, password: 'any' } : {}) });
      next = { url: new URL(action.replace(/&amp;/g, '&'), next.url).toString(), body };
    }
    throw new Error('the sign-in did not end in a redirect to the client');
  }

  async function redeem(
    clientId: string,
    redirectUri: string,
    code: string,
    verifier: string,
  ): Promise<CodeFlowTokens> {
    const res = await fetch(discovery.token_endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        client_id: clientId,
        code_verifier: verifier,
      }),
    });
    const body = (await res.json()) as { access_token?: string; id_token?: string; error_description?: string };
    if (!res.ok || !body.access_token || !body.id_token)
      throw new Error(`token endpoint: ${res.status} ${body.error_description ?? JSON.stringify(body)}`);
    return { accessToken: body.access_token, idToken: body.id_token };
  }

  return {
    issuer,
    signIn,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      }),
  };
}
