// @ts-check
/**
 * Signing in through an OpenID provider: authorization code with PKCE (S256), `state` against
 * forged callbacks and `nonce` against replayed ID tokens (RFC 9700, OIDC Core §3.1). Pure
 * functions here (tested in apps/dashboard/test/oidc.spec.js); the browser side is sign-in.js.
 * The dashboard is a public client: no secret, the code verifier proves the redeemer.
 */

/**
 * @typedef {object} OidcConfig what GET /auth/config says with OIDC on
 * @property {'oidc'} mode
 * @property {string} issuer
 * @property {string} clientId
 * @property {string} scopes
 * @property {string} authorizationEndpoint
 * @property {string} tokenEndpoint
 * @property {string} [endSessionEndpoint]
 *
 * @typedef {{ state: string, nonce: string, verifier: string, redirectUri: string }} PendingSignIn
 * @typedef {{ accessToken: string, idToken: string | null }} SignInTokens
 */

/** @param {Uint8Array} bytes */
export function base64url(bytes) {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A random value for the verifier, the state or the nonce: 32 bytes, 43 characters.
 * @param {Pick<Crypto, 'getRandomValues'>} crypto
 */
export function randomValue(crypto) {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

/**
 * The S256 code challenge of a verifier: base64url(SHA-256(verifier)) (RFC 7636 §4.2).
 * @param {string} verifier
 * @param {Pick<SubtleCrypto, 'digest'>} subtle
 */
export async function pkceChallenge(verifier, subtle) {
  const digest = await subtle.digest('SHA-256', new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

/**
 * Where the browser goes to sign in.
 * @param {OidcConfig} config
 * @param {PendingSignIn} pending
 * @param {string} challenge
 */
export function authorizationUrl(config, pending, challenge) {
  const url = new URL(config.authorizationEndpoint);
  const params = {
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: pending.redirectUri,
    scope: config.scopes,
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  };
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

/**
 * The provider's answer in the address (`?code=…&state=…`, or `?error=…`), or null when the
 * address is not a callback.
 * @param {string} search `location.search`
 * @returns {{ code: string, state: string } | { error: string, state: string | null } | null}
 */
export function parseCallback(search) {
  const params = new URLSearchParams(search);
  const error = params.get('error');
  if (error) {
    const description = params.get('error_description');
    return { error: description ? `${error}: ${description}` : error, state: params.get('state') };
  }
  const code = params.get('code');
  const state = params.get('state');
  return code && state ? { code, state } : null;
}

/**
 * The code of a callback, once its state is the one this tab sent (a callback made elsewhere is
 * refused: login CSRF).
 * @param {NonNullable<ReturnType<typeof parseCallback>>} callback
 * @param {PendingSignIn | null} pending
 */
export function codeOf(callback, pending) {
  if (!pending) throw new Error('no sign-in was started in this tab');
  if (callback.state !== pending.state) throw new Error('the sign-in answer does not match the request (state)');
  if ('error' in callback) throw new Error(`the identity provider refused the sign-in (${callback.error})`);
  return callback.code;
}

/**
 * A JWT's payload, unverified: the page only reads the nonce of the ID token it has just
 * received over TLS from the token endpoint; the API verifies every access token itself.
 * @param {string} jwt
 * @returns {Record<string, unknown>}
 */
export function jwtPayload(jwt) {
  const part = jwt.split('.')[1];
  if (!part) throw new Error('not a JWT');
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0));
  const payload = JSON.parse(new TextDecoder().decode(bytes));
  if (!payload || typeof payload !== 'object') throw new Error('not a JWT');
  return payload;
}

/**
 * Checks the token endpoint's answer: an access token, and an ID token carrying our nonce.
 * @param {unknown} body
 * @param {PendingSignIn} pending
 * @returns {SignInTokens}
 */
export function tokensOf(body, pending) {
  const b = /** @type {{ access_token?: unknown, id_token?: unknown }} */ (
    body && typeof body === 'object' ? body : {}
  );
  if (typeof b.access_token !== 'string' || !b.access_token)
    throw new Error('the identity provider sent no access token');
  const idToken = typeof b.id_token === 'string' ? b.id_token : null;
  if (idToken && jwtPayload(idToken).nonce !== pending.nonce)
    throw new Error('the ID token was not issued for this sign-in (nonce)');
  return { accessToken: b.access_token, idToken };
}

/**
 * The token request's body (RFC 6749 §4.1.3 with the PKCE verifier).
 * @param {OidcConfig} config
 * @param {PendingSignIn} pending
 * @param {string} code
 */
export function tokenRequestBody(config, pending, code) {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: pending.redirectUri,
    client_id: config.clientId,
    code_verifier: pending.verifier,
  });
}

/**
 * Where to end the provider's session too (RP-initiated logout), or null without one.
 * @param {OidcConfig} config
 * @param {string | null} idToken
 * @param {string} redirectUri
 */
export function endSessionUrl(config, idToken, redirectUri) {
  if (!config.endSessionEndpoint) return null;
  const url = new URL(config.endSessionEndpoint);
  url.searchParams.set('client_id', config.clientId);
  url.searchParams.set('post_logout_redirect_uri', redirectUri);
  if (idToken) url.searchParams.set('id_token_hint', idToken);
  return url.toString();
}
