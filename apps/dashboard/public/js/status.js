// @ts-check
/**
 * What a recording's state means in words: status labels, the progress line under a status,
 * the action buttons' labels and whether they are enabled, and the notices of the detail panel.
 * Pure functions of the server's view (and of the request the user just sent), so they are
 * unit-tested without a browser.
 */
import { bytes, capital, clock, plural, roughly, sentence, when } from './format.js';
import { permissionOf } from './state.js';

/**
 * @typedef {import('./types.js').RecordingView} RecordingView
 * @typedef {import('./types.js').RecordingStatus} RecordingStatus
 * @typedef {import('./types.js').ProcessingAction} ProcessingAction
 * @typedef {import('./types.js').ConnectionMode} ConnectionMode
 * @typedef {import('./state.js').PendingRequest} PendingRequest
 */

/** @type {Record<RecordingStatus, string>} */
export const STATUS_LABELS = {
  uploading: 'Uploading',
  uploaded: 'Uploaded',
  chunking: 'Chunking',
  ready: 'Ready',
  transcribing: 'Transcribing',
  cancelled: 'Cancelled',
  transcribed: 'Transcribed',
  analyzing: 'Analyzing',
  analyzed: 'Analyzed',
  failed: 'Failed',
};

/** @param {string} status */
export function statusLabel(status) {
  return Object.prototype.hasOwnProperty.call(STATUS_LABELS, status)
    ? STATUS_LABELS[/** @type {RecordingStatus} */ (status)]
    : status;
}

/**
 * A row's status badge. While the user's request is on its way or accepted but not yet shown by
 * the server, the badge says so instead of the status it replaces (a Retry click must not leave
 * "Failed" standing as if nothing happened); `status` is the badge's tone (data-status).
 * @param {RecordingView} view
 * @param {PendingRequest | null} [request]
 * @returns {{ status: string, label: string, title: string }}
 */
export function statusBadge(view, request) {
  if (!request) return { status: view.status, label: statusLabel(view.status), title: '' };
  if (request.action === 'cancel')
    return {
      status: 'requested',
      label: 'Cancelling…',
      title: `${requestText(request)} (was ${statusLabel(request.status).toLowerCase()})`,
    };
  return {
    status: 'requested',
    label: request.phase === 'sending' ? 'Requesting…' : 'Requested',
    title: `${requestText(request)} (was ${statusLabel(request.status).toLowerCase()})`,
  };
}

/** @type {Record<ProcessingAction, string>} */
const STEP = { transcribe: 'transcription', analyze: 'analysis', cancel: 'cancellation' };

/**
 * The line under a row's status badge.
 * @typedef {{ kind: 'bar', value: number, max: number, label: string, text: string }
 *   | { kind: 'text', tone: 'muted' | 'failure' | 'pending', text: string }} RowProgress
 */

/**
 * @param {RecordingView} view
 * @param {PendingRequest | null} [request] the user's request the server has not reflected yet
 * @returns {RowProgress | null}
 */
