// @ts-check
/**
 * The browser side of the OpenID Connect sign-in (oidc.js has the protocol): the request kept
 * in sessionStorage across the round trip to the provider, the callback checked and redeemed,
 * the address cleaned, and the provider's session ended on sign-out. The access token then goes
 * the way a pasted one does (session.js).
 */
import {
  authorizationUrl,
  codeOf,
  endSessionUrl,
  parseCallback,
  pkceChallenge,
  randomValue,
  tokenRequestBody,
  tokensOf,
} from './oidc.js';

/**
 * @typedef {import('./oidc.js').OidcConfig} OidcConfig
 * @typedef {import('./oidc.js').PendingSignIn} PendingSignIn
 * @typedef {import('../session.js').KeyValueStore} KeyValueStore
 */

export const PENDING_KEY = 'speechCoach.oidc.pending';
export const ID_TOKEN_KEY = 'speechCoach.oidc.idToken';

/**
 * What GET /auth/config says: the OIDC settings, or null when tokens are pasted (or the server
 * is too old to say).
 * @param {typeof fetch} doFetch
 * @returns {Promise<OidcConfig | null>}
 */
export async function loadAuthConfig(doFetch) {
  try {
    const res = await doFetch('/auth/config', { headers: { Accept: 'application/json' } });
    if (!res.ok) return null;
    const body = await res.json();
    return body && body.mode === 'oidc' ? /** @type {OidcConfig} */ (body) : null;
  } catch {
    return null;
  }
}

/**
 * @param {{ config: OidcConfig, session: KeyValueStore | null, location: Location, history: History,
 *   fetch: typeof fetch, crypto: Crypto }} deps
 */
export function createOidcSignIn(deps) {
  const { config, session, location } = deps;
  const redirectUri = location.origin + location.pathname;
  /** @param {string} key */
  const read = (key) => {
    try {
      return session ? session.getItem(key) : null;
    } catch {
      return null;
    }
  };
  /** @param {string} key @param {string | null} value */
  const write = (key, value) => {
    try {
      if (!session) return;
      if (value === null) session.removeItem(key);
      else session.setItem(key, value);
    } catch {
      // storage unavailable: the sign-in cannot survive the round trip, the callback says so
    }
  };

  return {
    /** Goes to the provider's sign-in page. */
    async begin() {
      /** @type {PendingSignIn} */
      const pending = {
        state: randomValue(deps.crypto),
        nonce: randomValue(deps.crypto),
        verifier: randomValue(deps.crypto),
        redirectUri,
      };
      write(PENDING_KEY, JSON.stringify(pending));
      location.assign(authorizationUrl(config, pending, await pkceChallenge(pending.verifier, deps.crypto.subtle)));
    },
    /**
     * The access token of a callback in the address (redeemed and checked), or null when the
     * address is not one. The address is cleaned either way: a code is used once.
     * @returns {Promise<string | null>}
     */
    async complete() {
      const callback = parseCallback(location.search);
      if (!callback) return null;
      deps.history.replaceState(null, '', location.pathname);
      const saved = read(PENDING_KEY);
      write(PENDING_KEY, null);
      /** @type {PendingSignIn | null} */
      const pending = saved ? JSON.parse(saved) : null;
      const code = codeOf(callback, pending);
      const res = await deps.fetch(config.tokenEndpoint, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
        body: tokenRequestBody(config, /** @type {PendingSignIn} */ (pending), code),
      });
      const body = await res.json().catch(() => null);
      if (!res.ok) {
        const said = body && typeof body.error_description === 'string' ? body.error_description : `HTTP ${res.status}`;
        throw new Error(`the identity provider did not issue a token (${said})`);
      }
      const tokens = tokensOf(body, /** @type {PendingSignIn} */ (pending));
      write(ID_TOKEN_KEY, tokens.idToken);
      return tokens.accessToken;
    },
    /** Forgets the ID token; the provider's end-session address, to end its session too, or null. */
    signOut() {
      const idToken = read(ID_TOKEN_KEY);
      write(ID_TOKEN_KEY, null);
      return endSessionUrl(config, idToken, redirectUri);
    },
  };
}

/** @typedef {ReturnType<typeof createOidcSignIn>} OidcSignIn */
