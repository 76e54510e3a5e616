// @ts-check
/**
 * Where the access token lives: sessionStorage (this tab, until it closes), never
 * localStorage, so a token does not outlive the browser session or leak into other tabs.
 * The `#token=` link the server prints is read once and removed from the address bar.
 * (Sign-in with OIDC will add another way to obtain a token; it ends in `write` too.)
 */

export const TOKEN_KEY = 'speechCoach.token';

/**
 * The token of a `#token=…` fragment, or null.
 * @param {string} hash `location.hash`, with or without the leading '#'
 */
export function tokenFromHash(hash) {
  const fragment = hash.replace(/^#/, '');
  if (!fragment) return null;
  const token = new URLSearchParams(fragment).get('token');
  return token && token.trim() ? token.trim() : null;
}

/**
 * Accepts a bare JWT, "Bearer <jwt>" or the whole dashboard link.
 * @param {string} input
 */
export function normaliseToken(input) {
  let t = String(input || '').trim();
  const inLink = t.match(/[#&]token=([^&\s]+)/);
  if (inLink) {
    try {
      t = decodeURIComponent(inLink[1]);
    } catch {
      t = inLink[1];
    }
  }
  return t.replace(/^Bearer\s+/i, '').trim();
}

/**
 * @typedef {Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>} KeyValueStore
 */

/**
 * The token of this tab. Storage may be missing or throw (disabled site data): then the
 * token lives in memory for this page only.
 * @param {{ session: KeyValueStore | null, legacy: KeyValueStore | null }} stores
 *   `legacy` is localStorage, where earlier versions kept the token: it is moved out once.
 */
export function createTokenStore(stores) {
  /** @type {string | null} */
  let memory = null;

  /** @param {() => void} f */
  const attempt = (f) => {
    try {
      f();
    } catch {
      // storage unavailable: memory is enough
    }
  };

  /** @param {KeyValueStore | null} store */
  const read = (store) => {
    try {
      return store ? store.getItem(TOKEN_KEY) : null;
    } catch {
      return null;
    }
  };

  const legacy = read(stores.legacy);
  if (legacy !== null) attempt(() => stores.legacy && stores.legacy.removeItem(TOKEN_KEY));

  const store = {
    get() {
      return memory || read(stores.session);
    },
    /** @param {string} token */
    set(token) {
      memory = token;
      attempt(() => stores.session && stores.session.setItem(TOKEN_KEY, token));
    },
    clear() {
      memory = null;
      attempt(() => stores.session && stores.session.removeItem(TOKEN_KEY));
    },
  };
  if (legacy && !store.get()) store.set(legacy);
  return store;
}

/** @typedef {ReturnType<typeof createTokenStore>} TokenStore */

/**
 * Reads `#token=` from the address and removes it, so the token is not left in the address
 * bar, the history or a bookmark.
 * @param {Location} location
 * @param {History} history
 */
export function takeTokenFromAddress(location, history) {
  const token = tokenFromHash(location.hash);
  if (token) history.replaceState(null, '', location.pathname + location.search);
  return token;
}
