// @ts-check
/**
 * The user's choices that outlive a page: kept in localStorage (they are not secrets, unlike
 * the token), written only when the user changes one, so a browser that never changed a choice
 * stores nothing. Storage may be missing or throw (disabled site data): the default holds then.
 */

/** @typedef {import('./session.js').KeyValueStore} KeyValueStore */

/** "Transcribe and analyze automatically": on unless the user turned it off. */
export const AUTO_PROCESS_KEY = 'speechCoach.autoProcess';

/**
 * A yes/no choice under `key`, `fallback` until the user makes one.
 * @param {KeyValueStore | null} store
 * @param {string} key
 * @param {boolean} fallback
 */
export function createFlag(store, key, fallback) {
  /** @type {boolean | null} this page's choice, kept when storage refuses it */
  let chosen = null;
  return {
    get() {
      if (chosen !== null) return chosen;
      let raw = null;
      try {
        raw = store ? store.getItem(key) : null;
      } catch {
        // storage unavailable: the default
      }
      return raw === 'on' ? true : raw === 'off' ? false : fallback;
    },
    /** @param {boolean} on */
    set(on) {
      chosen = on;
      try {
        if (store) store.setItem(key, on ? 'on' : 'off');
      } catch {
        // storage unavailable: the choice lasts for this page
      }
    },
  };
}

/** @typedef {ReturnType<typeof createFlag>} Flag */
