// @ts-check
/**
 * The recordings table. Rows are updated in place, so focus and a pending click survive
 * live updates; the buttons are handled by one delegated listener, keyed by `data-action`
 * (more row actions, such as delete or export, are one entry in ROW_ACTIONS).
 */
import { h } from './dom.js';
import { bytes, clock, day, timeOfDay, when } from './format.js';
import { newestFirst, PROCESSING_ACTIONS } from './state.js';
import { actionButton, rowProgress, statusBadge } from './status.js';
import { fillDuplicateButton } from './duplicate.js';
import { displayTitle } from './details.js';

/**
 * @typedef {import('./types.js').RecordingView} RecordingView
 * @typedef {import('./types.js').ProcessingAction} ProcessingAction
 * @typedef {import('./state.js').PendingRequest} PendingRequest
 * @typedef {ProcessingAction | 'view'} RowAction
 */

/** @type {ReadonlyArray<{ action: RowAction, label: string, style: 'secondary' | 'ghost' }>} */
const ROW_ACTIONS = [
  { action: 'transcribe', label: 'Transcribe', style: 'secondary' },
  { action: 'analyze', label: 'Analyze', style: 'secondary' },
  // Enabled while a transcription is queued or running; nothing is lost (Resume keeps the chunks done).
  { action: 'cancel', label: 'Cancel', style: 'ghost' },
  { action: 'view', label: 'View', style: 'ghost' },
];

/**
 * @typedef {object} Row
 * @property {HTMLTableRowElement} row
 * @property {RecordingView} view
 * @property {{ name: HTMLElement, meta: HTMLElement, time: HTMLTimeElement, duration: HTMLElement,
 *   status: HTMLElement, progress: HTMLElement, duplicate: HTMLButtonElement,
 *   buttons: Map<RowAction, HTMLButtonElement> }} refs
 */

/**
 * What a row shows besides the view: the user's requests in flight, and whether it is the
 * one open in the detail panel.
 * @typedef {{ requests: Partial<Record<ProcessingAction, PendingRequest>>, selected: boolean }} RowContext
 */

/** @param {string} value */
const isRowAction = (value) => ROW_ACTIONS.some((a) => a.action === value);

/**
 * @param {{ tbody: HTMLTableSectionElement, empty: HTMLElement }} els
 * @param {{ onAction: (action: RowAction, audioId: string) => void }} handlers
 */
export function createTable(els, handlers) {
  /** @type {Map<string, Row>} */
  const rows = new Map();

  els.tbody.addEventListener('click', (event) => {
    const target = event.target instanceof Element ? event.target : null;
    // A re-upload's badge opens the first copy.
    const first = target && target.closest('button[data-first]');
    if (first instanceof HTMLButtonElement && first.dataset.first) {
      handlers.onAction('view', first.dataset.first);
      return;
    }
    const button = target && target.closest('button[data-action]');
    if (!(button instanceof HTMLButtonElement) || button.disabled) return;
    const row = button.closest('tr[data-audio-id]');
    const action = button.dataset.action || '';
    if (!(row instanceof HTMLTableRowElement) || !row.dataset.audioId || !isRowAction(action)) return;
    handlers.onAction(/** @type {RowAction} */ (action), row.dataset.audioId);
  });

  /**
   * Creates or updates the row of this view.
   * @param {RecordingView} view
   * @param {RowContext} context
   */
  function render(view, context) {
    let entry = rows.get(view.audioId);
    if (!entry) {
      entry = createRow(view);
      rows.set(view.audioId, entry);
      place(entry.row, view);
    } else {
      const moved = entry.view.createdAt !== view.createdAt;
      entry.view = view;
      if (moved) place(entry.row, view);
    }
    fill(entry, context);
    els.empty.hidden = rows.size > 0;
  }

  /**
   * @param {HTMLTableRowElement} row
   * @param {RecordingView} view
   */
  function place(row, view) {
    for (const other of els.tbody.rows) {
      if (other === row) continue;
      const o = rows.get(other.dataset.audioId || '');
      if (o && newestFirst(view, o.view) < 0) {
        els.tbody.insertBefore(row, other);
        return;
      }
    }
    els.tbody.append(row);
  }

  return {
    render,
    /**
     * Drops the row of a deleted recording.
     * @param {string} audioId
     */
    remove(audioId) {
      rows.get(audioId)?.row.remove();
      rows.delete(audioId);
      els.empty.hidden = rows.size > 0;
    },
    clear() {
      rows.clear();
      els.tbody.replaceChildren();
      els.empty.hidden = false;
    },
    /**
     * @param {string} audioId
     * @param {RowAction} action
     */
    focus(audioId, action) {
      rows.get(audioId)?.refs.buttons.get(action)?.focus();
    },
  };
}

