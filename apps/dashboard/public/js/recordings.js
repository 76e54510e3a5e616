// @ts-check
/**
 * The list of recordings: loading pages, folding every view the server sends (page, poll,
 * SSE event, refresh) into the state, and the Transcribe / Analyze requests of the rows.
 * Whoever shows a recording elsewhere (the detail panel) subscribes with `onChange`.
 */
import {
  foldRecording,
  PAGE_SIZE,
  pollLimit,
  PROCESSING_ACTIONS,
  REQUEST_PATIENCE_MS,
  requestKey,
  requestSettled,
} from './state.js';
import { statusLabel } from './status.js';

/**
 * @typedef {import('./types.js').RecordingView} RecordingView
 * @typedef {import('./types.js').RecordingPage} RecordingPage
 * @typedef {import('./types.js').ProcessingAction} ProcessingAction
 * @typedef {import('./state.js').DashboardState} DashboardState
 * @typedef {import('./state.js').PendingRequest} PendingRequest
 * @typedef {import('./api.js').Api} Api
 * @typedef {import('./api.js').ApiError} ApiError
 * @typedef {import('./table.js').Table} Table
 * @typedef {import('./notices.js').Notices} Notices
 */

/** @type {Record<ProcessingAction, { step: string, verb: string }>} */
const WORDS = {
  transcribe: { step: 'Transcription', verb: 'Transcribe' },
  analyze: { step: 'Analysis', verb: 'Analyze' },
  cancel: { step: 'Cancellation', verb: 'Cancel' },
};

/** @param {unknown} err */
const statusOf = (err) => (err && typeof err === 'object' && 'status' in err ? Number(err.status) : 0);
/** @param {unknown} err */
const messageOf = (err) => (err instanceof Error ? err.message : String(err));

/**
 * @param {{ state: DashboardState, api: Api, table: Table, notices: Notices, loadMore: HTMLButtonElement,
 *   signedIn: () => boolean, now?: () => number }} deps
 */