export function rowProgress(view, request) {
  if (request) return { kind: 'text', tone: 'pending', text: requestText(request) };
  const failed = view.failedChunks.length;
  switch (view.status) {
    case 'transcribing': {
      const p = view.progress || { done: 0, total: view.chunkCount || 0 };
      const done = p.total ? `${p.done}/${p.total} chunks` : 'Starting…';
      // A chunk the worker gave up on waits for the others, then the transcription fails and
      // can be retried: it is not retried by itself, so it is never called "retrying".
      const head = failed ? `${done} · ${plural(failed, 'chunk')} failed` : done;
      const queue = queueText(view.queue);
      const text = queue ? `${head} · ${queue}` : head;
      return { kind: 'bar', value: p.done, max: Math.max(p.total, 1), label: 'Transcription', text };
    }
    case 'failed':
      return { kind: 'text', tone: 'failure', text: failureText(view) };
    case 'cancelled':
      return { kind: 'text', tone: 'muted', text: cancelledText(view) };
    case 'uploading':
      return { kind: 'text', tone: 'muted', text: 'Uploading…' };
    case 'uploaded':
      return { kind: 'text', tone: 'muted', text: 'Preparing…' };
    case 'chunking': {
      const c = view.chunking;
      if (!c || !c.totalMs) return { kind: 'text', tone: 'muted', text: 'Splitting into chunks…' };
      const text = `Splitting: ${clock(c.doneMs)} of ${clock(c.totalMs)}`;
      return { kind: 'bar', value: c.doneMs, max: c.totalMs, label: 'Chunking', text };
    }
    case 'ready':
      return {
        kind: 'text',
        tone: 'muted',
        text: view.chunkCount ? plural(view.chunkCount, 'chunk') : 'Ready to transcribe',
      };
    case 'analyzing':
      return { kind: 'text', tone: 'muted', text: 'Analyzing…' };
    default:
      return typeof view.wordCount === 'number'
        ? { kind: 'text', tone: 'muted', text: plural(view.wordCount, 'word') }
        : null;
  }
}

/**
 * "Failed" in words: the reason, how many chunks failed, and what Retry will do.
 * @param {RecordingView} view
 */
export function failureText(view) {
  const reason = sentence((view.failure && view.failure.reason) || 'processing failed');
  const failed = view.failedChunks.length;
  const chunks = failed && !/chunk/i.test(reason) ? ` ${sentence(`${plural(failed, 'chunk')} failed`)}` : '';
  let next = '';
  if (view.canTranscribe.allowed)
    next = failed ? ' Retry transcribes the failed chunks again.' : ' Retry starts it again.';
  else if (view.transcriptReady && view.canAnalyze.allowed) next = ' Retry runs the analysis again.';
  return `${reason}${chunks}${next}`;
}

/**
 * "Cancelled" in words: what was kept, and what Resume (or Transcribe) does.
 * @param {RecordingView} view
 */
export function cancelledText(view) {
  const p = view.progress;
  const kept = p && p.total && p.done ? ` ${p.done} of ${plural(p.total, 'chunk')} done are kept;` : '';
  const next = p && p.done ? 'Resume transcribes the rest.' : 'Transcribe starts it again.';
  return `Transcription cancelled.${kept} ${next}`;
}

/** @param {PendingRequest} request */
export function requestText(request) {
  const step = STEP[request.action];
  return request.phase === 'sending'
    ? `Requesting the ${step}…`
    : `${capital(step)} requested; waiting for the server…`;
}

/**
 * A row's Transcribe or Analyze button. Enabled exactly when the server allows the step and
 * the user has no request for it that the server has not answered or reflected yet.
 * @param {RecordingView} view
 * @param {ProcessingAction} action
 * @param {PendingRequest | null} [request]
 * @returns {{ enabled: boolean, label: string, title: string }}
 */
export function actionButton(view, action, request) {
  const permission = permissionOf(view, action);
  const label = actionLabel(view, action);
  if (request) return { enabled: false, label, title: requestText(request) };
  const enabled = Boolean(permission && permission.allowed);
  if (action === 'cancel' && enabled)
    return { enabled, label, title: 'Stop the transcription; the chunks done are kept, and Resume goes on from there' };
  return { enabled, label, title: (permission && permission.reason) || '' };
}

/**
 * @param {RecordingView} view
 * @param {ProcessingAction} action
 */
export function actionLabel(view, action) {
  if (action === 'cancel') return 'Cancel';
  if (action === 'transcribe') {
    if (view.status === 'failed' && view.canTranscribe.allowed) return 'Retry';
    if (view.status === 'transcribing' && view.canTranscribe.allowed) return 'Resume';
    if (view.status === 'cancelled' && view.progress && view.progress.done > 0) return 'Resume';
    return 'Transcribe';
  }
  if (view.status === 'failed' && view.transcriptReady && view.canAnalyze.allowed) return 'Retry';
  return 'Analyze';
}

