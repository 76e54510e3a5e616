// @ts-check
import {
  createTokenStore,
  normaliseToken,
  TOKEN_KEY,
  takeTokenFromAddress,
  tokenFromHash,
} from '../public/js/session.js';

/** A Storage fake over a Map; `broken` makes every call throw, as disabled site data does. */
class MemoryStorage {
  constructor(broken = false) {
    this.broken = broken;
    /** @type {Map<string, string>} */
    this.items = new Map();
  }
  /** @param {string} key */
  getItem(key) {
    if (this.broken) throw new Error('SecurityError');
    return this.items.get(key) ?? null;
  }
  /** @param {string} key @param {string} value */
  setItem(key, value) {
    if (this.broken) throw new Error('SecurityError');
    this.items.set(key, value);
  }
  /** @param {string} key */
  removeItem(key) {
    if (this.broken) throw new Error('SecurityError');
    this.items.delete(key);
  }
}

describe('the token', () => {
  it('is read from the dashboard link', () => {
    expect(tokenFromHash('#token=eyJ.abc.def')).toBe('eyJ.abc.def');
    expect(tokenFromHash('token=eyJ.abc.def&x=1')).toBe('eyJ.abc.def');
    expect(tokenFromHash('#detail')).toBeNull();
    expect(tokenFromHash('')).toBeNull();
  });

  it('is accepted bare, as "Bearer …" or as the whole link', () => {
    expect(normaliseToken('  eyJ.a.b \n')).toBe('eyJ.a.b');
    expect(normaliseToken('Bearer eyJ.a.b')).toBe('eyJ.a.b');
    expect(normaliseToken('http://localhost:8080/#token=eyJ.a.b')).toBe('eyJ.a.b');
  });

  it('is removed from the address once read', () => {
    /** @type {unknown[][]} */
    const replaced = [];
    const location = /** @type {Location} */ ({ hash: '#token=eyJ.a.b', pathname: '/', search: '?q=1' });
    const history = /** @type {History} */ ({ replaceState: (...args) => void replaced.push(args) });
    expect(takeTokenFromAddress(location, history)).toBe('eyJ.a.b');
    expect(replaced).toEqual([[null, '', '/?q=1']]);
  });

  it('lives in sessionStorage, never in localStorage', () => {
    const session = new MemoryStorage();
    const local = new MemoryStorage();
    const store = createTokenStore({ session, legacy: local });
    store.set('tok');
    expect(session.items.get(TOKEN_KEY)).toBe('tok');
    expect(local.items.size).toBe(0);
    expect(createTokenStore({ session, legacy: local }).get()).toBe('tok'); // a reload of the tab
    store.clear();
    expect(session.items.size).toBe(0);
    expect(store.get()).toBeNull();
  });

  it('moves a token left in localStorage by an earlier version into this tab, and deletes it there', () => {
    const session = new MemoryStorage();
    const local = new MemoryStorage();
    local.setItem(TOKEN_KEY, 'legacy');
    const store = createTokenStore({ session, legacy: local });
    expect(store.get()).toBe('legacy');
    expect(local.items.has(TOKEN_KEY)).toBe(false);
    expect(session.items.get(TOKEN_KEY)).toBe('legacy');
  });

  it('lives in memory when storage refuses', () => {
    const store = createTokenStore({ session: new MemoryStorage(true), legacy: new MemoryStorage(true) });
    expect(store.get()).toBeNull();
    store.set('tok');
    expect(store.get()).toBe('tok');
    store.clear();
    expect(store.get()).toBeNull();
  });
});
