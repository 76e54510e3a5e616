// @ts-check
/**
 * The detail panel's details (issue #14, "Manage"): the tags, agent, customer and notes the
 * owner wrote, and the "Edit details" form that changes them through PATCH /audios/:id. The
 * form lives outside the panel's body, so a reload of the body (a new analysis) keeps what the
 * user is typing. A rejected save shows the server's message and keeps the input.
 */
import { h } from '../dom.js';
import { changedDetails, detailsOf, inputOf } from '../details.js';

/**
 * @typedef {import('../types.js').RecordingView} RecordingView
 * @typedef {import('../types.js').RecordingDetails} RecordingDetails
 * @typedef {import('../details.js').DetailsInput} DetailsInput
 */

/** @type {ReadonlyArray<{ field: keyof DetailsInput, label: string, hint?: string }>} */
const FIELDS = [
  { field: 'title', label: 'Title' },
  { field: 'tags', label: 'Tags', hint: 'comma-separated' },
  { field: 'agent', label: 'Agent' },
  { field: 'customer', label: 'Customer' },
  { field: 'notes', label: 'Notes' },
];

/**
 * @param {{ container: HTMLElement, button: HTMLButtonElement }} els
 * @param {{ save: (audioId: string, changes: Partial<RecordingDetails>) => Promise<RecordingDetails>,
 *   onSaved: (audioId: string, details: RecordingDetails) => void }} deps
 */
export function createDetailsEditor(els, deps) {
  /** @type {RecordingView | null} */
  let view = null;
  /** @type {{ audioId: string, form: HTMLFormElement } | null} */
  let editing = null;
  const summary = h('dl', { class: 'details-list', 'data-details': true });
  els.container.replaceChildren(summary);

  /**
   * Shows the details of `next` (null: the panel is closed). An open form stays as typed while
   * it is for the same recording.
   * @param {RecordingView | null} next
   */
  function show(next) {
    view = next;
    if (editing && (!next || editing.audioId !== next.audioId)) closeForm(false);
    els.button.hidden = !next;
    renderSummary();
  }

  function renderSummary() {
    const d = view ? detailsOf(view) : null;
    /** @type {Node[]} */
    const rows = [];
    if (d) {
      /** @type {[string, string, string | null][]} */
      const facts = [
        ['tags', 'Tags', d.tags.length ? d.tags.join(', ') : null],
        ['agent', 'Agent', d.agent],
        ['customer', 'Customer', d.customer],
        ['notes', 'Notes', d.notes],
      ];
      for (const [key, label, value] of facts) {
        if (!value) continue;
        rows.push(h('div', { 'data-detail': key }, h('dt', { text: label }), h('dd', { text: value })));
      }
    }
    summary.replaceChildren(...rows);
    summary.hidden = rows.length === 0 || Boolean(editing);
  }

  function openForm() {
    if (!view) return;
    if (editing) {
      const first = editing.form.querySelector('input');
      if (first) first.focus();
      return;
    }
    const audioId = view.audioId;
    const values = inputOf(detailsOf(view));
    const error = h('p', { class: 'form-error', role: 'alert', 'data-details-error': true, hidden: true });
    const save = h('button', { type: 'submit', class: 'btn btn-primary btn-small', text: 'Save' });
    const cancel = h('button', { type: 'button', class: 'btn btn-ghost btn-small', text: 'Cancel' });
    /** @type {Map<keyof DetailsInput, HTMLInputElement | HTMLTextAreaElement>} */
    const inputs = new Map();
    const fields = FIELDS.map(({ field, label, hint }) => {
      const id = `details-${field}`;
      const input =
        field === 'notes'
          ? h('textarea', { id, name: field, rows: 4 })
          : h('input', { id, name: field, type: 'text', autocomplete: 'off' });
      input.value = values[field];
      inputs.set(field, input);
      return h(
        'div',
        { class: 'field' },
        h('label', { for: id }, label, hint ? h('span', { class: 'muted', text: ` (${hint})` }) : null),
        input,
      );
    });
    const form = h(
      'form',
      { class: 'details-form', 'data-details-form': true, 'aria-label': 'Edit details' },
      fields,
      h('div', { class: 'details-form-actions' }, save, cancel),
      error,
    );
    /** @returns {DetailsInput} */
    const typed = () => ({
      title: inputs.get('title')?.value ?? '',
      tags: inputs.get('tags')?.value ?? '',
      agent: inputs.get('agent')?.value ?? '',
      customer: inputs.get('customer')?.value ?? '',
      notes: inputs.get('notes')?.value ?? '',
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      if (!view || view.audioId !== audioId) return;
      const changes = changedDetails(detailsOf(view), typed());
      if (!Object.keys(changes).length) {
        closeForm(true);
        return;
      }
      save.disabled = true;
      error.hidden = true;
      form.setAttribute('aria-busy', 'true');
      deps.save(audioId, changes).then(
        (details) => {
          if (!editing || editing.form !== form) return;
          closeForm(true);
          deps.onSaved(audioId, details);
        },
        (err) => {
          if (!editing || editing.form !== form) return;
          save.disabled = false;
          form.setAttribute('aria-busy', 'false');
          error.textContent = `Not saved: ${err instanceof Error ? err.message : String(err)}`;
          error.hidden = false;
        },
      );
    });
    cancel.addEventListener('click', () => closeForm(true));
    form.addEventListener('keydown', (e) => {
      // Escape leaves the form, not the whole panel.
      if (e.key === 'Escape') {
        e.stopPropagation();
        closeForm(true);
      }
    });
    editing = { audioId, form };
    els.container.append(form);
    els.button.setAttribute('aria-expanded', 'true');
    renderSummary();
    inputs.get('title')?.focus();
  }

  /** @param {boolean} refocus the focus goes back to the "Edit details" button */
  function closeForm(refocus) {
    if (!editing) return;
    editing.form.remove();
    editing = null;
    els.button.setAttribute('aria-expanded', 'false');
    renderSummary();
    if (refocus && !els.button.hidden) els.button.focus();
  }

  els.button.addEventListener('click', openForm);

  return {
    show,
    open: openForm,
    close: () => closeForm(false),
    /** Whether the form is open. */
    get editing() {
      return editing !== null;
    },
  };
}

/** @typedef {ReturnType<typeof createDetailsEditor>} DetailsEditor */