/**
 * A transcribing recording's place in the queue and the time left: "queue 2 of 3 · about 4 min
 * left" (alone: just the time left); '' when the server has no place for it.
 * @param {RecordingView['queue']} queue
 */
export function queueText(queue) {
  if (!queue) return '';
  const left = queue.etaMs === null ? 'estimating time left…' : `${roughly(queue.etaMs)} left`;
  return queue.of > 1 ? `queue ${queue.position} of ${queue.of} · ${left}` : left;
}

/**
 * The live line of the transcript panel while chunks are being transcribed.
 * @param {RecordingView} view
 */
export function transcribingText(view) {
  const p = view.progress;
  const head = p && p.total ? `Transcribing: ${p.done} of ${p.total} chunks done.` : 'Transcribing…';
  const failed = view.failedChunks.length;
  const tail = failed
    ? ` ${plural(failed, 'chunk')} failed; you can retry once the others finish.`
    : ' The transcript appears here when it is complete.';
  return head + tail;
}

/**
 * The transcript panel when there is no transcript to show.
 * @param {RecordingView} view
 * @param {string | null} loadError why the transcript could not be fetched, if it could not
 * @returns {{ live: boolean, text: string }}
 */
export function transcriptNotice(view, loadError) {
  if (loadError) return { live: false, text: `The transcript could not be loaded: ${loadError}` };
  if (view.status === 'transcribing') return { live: true, text: transcribingText(view) };
  if (view.status === 'cancelled') return { live: false, text: cancelledText(view) };
  if (view.canTranscribe.allowed) {
    return {
      live: false,
      text: view.status === 'failed' ? failureText(view) : 'No transcript yet. Click Transcribe to start.',
    };
  }
  return { live: false, text: `No transcript yet: ${view.canTranscribe.reason || 'the recording is being prepared'}.` };
}

/**
 * The notice in place of the analysis panels.
 * @param {RecordingView} view
 * @param {string | null} loadError
 */
export function analysisNotice(view, loadError) {
  if (loadError) return `The analysis could not be loaded: ${loadError}`;
  if (view.status === 'analyzing') return 'The analysis is running; results appear here when it finishes.';
  if (view.status === 'failed' && view.failure && view.transcriptReady)
    return `The analysis failed: ${view.failure.reason}. You can run it again with Retry.`;
  if (view.canAnalyze.allowed)
    return 'No analysis yet. Click Analyze to get metrics, sentiment, issues, coaching and a quiz.';
  return `No analysis yet: ${view.canAnalyze.reason || 'transcribe the recording first'}.`;
}

/**
 * The facts line under the detail panel's title.
 * @param {RecordingView} view
 * @param {string | null} callType
 */
export function detailFacts(view, callType) {
  const parts = [`Uploaded ${when(view.createdAt)}`];
  if (view.durationMs) parts.push(`Duration ${clock(view.durationMs)}`);
  if (typeof view.wordCount === 'number') parts.push(plural(view.wordCount, 'word'));
  if (view.status === 'transcribing' && view.progress && view.progress.total)
    parts.push(`${view.progress.done}/${view.progress.total} chunks transcribed`);
  if (view.status === 'failed' && view.failure) parts.push(`Failed: ${view.failure.reason}`);
  if (view.status === 'cancelled') parts.push('Transcription cancelled');
  if (callType && callType !== 'unknown') parts.push(`${capital(callType)} call`);
  return parts;
}

/**
 * @param {string} filename
 * @param {number} loaded
 * @param {number} total
 */
export function uploadProgressText(filename, loaded, total) {
  const pct = total > 0 ? Math.floor((loaded / total) * 100) : 0;
  return {
    pct,
    text: pct >= 100 ? 'Checking the audio…' : `Uploading ${filename}: ${pct}% of ${bytes(total)}`,
  };
}

/** @type {Record<ConnectionMode, string>} */
export const CONNECTION_TEXT = {
  live: 'Live updates',
  polling: 'Reconnecting… polling every 5 s',
  offline: 'Not connected',
};
