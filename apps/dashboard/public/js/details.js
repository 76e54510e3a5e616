// @ts-check
/**
 * A recording's editable details (issue #14, "Manage"): what the edit form shows, which fields
 * the user changed (PATCH /audios/:id sends only those), and the title a recording goes by.
 * Pure: the form itself is detail/details-form.js.
 */

/**
 * @typedef {import('./types.js').RecordingView} RecordingView
 * @typedef {import('./types.js').RecordingDetails} RecordingDetails
 * @typedef {{ title: string, tags: string, agent: string, customer: string, notes: string }} DetailsInput
 *   The form's fields as typed: tags as comma-separated text.
 */

/** The details of a view from before they existed. */
export const EMPTY_DETAILS = Object.freeze({ title: null, tags: [], agent: null, customer: null, notes: null });

/** @type {ReadonlyArray<'title' | 'agent' | 'customer' | 'notes'>} */
const TEXT_FIELDS = ['title', 'agent', 'customer', 'notes'];

/**
 * @param {RecordingView} view
 * @returns {RecordingDetails}
 */
export function detailsOf(view) {
  return { ...EMPTY_DETAILS, ...(view.details || {}) };
}

/**
 * The name a recording is shown by: its edited title, else its file name, else its id.
 * @param {RecordingView} view
 */
export function displayTitle(view) {
  const title = view.details && view.details.title;
  return (title && title.trim()) || view.filename || view.audioId;
}

/**
 * Comma-separated tags: each trimmed, empty ones dropped, repeats removed (first kept).
 * @param {string} text
 * @returns {string[]}
 */
export function parseTags(text) {
  /** @type {string[]} */
  const tags = [];
  for (const part of text.split(',')) {
    const tag = part.trim();
    if (tag && !tags.includes(tag)) tags.push(tag);
  }
  return tags;
}

/**
 * The form's initial values.
 * @param {RecordingDetails} details
 * @returns {DetailsInput}
 */
export function inputOf(details) {
  return {
    title: details.title || '',
    tags: (details.tags || []).join(', '),
    agent: details.agent || '',
    customer: details.customer || '',
    notes: details.notes || '',
  };
}

/**
 * The fields the user changed, as the PATCH body: text trimmed (empty clears it: null), tags
 * parsed. An empty object when nothing changed.
 * @param {RecordingDetails} current
 * @param {DetailsInput} input
 * @returns {Partial<RecordingDetails>}
 */
export function changedDetails(current, input) {
  /** @type {Partial<RecordingDetails>} */
  const changes = {};
  for (const field of TEXT_FIELDS) {
    const next = input[field].trim() || null;
    if (next !== (current[field] || null)) changes[field] = next;
  }
  const tags = parseTags(input.tags);
  const before = current.tags || [];
  if (tags.length !== before.length || tags.some((t, i) => t !== before[i])) changes.tags = tags;
  return changes;
}
