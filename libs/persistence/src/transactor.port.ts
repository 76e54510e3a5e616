/**
 * The Transactor port: runs a piece of work (an event handler, an HTTP command) so that its
 * document writes and the events it publishes take effect together or not at all.
 *
 * - Embedded (SQLite): one database transaction at the end of the work, validated against
 *   what the work read (optimistic concurrency); on a conflict the work runs again.
 * - Distributed (MongoDB + Kafka): writes and publishes happen as they are made. Work that
 *   must not lose its event keeps a flag on its own document and re-announces on start
 *   (see the upload gateway): at-least-once, with idempotent consumers.
 */
export interface Transactor {
  run<T>(work: () => Promise<T>): Promise<T>;
  /**
   * Runs `fn` once the current work has committed (at once outside any work): side effects
   * that must not be seen for work that may still roll back, such as a live update to a browser.
   */
  afterCommit(fn: () => void): void;
}

/** The distributed modes' Transactor: no shared transaction, effects happen as they are made. */
export const immediateTransactor: Transactor = {
  run: (work) => work(),
  afterCommit: (fn) => fn(),
};
