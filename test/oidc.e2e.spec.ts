import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Api, FIXTURES, freePort, PlatformProcess, startOidcProvider, type RunningOidcProvider } from '@speech/harness';

jest.setTimeout(4 * 60_000);

const CHROMIUM = '/usr/bin/chromium';
const AUDIENCE = 'https://speech.example/api';

/**
 * Signing in to the dashboard through a real OpenID provider (oidc-provider, started by the
 * test), in Chromium against the single process with OIDC on: the provider's login and consent
 * forms, the code redeemed with PKCE, the list loaded with the access token, /auth/me shown,
 * and sign-out clearing the tab's sessionStorage and the provider's session.
 */
describe('dashboard sign-in with OpenID Connect (browser)', () => {
  let provider: RunningOidcProvider;
  let platform: PlatformProcess;
  let browser: Browser | null = null;
  let page: Page;
  const pageErrors: string[] = [];
  /** The Authorization header of each API request the page made, by path. */
  const bearers = new Map<string, string>();

  beforeAll(async () => {
    const port = await freePort();
    const dashboard = `http://127.0.0.1:${port}/`;
    provider = await startOidcProvider({
      audience: AUDIENCE,
      clients: [{ clientId: 'speech-dashboard', redirectUris: [dashboard] }],
      accounts: { mia: { roles: ['manager'], teams: ['north'] } },
    });
    platform = new PlatformProcess(undefined, {
      PORT: String(port),
      AUTH_JWT_SECRET: '', // OIDC only: the provider's signatures, no shared secret
      OIDC_ISSUER_URL: provider.issuer,
      OIDC_CLIENT_ID: 'speech-dashboard',
      OIDC_SCOPES: 'openid profile api',
      AUTH_AUDIENCE: AUDIENCE,
      STT_PROVIDER: 'pocketsphinx', // nothing is transcribed here: no engine to start
    });
    await platform.start();
    // A recording of mia's, uploaded with a token from the same provider, for the list to show.
    const { accessToken } = await provider.signIn('speech-dashboard', 'mia');
    const uploaded = await new Api(platform.url, accessToken).upload(join(FIXTURES, 'product-names.stereo.mp3'));
    if (uploaded.status !== 201) throw new Error(`upload: ${uploaded.status} ${await uploaded.text()}`);

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    page = await browser.newPage();
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('request', (req) => {
      const url = new URL(req.url());
      const auth = req.headers().authorization;
      if (url.origin === new URL(platform.url).origin && auth) bearers.set(url.pathname, auth);
    });
  });

  afterAll(async () => {
    await browser?.close().catch(() => undefined);
    await platform?.cleanup();
    await provider?.stop();
  });

  it('tells the page to sign in at the provider, and lets the page reach its token endpoint', async () => {
    const config = (await (await fetch(`${platform.url}/auth/config`)).json()) as Record<string, string>;
    expect(config).toMatchObject({ mode: 'oidc', issuer: provider.issuer, clientId: 'speech-dashboard' });
    const csp = (await fetch(`${platform.url}/`)).headers.get('content-security-policy') ?? '';
    expect(csp).toContain(`connect-src 'self' ${provider.issuer}`);
  });

  it('signs in through the provider’s forms and lands on the dashboard with the list', async () => {
    await page.goto(platform.url);
    await page.waitForSelector('#oidc-button:visible');
    expect(await page.isHidden('#auth-form')).toBe(true); // no token to paste with OIDC on
    await page.click('#oidc-button');
    await page.waitForURL((u) => u.origin === provider.issuer);
    await page.fill('input[name="login"]', 'mia');
    await page.fill('input[name="password"]', 'anything');
    await page.click('button[type="submit"]');
    await page.waitForSelector('input[name="prompt"][value="consent"]', { state: 'attached' });
    await page.click('button[type="submit"]');

    await page.waitForURL((u) => u.origin === new URL(platform.url).origin);
    await page.waitForSelector('#app:visible');
    await page.waitForSelector('#recordings-body tr:has-text("product-names.stereo.mp3")');
    await page.waitForSelector('#whoami:has-text("mia (manager · north)")');
    // The code and state are gone from the address; the token is in this tab's sessionStorage.
    expect(new URL(page.url()).search).toBe('');
    const stored = (await page.evaluate(`({
      token: window.sessionStorage.getItem('speechCoach.token'),
      pending: window.sessionStorage.getItem('speechCoach.oidc.pending'),
      local: window.localStorage.length,
    })`)) as { token: string | null; pending: string | null; local: number };
    expect(stored.pending).toBeNull();
    expect(stored.local).toBe(0);
    expect(stored.token?.split('.')).toHaveLength(3);
    expect(bearers.get('/all')).toBe(`Bearer ${stored.token}`);
    expect(bearers.get('/auth/me')).toBe(`Bearer ${stored.token}`);
    expect(pageErrors).toEqual([]);
  });

  it('signs out: sessionStorage cleared, the provider’s session ended, back at the sign-in card', async () => {
    await page.click('#sign-out');
    await page.waitForURL((u) => u.origin === provider.issuer);
    await page.click('button[name="logout"][value="yes"]');
    await page.waitForURL((u) => u.origin === new URL(platform.url).origin);
    await page.waitForSelector('#oidc-button:visible');
    expect(await page.evaluate('window.sessionStorage.length')).toBe(0);
    expect(await page.isHidden('#app')).toBe(true);
    expect(pageErrors).toEqual([]);
  });
});