/** @typedef {ReturnType<typeof createTable>} Table */

/**
 * @param {RecordingView} view
 * @returns {Row}
 */
function createRow(view) {
  const nameId = `name-${view.audioId}`;
  const buttons = new Map(
    ROW_ACTIONS.map(({ action, label, style }) => [
      action,
      h('button', {
        type: 'button',
        class: `btn btn-${style} btn-small`,
        'data-action': action,
        'aria-describedby': nameId,
        text: label,
      }),
    ]),
  );
  const refs = {
    name: h('div', { class: 'file-name', id: nameId }),
    meta: h('div', { class: 'file-meta' }),
    time: h('time'),
    duration: h('span'),
    status: h('span', { class: 'badge status' }),
    progress: h('div', { class: 'cell-progress' }),
    duplicate: h('button', { type: 'button', class: 'badge duplicate', hidden: true }),
    buttons,
  };
  const row = h(
    'tr',
    { 'data-audio-id': view.audioId },
    h('td', { class: 'cell-name' }, refs.name, refs.meta, refs.duplicate),
    h('td', { class: 'cell-time' }, refs.time),
    h('td', { class: 'cell-duration' }, refs.duration),
    h('td', { class: 'cell-status' }, refs.status, refs.progress),
    h('td', { class: 'cell-actions' }, [...buttons.values()]),
  );
  return { row, view, refs };
}

/**
 * @param {Row} entry
 * @param {RowContext} context
 */
function fill({ row, view, refs }, context) {
  refs.name.textContent = displayTitle(view);
  refs.name.title = view.filename || '';
  refs.meta.textContent = [bytes(view.sizeBytes), view.contentType].filter(Boolean).join(' · ');
  fillDuplicateButton(refs.duplicate, view);
  if (view.createdAt) {
    refs.time.replaceChildren(
      h('span', { class: 'date', text: day(view.createdAt) }),
      h('span', { class: 'clock', text: timeOfDay(view.createdAt) }),
    );
    refs.time.dateTime = new Date(view.createdAt).toISOString();
    refs.time.title = when(view.createdAt);
  } else refs.time.textContent = '—';
  refs.duration.textContent = view.durationMs ? clock(view.durationMs) : '—';
  const request = context.requests.cancel || context.requests.transcribe || context.requests.analyze || null;
  const badge = statusBadge(view, request);
  refs.status.dataset.status = badge.status;
  refs.status.textContent = badge.label;
  refs.status.title = badge.title;

  refs.progress.replaceChildren(...progressNodes(view, request));
  for (const action of PROCESSING_ACTIONS) {
    const button = refs.buttons.get(action);
    if (!button) continue;
    const state = actionButton(view, action, context.requests[action]);
    button.disabled = !state.enabled;
    button.textContent = state.label;
    button.title = state.title;
  }
  row.classList.toggle('selected', context.selected);
}

/**
 * @param {RecordingView} view
 * @param {PendingRequest | null} request
 * @returns {Node[]}
 */
function progressNodes(view, request) {
  const p = rowProgress(view, request);
  if (!p) return [];
  if (p.kind === 'text') {
    const cls = p.tone === 'failure' ? 'failure' : p.tone === 'pending' ? 'pending muted' : 'muted';
    return [h(p.tone === 'failure' ? 'div' : 'span', { class: cls, text: p.text })];
  }
  return [
    h(
      'div',
      { class: 'row-progress' },
      h('progress', { max: String(p.max), value: String(p.value), 'aria-label': `${p.label} progress: ${p.text}` }),
      h('span', { class: 'row-progress-text', text: p.text }),
    ),
  ];
}
