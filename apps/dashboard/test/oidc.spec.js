// @ts-check
import {
  authorizationUrl,
  base64url,
  codeOf,
  endSessionUrl,
  jwtPayload,
  parseCallback,
  pkceChallenge,
  randomValue,
  tokenRequestBody,
  tokensOf,
} from '../public/js/auth/oidc.js';
import { createOidcSignIn, ID_TOKEN_KEY, loadAuthConfig, PENDING_KEY } from '../public/js/auth/sign-in.js';

/** @type {import('../public/js/auth/oidc.js').OidcConfig} */
const CONFIG = {
  mode: 'oidc',
  issuer: 'https://idp.example',
  clientId: 'dashboard',
  scopes: 'openid profile api',
  authorizationEndpoint: 'https://idp.example/auth?tenant=t1',
  tokenEndpoint: 'https://idp.example/token',
  endSessionEndpoint: 'https://idp.example/logout',
};
const PENDING = { state: 's-1', nonce: 'n-1', verifier: 'v'.repeat(43), redirectUri: 'https://app.example/' };
/** Node's WebCrypto, the browser's API. */
const crypto = globalThis.crypto;
/** @param {Record<string, unknown>} payload */
const jwt = (payload) =>
  `${base64url(new TextEncoder().encode('{"alg":"RS256"}'))}.${base64url(new TextEncoder().encode(JSON.stringify(payload)))}.sig`;

describe('PKCE', () => {
  it('derives the S256 challenge of RFC 7636 appendix B', async () => {
    await expect(pkceChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk', crypto.subtle)).resolves.toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('makes random values of 43 base64url characters (32 bytes), each different', () => {
    const a = randomValue(crypto);
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(randomValue(crypto)).not.toBe(a);
  });
});

describe('the authorization request', () => {
  it('asks for a code with the challenge, the state and the nonce, keeping the endpoint’s own query', () => {
    const url = new URL(authorizationUrl(CONFIG, PENDING, 'chal'));
    expect(url.origin + url.pathname).toBe('https://idp.example/auth');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      tenant: 't1',
      response_type: 'code',
      client_id: 'dashboard',
      redirect_uri: 'https://app.example/',
      scope: 'openid profile api',
      state: 's-1',
      nonce: 'n-1',
      code_challenge: 'chal',
      code_challenge_method: 'S256',
    });
  });

  it('redeems the code with the verifier, no secret', () => {
    expect(Object.fromEntries(tokenRequestBody(CONFIG, PENDING, 'c-1'))).toEqual({
      grant_type: 'authorization_code',
      code: 'c-1',
      redirect_uri: 'https://app.example/',
      client_id: 'dashboard',
      code_verifier: PENDING.verifier,
    });
  });
});

describe('the callback', () => {
  it('reads a code and state, an error, or nothing', () => {
    expect(parseCallback('?code=c-1&state=s-1&iss=x')).toEqual({ code: 'c-1', state: 's-1' });
    expect(parseCallback('?error=access_denied&error_description=no&state=s-1')).toEqual({
      error: 'access_denied: no',
      state: 's-1',
    });
    expect(parseCallback('')).toBeNull();
    expect(parseCallback('?code=c-1')).toBeNull();
  });

  it('takes the code only with the state this tab sent', () => {
    expect(codeOf({ code: 'c-1', state: 's-1' }, PENDING)).toBe('c-1');
    expect(() => codeOf({ code: 'c-1', state: 'forged' }, PENDING)).toThrow(/state/);
    expect(() => codeOf({ code: 'c-1', state: 's-1' }, null)).toThrow(/no sign-in was started/);
    expect(() => codeOf({ error: 'access_denied', state: 's-1' }, PENDING)).toThrow(/refused.*access_denied/);
  });

  it('accepts the tokens only with an ID token carrying the nonce', () => {
    const idToken = jwt({ sub: 'alice', nonce: 'n-1' });
    expect(tokensOf({ access_token: 'at', id_token: idToken }, PENDING)).toEqual({ accessToken: 'at', idToken });
    expect(() => tokensOf({ access_token: 'at', id_token: jwt({ nonce: 'other' }) }, PENDING)).toThrow(/nonce/);
    expect(() => tokensOf({ id_token: idToken }, PENDING)).toThrow(/no access token/);
    expect(jwtPayload(jwt({ name: 'Zoë ✓' }))).toEqual({ name: 'Zoë ✓' });
  });

  it('ends the provider’s session with the ID token as the hint', () => {
    const url = new URL(/** @type {string} */ (endSessionUrl(CONFIG, 'idt', 'https://app.example/')));
    expect(Object.fromEntries(url.searchParams)).toEqual({
      client_id: 'dashboard',
      post_logout_redirect_uri: 'https://app.example/',
      id_token_hint: 'idt',
    });
    expect(endSessionUrl({ ...CONFIG, endSessionEndpoint: undefined }, 'idt', 'https://app.example/')).toBeNull();
  });
});

