// @ts-check
/**
 * The transcript's correction tools (issue #14, "Correct"): a bar with "Rename speakers" (a small
 * form, one field per speaker), "Swap channels" (stereo calls, and mono calls split into two
 * voices) and "Show original"; and each turn's "Edit" button, which puts its text in a box where
 * Enter saves and Esc cancels. Saving goes through the panel's `correct` (PATCH …/corrections);
 * a refused save says why in plain words and keeps what was typed.
 */
import { h } from '../dom.js';
import {
  canSwap,
  correctionErrorText,
  NAME_MAX,
  renameChange,
  SEGMENT_TEXT_MAX,
  segmentChange,
  speakerDisplay,
} from '../corrections.js';

/**
 * @typedef {import('../types.js').Transcript} Transcript
 * @typedef {import('../types.js').Segment} Segment
 * @typedef {import('../corrections.js').CorrectionChange} CorrectionChange
 * @typedef {{ revision: number, corrections: { swapChannels: boolean }, versions: { revision: number }[] }} CorrectionsState
 */

/**
 * What the transcript panel needs to offer corrections. Absent: the panel is read-only.
 * @typedef {object} CorrectionTools
 * @property {boolean} original the merged transcript is shown (read-only), not the corrected one
 * @property {CorrectionsState | null} state the current set (null: not loaded)
 * @property {string | null} notice a message from the last save (the panel was reloaded since)
 * @property {(change: CorrectionChange, focus: string) => Promise<void>} correct saves, then
 *   reloads the panel and puts the focus on `focus` (a selector)
 * @property {() => void} toggleOriginal
 */

/** @param {CorrectionTools} tools */
const baseOf = (tools) => (tools.state ? tools.state.revision : 0);

/**
 * The bar above the transcript.
 * @param {Transcript} transcript
 * @param {ReadonlyArray<string>} speakers
 * @param {CorrectionTools} tools
 */
export function correctionsBar(transcript, speakers, tools) {
  const error = h('p', { class: 'form-error', role: 'alert', 'data-corrections-error': true, hidden: !tools.notice });
  if (tools.notice) error.textContent = tools.notice;
  const revision = baseOf(tools);
  const state = tools.original
    ? 'Showing the original transcript (read-only).'
    : revision
      ? `Corrected (revision ${revision}).`
      : '';
  const toggle = h('button', {
    type: 'button',
    class: 'btn btn-ghost btn-small',
    'data-corrections-action': 'original',
    'aria-pressed': tools.original ? 'true' : 'false',
    text: tools.original ? 'Show corrected' : 'Show original',
    onclick: () => tools.toggleOriginal(),
  });
  /** @param {HTMLElement} el @param {boolean} busy */
  const busy = (el, busy) => el.setAttribute('aria-busy', busy ? 'true' : 'false');

  const rename = h('button', {
    type: 'button',
    class: 'btn btn-secondary btn-small',
    'data-corrections-action': 'rename',
    'aria-expanded': 'false',
    text: 'Rename speakers',
  });
  const swapped = Boolean(tools.state && tools.state.corrections.swapChannels);
  const swap = canSwap(transcript)
    ? h('button', {
        type: 'button',
        class: 'btn btn-secondary btn-small',
        'data-corrections-action': 'swap',
        'aria-pressed': swapped ? 'true' : 'false',
        title: 'Agent and customer are the other way round',
        text: swapped ? 'Undo channel swap' : 'Swap channels',
      })
    : null;
  const bar = h(
    'div',
    { class: 'corrections-bar', 'data-corrections': true },
    tools.original ? null : [rename, ' ', swap, ' '],
    revision || tools.original ? toggle : null,
    state ? h('span', { class: 'muted', 'data-corrections-state': true, text: ` ${state}` }) : null,
    error,
  );

  /** @param {CorrectionChange} change @param {string} focus */
  const send = (change, focus) => {
    error.hidden = true;
    busy(bar, true);
    return tools.correct(change, focus).catch((err) => {
      busy(bar, false);
      error.textContent = correctionErrorText(err);
      error.hidden = false;
      throw err;
    });
  };

  if (swap) {
    swap.addEventListener('click', () => {
      swap.setAttribute('disabled', '');
      send({ swapChannels: !swapped, baseRevision: revision }, '[data-corrections-action="swap"]').catch(() =>
        swap.removeAttribute('disabled'),
      );
    });
  }

  /** @type {HTMLFormElement | null} */
  let form = null;
  const closeForm = () => {
    if (!form) return;
    form.remove();
    form = null;
    rename.setAttribute('aria-expanded', 'false');
    rename.focus();
  };
  rename.addEventListener('click', () => {
    if (form) {
      closeForm();
      return;
    }
    const names = transcript.speakerNames || {};
    /** @type {Map<string, HTMLInputElement>} */
    const inputs = new Map();
    const fields = speakers.map((label, i) => {
      const id = `rename-speaker-${i}`;
      const input = h('input', {
        id,
        type: 'text',
        autocomplete: 'off',
        maxlength: NAME_MAX,
        placeholder: speakerDisplay(label, null),
        'data-rename-label': label,
      });
      input.value = names[label] || '';
      inputs.set(label, input);
      return h(
        'div',
        { class: 'field' },
        h('label', { for: id, text: `Name for ${speakerDisplay(label, null)}` }),
        input,
      );
    });
    const save = h('button', { type: 'submit', class: 'btn btn-primary btn-small', text: 'Save names' });
    const cancel = h('button', {
      type: 'button',
      class: 'btn btn-ghost btn-small',
      text: 'Cancel',
      onclick: closeForm,
    });
    const f = h(
      'form',
      { class: 'details-form', 'data-rename-form': true, 'aria-label': 'Rename speakers' },
      fields,
      h('p', { class: 'muted', text: 'Leave a field empty to show the label again.' }),
      h('div', { class: 'details-form-actions' }, save, cancel),
    );
    f.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.stopPropagation(); // the form closes, not the whole panel
        closeForm();
      }
    });
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      /** @type {Record<string, string>} */
      const typed = {};
      for (const [label, input] of inputs) typed[label] = input.value;
      const change = renameChange(typed, transcript.speakerNames, revision);
      if (!change) {
        closeForm();
        return;
      }
      save.disabled = true;
      send(change, '[data-corrections-action="rename"]').catch(() => {
        save.disabled = false;
      });
    });
    form = f;
    bar.after(f);
    rename.setAttribute('aria-expanded', 'true');
    const first = inputs.values().next().value;
    if (first) first.focus();
  });
  return bar;
}