export function createRecordings(deps) {
  const { state, api, table, notices } = deps;
  const now = deps.now || (() => Date.now());
  /** @type {Set<(view: RecordingView) => void>} */
  const listeners = new Set();

  /** @param {string} audioId */
  function requestsOf(audioId) {
    /** @type {Partial<Record<ProcessingAction, PendingRequest>>} */
    const out = {};
    for (const action of PROCESSING_ACTIONS) {
      const r = state.requests.get(requestKey(action, audioId));
      if (r) out[action] = r;
    }
    return out;
  }

  /** @param {string} audioId */
  function rerender(audioId) {
    const view = state.recordings.get(audioId);
    if (view) table.render(view, { requests: requestsOf(audioId), selected: state.selected === audioId });
  }

  /**
   * Folds one view from the server into the page.
   * @param {RecordingView} incoming
   */
  function upsert(incoming) {
    if (!deps.signedIn()) return;
    const folded = foldRecording(state.recordings.get(incoming.audioId), incoming);
    if (folded.kind === 'stale') return;
    const view = folded.view;
    state.recordings.set(view.audioId, view);
    for (const action of PROCESSING_ACTIONS) {
      const key = requestKey(action, view.audioId);
      const request = state.requests.get(key);
      if (request && requestSettled(request, view, now())) state.requests.delete(key);
    }
    rerender(view.audioId);
    if (folded.statusChanged) announce(`${view.filename || 'Recording'}: ${statusLabel(view.status)}`);
    for (const listener of listeners) listener(view);
  }

  /** @param {string} text */
  function announce(text) {
    notices.announce(text);
  }

  /**
   * @param {RecordingPage} page
   * @param {boolean} first whether this page starts the list (sets the cursor once)
   */
  function takePage(page, first) {
    for (const item of page.items) upsert(item);
    if (first && !state.firstPageLoaded) {
      state.firstPageLoaded = true;
      state.nextCursor = page.nextCursor;
      deps.loadMore.hidden = !state.nextCursor;
    }
  }

  async function loadFirstPage() {
    try {
      takePage(await api.list({ limit: PAGE_SIZE }), true);
    } catch (err) {
      if (statusOf(err) !== 401) notices.showAlert(`Could not load recordings: ${messageOf(err)}`);
    }
  }

  async function loadMore() {
    if (!state.nextCursor) return;
    deps.loadMore.disabled = true;
    try {
      const page = await api.list({ limit: PAGE_SIZE, cursor: state.nextCursor });
      takePage(page, false);
      state.nextCursor = page.nextCursor;
      deps.loadMore.hidden = !state.nextCursor;
    } catch (err) {
      if (statusOf(err) !== 401) notices.showAlert(`Could not load more recordings: ${messageOf(err)}`);
    } finally {
      deps.loadMore.disabled = false;
    }
  }

  /** Reads the newest rows again (the poll while the stream is down). Never throws. */
  async function poll() {
    try {
      takePage(await api.list({ limit: pollLimit(state.recordings.size) }), true);
    } catch {
      // offline: the next poll tries again; a 401 has signed out already
    }
  }

  /** @param {string} audioId */
  async function refreshOne(audioId) {
    try {
      upsert(await api.recording(audioId));
    } catch {
      // the stream or the next poll brings it
    }
  }

  /**
   * A Transcribe, Analyze or Cancel click: the row says at once that the request is being sent, then
   * that it was accepted, and follows the server from the moment its view moves on.
   * @param {ProcessingAction} action
   * @param {string} audioId
   */
  async function start(action, audioId) {
    const key = requestKey(action, audioId);
    const view = state.recordings.get(audioId);
    if (!view || state.requests.has(key)) return;
    const failureAt = view.failure ? view.failure.at : null;
    state.requests.set(key, { action, phase: 'sending', status: view.status, at: now(), failureAt });
    rerender(audioId);
    notices.hideAlert('general');
    try {
      await api.start(action, audioId);
      state.requests.set(key, { action, phase: 'sent', status: view.status, at: now(), failureAt });
      announce(`${WORDS[action].step} requested for ${view.filename || 'the recording'}`);
      // If no update comes, the row follows the server again after the patience runs out.
      setTimeout(() => {
        const r = state.requests.get(key);
        const current = state.recordings.get(audioId);
        if (r && current && requestSettled(r, current, now())) {
          state.requests.delete(key);
          rerender(audioId);
        }
      }, REQUEST_PATIENCE_MS);
    } catch (err) {
      state.requests.delete(key);
      if (statusOf(err) !== 401) notices.showAlert(`${WORDS[action].verb} failed: ${messageOf(err)}`);
    }
    rerender(audioId);
    if (deps.signedIn()) await refreshOne(audioId);
  }

  /**
   * A deleted recording leaves the page (the stream said so, or this page deleted it).
   * @param {string} audioId
   */
  function remove(audioId) {
    const view = state.recordings.get(audioId);
    state.recordings.delete(audioId);
    for (const action of PROCESSING_ACTIONS) state.requests.delete(requestKey(action, audioId));
    table.remove(audioId);
    if (view) announce(`${view.filename || 'Recording'}: deleted`);
  }

  return {
    upsert,
    remove,
    rerender,
    loadFirstPage,
    loadMore,
    poll,
    refreshOne,
    start,
    /** @param {string} audioId */
    get: (audioId) => state.recordings.get(audioId),
    /** @param {(view: RecordingView) => void} listener called after every accepted view */
    onChange(listener) {
      listeners.add(listener);
    },
    clear() {
      state.recordings.clear();
      state.requests.clear();
      state.nextCursor = null;
      state.firstPageLoaded = false;
      deps.loadMore.hidden = true;
      table.clear();
    },
  };
}

/** @typedef {ReturnType<typeof createRecordings>} Recordings */
