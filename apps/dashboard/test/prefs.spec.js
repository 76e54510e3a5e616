// @ts-check
import { AUTO_PROCESS_KEY, createFlag } from '../public/js/prefs.js';

/** localStorage over a Map, shared by the "pages" of one test; `broken` throws like disabled site data. */
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
    this.items.delete(key);
  }
}

describe('automatic processing preference', () => {
  it('is on by default and stores nothing until the user chooses', () => {
    const storage = new MemoryStorage();
    expect(createFlag(storage, AUTO_PROCESS_KEY, true).get()).toBe(true);
    expect(storage.items.size).toBe(0);
  });

  it('stays off on the next page once the user turned it off, and on again once turned on', () => {
    const storage = new MemoryStorage();
    createFlag(storage, AUTO_PROCESS_KEY, true).set(false);
    expect(createFlag(storage, AUTO_PROCESS_KEY, true).get()).toBe(false); // a reload
    createFlag(storage, AUTO_PROCESS_KEY, true).set(true);
    expect(createFlag(storage, AUTO_PROCESS_KEY, true).get()).toBe(true);
    expect(storage.items.get(AUTO_PROCESS_KEY)).toBe('on');
  });

  it('keeps the choice for the page when storage refuses it, and falls back to on without storage', () => {
    const flag = createFlag(new MemoryStorage(true), AUTO_PROCESS_KEY, true);
    expect(flag.get()).toBe(true);
    flag.set(false);
    expect(flag.get()).toBe(false);
    expect(createFlag(null, AUTO_PROCESS_KEY, true).get()).toBe(true);
  });

  it('ignores a stored value it does not know', () => {
    const storage = new MemoryStorage();
    storage.setItem(AUTO_PROCESS_KEY, 'maybe');
    expect(createFlag(storage, AUTO_PROCESS_KEY, true).get()).toBe(true);
  });
});