describe('the sign-in round trip', () => {
  /**
   * One tab: its sessionStorage outlives the round trip to the provider.
   * @param {string} search
   * @param {Map<string, string>} items
   */
  function browser(search, items = new Map()) {
    const session = {
      /** @param {string} k */ getItem: (k) => items.get(k) ?? null,
      /** @param {string} k @param {string} v */ setItem: (k, v) => void items.set(k, v),
      /** @param {string} k */ removeItem: (k) => void items.delete(k),
    };
    const location = { origin: 'https://app.example', pathname: '/', search, assign: jest.fn() };
    const history = { replaceState: jest.fn() };
    return { items, session, location, history };
  }

  it('keeps the request in sessionStorage, then redeems the callback and cleans the address', async () => {
    const start = browser('');
    const make = (/** @type {ReturnType<typeof browser>} */ b, /** @type {typeof fetch} */ f) =>
      createOidcSignIn({
        config: CONFIG,
        session: b.session,
        location: /** @type {Location} */ (/** @type {unknown} */ (b.location)),
        history: /** @type {History} */ (/** @type {unknown} */ (b.history)),
        fetch: f,
        crypto,
      });
    await make(start, jest.fn()).begin();
    const sent = new URL(start.location.assign.mock.calls[0][0]);
    const pending = JSON.parse(start.items.get(PENDING_KEY) ?? 'null');
    expect(sent.searchParams.get('state')).toBe(pending.state);
    expect(sent.searchParams.get('code_challenge')).toBe(await pkceChallenge(pending.verifier, crypto.subtle));

    const back = browser(`?code=c-9&state=${pending.state}`, start.items);
    const idToken = jwt({ nonce: pending.nonce });
    const fetchToken = jest.fn(async () => new Response(JSON.stringify({ access_token: 'at-1', id_token: idToken })));
    const signIn = make(back, fetchToken);
    await expect(signIn.complete()).resolves.toBe('at-1');
    expect(back.history.replaceState).toHaveBeenCalledWith(null, '', '/');
    expect(start.items.has(PENDING_KEY)).toBe(false);
    expect(start.items.get(ID_TOKEN_KEY)).toBe(idToken);
    expect(signIn.signOut()).toContain('id_token_hint=');
    expect(start.items.size).toBe(0);
  });

  it('reads the server’s mode: OIDC settings, or null for pasted tokens', async () => {
    const answer = (/** @type {unknown} */ body) =>
      /** @type {typeof fetch} */ (async () => new Response(JSON.stringify(body)));
    await expect(loadAuthConfig(answer(CONFIG))).resolves.toEqual(CONFIG);
    await expect(loadAuthConfig(answer({ mode: 'token' }))).resolves.toBeNull();
    await expect(loadAuthConfig(async () => Promise.reject(new Error('offline')))).resolves.toBeNull();
  });
});
