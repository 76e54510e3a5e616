// @ts-check
/**
 * Transcript corrections (issue #14, "Correct") as the page reasons about them: what a rename
 * form sends, whether a transcript has channels to swap, how a speaker reads with the owner's
 * names, and a failed save in plain words. Pure; the detail view (detail/corrections.js) draws them.
 */
import { capital } from './format.js';

/**
 * @typedef {import('./types.js').Transcript} Transcript
 * @typedef {{ speakers?: Record<string, string | null>, swapChannels?: boolean,
 *   segments?: { index: number, text: string | null }[], baseRevision?: number }} CorrectionChange
 */

export const NAME_MAX = 120;
export const SEGMENT_TEXT_MAX = 4000;

/**
 * How a speaker label reads: the owner's name for it, else the label capitalised.
 * @param {string | null | undefined} label
 * @param {Record<string, string> | null | undefined} names
 */
export function speakerDisplay(label, names) {
  const who = label || 'unknown';
  const named = names && Object.prototype.hasOwnProperty.call(names, who) ? names[who] : '';
  return named && named.trim() ? named.trim() : capital(who);
}

/**
 * True when the transcript has an agent and a customer to swap (a stereo call, or a mono call the
 * merger split into two voices).
 * @param {Transcript | null} transcript
 */
export function canSwap(transcript) {
  if (!transcript) return false;
  const labels = new Set([...(transcript.speakers || []), ...(transcript.segments || []).map((s) => s.speaker)]);
  return labels.has('agent') && labels.has('customer');
}

/**
 * The rename form's change: only the names that differ from the current ones; an emptied field
 * removes the name (null). Null when nothing changed.
 * @param {Record<string, string>} typed label → what the field holds
 * @param {Record<string, string> | null | undefined} current the transcript's speakerNames
 * @param {number} baseRevision
 * @returns {CorrectionChange | null}
 */
export function renameChange(typed, current, baseRevision) {
  /** @type {Record<string, string | null>} */
  const speakers = {};
  for (const [label, raw] of Object.entries(typed)) {
    const name = raw.replace(/\s+/g, ' ').trim();
    const was = (current && current[label]) || '';
    if (name === was) continue;
    speakers[label] = name || null;
  }
  return Object.keys(speakers).length ? { speakers, baseRevision } : null;
}

/**
 * A segment edit's change, or null when the text is the same as shown. An emptied text restores
 * the original (null), since a turn cannot be blank.
 * @param {number} index
 * @param {string} typed
 * @param {string} shown
 * @param {number} baseRevision
 * @returns {CorrectionChange | null}
 */
export function segmentChange(index, typed, shown, baseRevision) {
  const text = typed.replace(/\s+/g, ' ').trim();
  if (text === shown.replace(/\s+/g, ' ').trim()) return null;
  return { segments: [{ index, text: text || null }], baseRevision };
}

/**
 * A failed correction in plain words.
 * @param {unknown} err an ApiError (status, code, message) or anything thrown
 */
export function correctionErrorText(err) {
  const e = /** @type {{ status?: number, code?: string, message?: string }} */ (err || {});
  const message = typeof e.message === 'string' && e.message ? e.message : 'something went wrong';
  switch (e.code) {
    case 'NETWORK':
      return message;
    case 'CORRECTIONS.STALE':
    case 'CORRECTIONS.CONFLICT':
      return 'Someone changed this transcript meanwhile. It has been reloaded: make your change again.';
    case 'CORRECTIONS.NOT_TRANSCRIBED':
      return 'This recording has no transcript to correct yet.';
    case 'CORRECTIONS.NOTHING_TO_SWAP':
      return 'This transcript has no agent and customer to swap.';
    case 'AUDIO.NOT_FOUND':
      return 'This recording no longer exists.';
    default:
      return `Not saved: ${message}`;
  }
}
