import { AppError } from '@speech/kernel';
import { setTimeout as sleep } from 'node:timers/promises';

/** The part of an OpenID Provider's metadata (OpenID Connect Discovery 1.0 §3) the platform uses. */
export interface OidcMetadata {
  issuer: string;
  jwksUri: string;
  authorizationEndpoint: string;
  tokenEndpoint: string;
  endSessionEndpoint?: string;
}

/** What the dashboard needs to sign in (GET /auth/config): public, no secret in it. */
export type AuthClientConfig =
  | {
      mode: 'oidc';
      issuer: string;
      clientId: string;
      scopes: string;
      authorizationEndpoint: string;
      tokenEndpoint: string;
      endSessionEndpoint?: string;
    }
  | { mode: 'token' };

const trimSlash = (u: string) => u.replace(/\/+$/, '');

/** The origin (scheme://host:port) of every endpoint the browser calls itself: for CSP connect-src. */
export function browserOrigins(client: AuthClientConfig): string[] {
  if (client.mode !== 'oidc') return [];
  return [...new Set([client.tokenEndpoint, client.issuer].map((u) => new URL(u).origin))];
}

function httpUrl(doc: Record<string, unknown>, key: string, required: true): string;
function httpUrl(doc: Record<string, unknown>, key: string, required: false): string | undefined;
function httpUrl(doc: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const v = doc[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== 'string' || !/^https?:\/\//.test(v))
    throw new AppError('CONFIG.INVALID', `the OpenID provider's metadata has no valid ${key}`);
  return v;
}

/**
 * Reads `<issuer>/.well-known/openid-configuration`. The metadata's `issuer` must be the URL it
 * was read from (Discovery §4.3: otherwise another provider could vouch for tokens). A provider
 * that does not answer yet (started alongside) is asked again, `attempts` times in all.
 */
export async function discoverOidc(
  issuerUrl: string,
  opts: { attempts?: number; delayMs?: number; fetch?: typeof fetch } = {},
): Promise<OidcMetadata> {
  const get = opts.fetch ?? fetch;
  const attempts = opts.attempts ?? 10;
  const url = `${trimSlash(issuerUrl)}/.well-known/openid-configuration`;
  let last: unknown;
  for (let i = 0; i < attempts; i++) {
    if (i > 0) await sleep(opts.delayMs ?? 1000);
    let res: Response;
    try {
      res = await get(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    } catch (err) {
      last = err;
      continue;
    }
    if (res.status >= 500) {
      last = new Error(`HTTP ${res.status}`);
      continue;
    }
    if (!res.ok) throw new AppError('CONFIG.INVALID', `OIDC discovery at ${url} answered HTTP ${res.status}`);
    const doc = (await res.json()) as Record<string, unknown>;
    const issuer = httpUrl(doc, 'issuer', true);
    if (trimSlash(issuer) !== trimSlash(issuerUrl))
      throw new AppError(
        'CONFIG.INVALID',
        `OIDC_ISSUER_URL is ${issuerUrl}, but the provider says its issuer is ${issuer}`,
      );
    return {
      issuer,
      jwksUri: httpUrl(doc, 'jwks_uri', true),
      authorizationEndpoint: httpUrl(doc, 'authorization_endpoint', true),
      tokenEndpoint: httpUrl(doc, 'token_endpoint', true),
      endSessionEndpoint: httpUrl(doc, 'end_session_endpoint', false),
    };
  }
  throw new AppError(
    'CONFIG.INVALID',
    `OIDC discovery at ${url} failed after ${attempts} attempts: ${(last as Error)?.message ?? last}`,
  );
}
