// @ts-check
/**
 * Live updates: the SSE stream of `recording` events, and polling while the stream is down.
 * When the stream (re)opens, polling stops and the list is read once more to catch up on what
 * changed meanwhile. When the browser gives up on the stream (a non-200 answer, such as an
 * expired token), it is reopened after a pause; meanwhile the poll notices an expired token
 * (its 401 signs out).
 */
import { parseRecordingEvent } from './state.js';

/**
 * @typedef {import('./types.js').RecordingView} RecordingView
 * @typedef {import('./types.js').ConnectionMode} ConnectionMode
 */

export const POLL_MS = 5000;
export const RECONNECT_MS = 5000;

/**
 * The part of EventSource this module uses, so a test can drive it.
 * @typedef {object} EventStream
 * @property {number} readyState
 * @property {(type: string, listener: (event: MessageEvent) => void) => void} addEventListener
 * @property {((event: Event) => void) | null} onopen
 * @property {((event: Event) => void) | null} onerror
 * @property {() => void} close
 */

/**
 * @typedef {object} LiveDeps
 * @property {() => string | null} url the stream's address for the current token, or null
 * @property {(view: RecordingView) => void} onRecording
 * @property {(audioId: string) => void} [onDeleted] a recording was deleted: drop it
 * @property {(mode: ConnectionMode) => void} onMode
 * @property {() => Promise<void>} poll reads the list; it must not throw
 * @property {() => void} onCatchUp the stream opened: read what it may have missed
 * @property {((url: string) => EventStream) | null} [openStream] null where EventSource is missing
 * @property {number} [pollMs]
 * @property {number} [reconnectMs]
 */

const CLOSED = 2; // EventSource.CLOSED

/** @param {LiveDeps} deps */
export function createLive(deps) {
  const pollMs = deps.pollMs ?? POLL_MS;
  const reconnectMs = deps.reconnectMs ?? RECONNECT_MS;
  const openStream =
    deps.openStream !== undefined
      ? deps.openStream
      : typeof EventSource === 'undefined'
        ? null
        : (/** @type {string} */ url) => new EventSource(url);

  let running = false;
  /** @type {EventStream | null} */
  let stream = null;
  /** @type {ReturnType<typeof setInterval> | null} */
  let pollTimer = null;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let reconnectTimer = null;

  function startPolling() {
    if (pollTimer !== null || !running) return;
    pollTimer = setInterval(() => void deps.poll(), pollMs);
    void deps.poll();
  }

  function stopPolling() {
    if (pollTimer !== null) clearInterval(pollTimer);
    pollTimer = null;
  }

  function closeStream() {
    if (reconnectTimer !== null) clearTimeout(reconnectTimer);
    reconnectTimer = null;
    if (stream) stream.close();
    stream = null;
  }

  function connect() {
    closeStream();
    const url = deps.url();
    if (!running) return;
    if (!url || !openStream) {
      deps.onMode('polling');
      startPolling();
      return;
    }
    const es = openStream(url);
    stream = es;
    es.addEventListener('recording', (event) => {
      const view = parseRecordingEvent(String(event.data));
      if (view) deps.onRecording(view);
    });
    es.addEventListener('deleted', (event) => {
      const audioId = deletedIdOf(String(event.data));
      if (audioId) deps.onDeleted?.(audioId);
    });
    es.onopen = () => {
      if (stream !== es) return;
      deps.onMode('live');
      stopPolling();
      deps.onCatchUp();
    };
    es.onerror = () => {
      if (stream !== es) return;
      deps.onMode('polling');
      startPolling();
      if (es.readyState === CLOSED) {
        // The browser retries by itself unless the answer was fatal; then we do, later.
        es.close();
        stream = null;
        reconnectTimer = setTimeout(() => {
          reconnectTimer = null;
          if (running) connect();
        }, reconnectMs);
      }
    };
  }

  return {
    start() {
      running = true;
      connect();
    },
    stop() {
      running = false;
      closeStream();
      stopPolling();
    },
    /** Whether the list is being polled (the stream is down or missing). */
    get polling() {
      return pollTimer !== null;
    },
  };
}

/** @typedef {ReturnType<typeof createLive>} Live */

/**
 * The id in a `deleted` event (`{"audioId": …}`), or null when it is not one.
 * @param {string} data
 */
export function deletedIdOf(data) {
  try {
    const v = JSON.parse(data);
    return v && typeof v === 'object' && typeof v.audioId === 'string' && v.audioId ? v.audioId : null;
  } catch {
    return null;
  }
}
