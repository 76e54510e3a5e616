// @ts-check
/**
 * What the page knows about the signed-in user's recordings, and the pure rules that fold
 * what the server says (a page of the list, an SSE event, a poll) into it. Rendering lives in
 * table.js and detail/; this module never touches the DOM.
 */

/**
 * @typedef {import('./types.js').RecordingView} RecordingView
 * @typedef {import('./types.js').RecordingStatus} RecordingStatus
 * @typedef {import('./types.js').ProcessingAction} ProcessingAction
 */

/**
 * A Transcribe or Analyze click the server has not answered (`sending`) or answered but not
 * yet reflected in the recording's view (`sent`). `status` is the recording's status when the
 * user clicked; `at` is when the server accepted the request; `failureAt` is the time of the failure
 * the recording showed then (null: none), so a retry that failed again at once is seen as an answer.
 * @typedef {{ action: ProcessingAction, phase: 'sending' | 'sent', status: RecordingStatus, at: number,
 *   failureAt?: number | null }} PendingRequest
 */

export const PAGE_SIZE = 50;
/** The server caps `limit` at 200. */
export const MAX_PAGE = 200;
/**
 * How long an accepted request may go unreflected before the row follows the server again
 * (a lost event must not leave a button disabled for good).
 */
export const REQUEST_PATIENCE_MS = 30_000;

export function createState() {
  return {
    /** audioId → the newest view of it the page has seen. */
    recordings: /** @type {Map<string, RecordingView>} */ (new Map()),
    /** `${action}:${audioId}` → the user's request in flight. */
    requests: /** @type {Map<string, PendingRequest>} */ (new Map()),
    /** @type {string | null} */
    nextCursor: null,
    firstPageLoaded: false,
    /** The audioId shown in the detail panel. */
    /** @type {string | null} */
    selected: null,
  };
}

/** @typedef {ReturnType<typeof createState>} DashboardState */

/**
 * How an incoming view relates to the one the page has: views carry the read model's
 * `updatedAt`, so a late page or a replayed event never moves a row backwards.
 * @param {RecordingView | undefined} current
 * @param {RecordingView} incoming
 * @returns {{ kind: 'new' | 'updated' | 'stale', view: RecordingView, statusChanged: boolean, moved: boolean }}
 */
export function foldRecording(current, incoming) {
  if (!current) return { kind: 'new', view: incoming, statusChanged: false, moved: false };
  if (incoming.updatedAt < current.updatedAt)
    return { kind: 'stale', view: current, statusChanged: false, moved: false };
  return {
    kind: 'updated',
    view: incoming,
    statusChanged: current.status !== incoming.status,
    moved: current.createdAt !== incoming.createdAt,
  };
}

/**
 * The data of an SSE `recording` event, or null when it is not a recording view.
 * @param {string} data
 * @returns {RecordingView | null}
 */
export function parseRecordingEvent(data) {
  let value;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object') return null;
  const v = /** @type {Record<string, unknown>} */ (value);
  if (typeof v.audioId !== 'string' || !v.audioId || typeof v.status !== 'string' || typeof v.updatedAt !== 'number')
    return null;
  return /** @type {RecordingView} */ (value);
}

/**
 * The server's order: newest first (createdAt descending, then audioId descending).
 * @param {RecordingView} a
 * @param {RecordingView} b
 * @returns {number} negative when `a` comes first
 */
export function newestFirst(a, b) {
  if (a.createdAt !== b.createdAt) return (b.createdAt || 0) - (a.createdAt || 0);
  return a.audioId === b.audioId ? 0 : a.audioId > b.audioId ? -1 : 1;
}

/**
 * @param {ProcessingAction} action
 * @param {string} audioId
 */
export const requestKey = (action, audioId) => `${action}:${audioId}`;

/**
 * Whether the server has taken over from an accepted request: the recording moved on from
 * the status it had when the user clicked, or the step is no longer allowed (it is running),
 * or it shows another failure than then (the retry ran and failed again between two views),
 * or the server has been silent for longer than REQUEST_PATIENCE_MS.
 * @param {PendingRequest} request
 * @param {RecordingView} view
 * @param {number} now
 */
export function requestSettled(request, view, now) {
  if (request.phase === 'sending') return false;
  if (now - request.at >= REQUEST_PATIENCE_MS) return true;
  const permission = permissionOf(view, request.action);
  if (request.failureAt !== undefined && (view.failure ? view.failure.at : null) !== request.failureAt) return true;
  return view.status !== request.status || !permission.allowed;
}

/**
 * Whether the server allows the step now, and why (not).
 * @param {RecordingView} view
 * @param {ProcessingAction} action
 */
export function permissionOf(view, action) {
  if (action === 'transcribe') return view.canTranscribe;
  if (action === 'analyze') return view.canAnalyze;
  return view.canCancelTranscription;
}

/** Every action a row offers, in the order its buttons are shown. */
export const PROCESSING_ACTIONS = /** @type {const} */ (['transcribe', 'analyze', 'cancel']);

/**
 * The row shown between the upload's 201 and the read model's first view of it.
 * @param {string} audioId
 * @param {{ name: string, type: string, size: number }} file
 * @param {number} now
 * @returns {RecordingView}
 */
export function placeholderView(audioId, file, now) {
  return {
    audioId,
    filename: file.name,
    contentType: file.type,
    sizeBytes: file.size,
    createdAt: now,
    updatedAt: 0, // any view from the server replaces it
    status: 'uploaded',
    failure: null,
    progress: null,
    chunking: null,
    chunkCount: null,
    durationMs: null,
    failedChunks: [],
    wordCount: null,
    transcriptReady: false,
    analysisReady: false,
    canTranscribe: { allowed: false, reason: 'the recording is being prepared' },
    canAnalyze: { allowed: false, reason: 'the recording has no transcript yet; transcribe it first' },
    canCancelTranscription: { allowed: false, reason: 'no transcription was requested; nothing to cancel' },
    metadata: null,
    details: { title: null, tags: [], agent: null, customer: null, notes: null },
    queue: null,
    duplicateOf: null,
    duplicateOfTitle: null,
  };
}

/**
 * The upload's `metadata` field from the comma-separated competitors input, or null.
 * @param {string} input
 */
export function competitorsMetadata(input) {
  const names = input
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return names.length ? JSON.stringify({ competitors: names }) : null;
}

/**
 * Competitor names from a recording's metadata.
 * @param {RecordingView} view
 * @returns {string[]}
 */
export function competitorsOf(view) {
  const list = view.metadata && view.metadata.competitors;
  return Array.isArray(list) ? list.map(String) : [];
}

/**
 * How many rows a poll asks for: at least a page, enough to cover what is shown, at most
 * the server's cap.
 * @param {number} shown
 */
export const pollLimit = (shown) => Math.min(MAX_PAGE, Math.max(PAGE_SIZE, shown));