/**
 * A turn's "Edit" button: its text goes into a box; Enter saves, Shift+Enter is a new line (kept
 * as a space), Esc cancels. The focus returns to the button.
 * @param {Segment} seg
 * @param {number} index the segment's index in the transcript
 * @param {CorrectionTools} tools
 */
export function editButton(seg, index, tools) {
  const button = h('button', {
    type: 'button',
    class: 'btn btn-ghost btn-small segment-edit',
    'data-edit-segment': String(index),
    'aria-label': `Edit the text of turn ${index + 1}`,
    text: 'Edit',
  });
  button.addEventListener('click', () => {
    const block = button.closest('.segment');
    const text = block && block.querySelector('.segment-text');
    if (!block || !text || block.querySelector('textarea')) return;
    const box = h('textarea', {
      class: 'segment-editor',
      rows: 3,
      maxlength: SEGMENT_TEXT_MAX,
      'aria-label': `Text of turn ${index + 1}`,
      'aria-describedby': `segment-edit-hint-${index}`,
    });
    box.value = seg.text;
    const hint = h('p', {
      class: 'muted',
      id: `segment-edit-hint-${index}`,
      text: 'Enter saves, Esc cancels. The times are kept; empty restores the original.',
    });
    const error = h('p', { class: 'form-error', role: 'alert', hidden: true });
    const editor = h('div', { class: 'segment-editing', 'data-segment-editor': String(index) }, box, hint, error);
    const cancel = () => {
      editor.remove();
      /** @type {HTMLElement} */ (text).hidden = false;
      button.hidden = false;
      button.focus();
    };
    box.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation(); // the edit closes, not the panel
        cancel();
      } else if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        e.stopPropagation(); // not the player's Enter
        const change = segmentChange(index, box.value, seg.text, baseOf(tools));
        if (!change) {
          cancel();
          return;
        }
        box.readOnly = true;
        error.hidden = true;
        editor.setAttribute('aria-busy', 'true');
        tools.correct(change, `[data-edit-segment="${index}"]`).catch((err) => {
          box.readOnly = false;
          editor.setAttribute('aria-busy', 'false');
          error.textContent = correctionErrorText(err);
          error.hidden = false;
          box.focus();
        });
      } else {
        e.stopPropagation(); // typing is not a player shortcut (space, arrows)
      }
    });
    /** @type {HTMLElement} */ (text).hidden = true;
    button.hidden = true;
    text.after(editor);
    box.focus();
  });
  return button;
}
