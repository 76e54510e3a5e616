// @ts-check
/**
 * A re-upload of the same file (same SHA-256, issue #14): the row and the detail panel say
 * which of the user's recordings it repeats, as a button that opens that first recording.
 */
import { h } from './dom.js';

/** @typedef {import('./types.js').RecordingView} RecordingView */

/**
 * What the badge says, or null when the recording is no re-upload (or its first copy is gone).
 * @param {RecordingView} view
 * @returns {{ audioId: string, text: string, label: string } | null}
 */
export function duplicateBadge(view) {
  if (!view.duplicateOf) return null;
  const title = view.duplicateOfTitle || 'an earlier upload';
  return {
    audioId: view.duplicateOf,
    text: `Duplicate of ${title}`,
    label: `Same file as ${title}: open that recording`,
  };
}

/**
 * Shows the badge on `button` (hidden when there is none); `data-first` names the recording it opens.
 * @param {HTMLButtonElement} button
 * @param {RecordingView} view
 */
export function fillDuplicateButton(button, view) {
  const badge = duplicateBadge(view);
  button.hidden = !badge;
  button.textContent = badge ? badge.text : '';
  button.title = badge ? badge.label : '';
  button.setAttribute('aria-label', badge ? badge.label : '');
  if (badge) button.dataset.first = badge.audioId;
  else delete button.dataset.first;
}

/**
 * A new badge button for the detail panel, or null.
 * @param {RecordingView} view
 * @param {(audioId: string) => void} open
 */
export function duplicateButton(view, open) {
  const badge = duplicateBadge(view);
  if (!badge) return null;
  return h('button', {
    type: 'button',
    class: 'badge duplicate',
    title: badge.label,
    'aria-label': badge.label,
    'data-first': badge.audioId,
    text: badge.text,
    onclick: () => open(badge.audioId),
  });
}
