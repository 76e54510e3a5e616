// @ts-check
/**
 * The Objections tab (issue #15's objection library): GET /objections/types as a type picker with
 * counts, and GET /objections?type= as a list of quotes with the recording's title and time;
 * clicking one opens the recording with the player at the objection's start.
 */
import { bindToggle, h } from '../dom.js';
import { clock, when } from '../format.js';

/**
 * @typedef {{ type: string, count: number }} ObjectionTypeCount
 * @typedef {{ audioId: string, analysisId: string, title: string, filename: string, recordedAt: number,
 *   type: string, quote: string, speaker: string, startMs: number, endMs: number, handled: boolean | null,
 *   audioUrl: string }} Objection
 * @typedef {{ type: string, items: Objection[], nextCursor: string | null }} ObjectionPage
 * @typedef {{ objectionTypes: () => Promise<{ items: ObjectionTypeCount[] }>,
 *   objections: (type: string, cursor?: string | null) => Promise<ObjectionPage> }} ObjectionsApi
 */

/**
 * The picker's options: the types that have objections first (most first), then the others,
 * each labelled with its count.
 * @param {ObjectionTypeCount[]} counts
 * @returns {{ value: string, label: string, disabled: boolean }[]}
 */
export function typeOptions(counts) {
  return [...counts]
    .map((c, i) => ({ ...c, i }))
    .sort((a, b) => b.count - a.count || a.i - b.i)
    .map((c) => ({ value: c.type, label: `${c.type} (${c.count})`, disabled: c.count === 0 }));
}

/**
 * How the agent met it, in words.
 * @param {boolean | null} handled
 */
export function handledText(handled) {
  if (handled === null) return '';
  return handled ? 'answered' : 'not answered';
}

/**
 * The line under a quote: the recording, when it was recorded, where in it, and who said it.
 * @param {Objection} o
 */
export function objectionMeta(o) {
  const handled = handledText(o.handled);
  return [o.title, when(o.recordedAt), `at ${clock(o.startMs)}`, o.speaker, handled].filter(Boolean).join(' · ');
}

/**
 * One objection as a button that opens its recording at its start.
 * @param {Objection} o
 * @param {(audioId: string, atMs: number) => void} onOpen
 */
export function renderObjection(o, onOpen) {
  const button = h(
    'button',
    { type: 'button', class: 'objection-item', title: `Play from ${clock(o.startMs)}` },
    h('q', { class: 'objection-quote' }, o.quote),
    h('span', { class: 'objection-meta muted' }, objectionMeta(o)),
  );
  button.addEventListener('click', () => onOpen(o.audioId, o.startMs));
  return h('li', null, button);
}

/**
 * @param {{ section: HTMLElement, toggle: HTMLButtonElement, picker: HTMLSelectElement, list: HTMLElement,
 *   summary: HTMLElement, more: HTMLButtonElement }} els
 * @param {{ api: ObjectionsApi, onOpen: (audioId: string, atMs: number) => void, onError: (message: string) => void }} deps
 */
export function createObjectionsView(els, deps) {
  let generation = 0;
  /** @type {string | null} */
  let cursor = null;

  async function loadTypes() {
    const mine = ++generation;
    try {
      const { items } = await deps.api.objectionTypes();
      if (mine !== generation) return;
      const current = els.picker.value;
      const options = typeOptions(items);
      els.picker.replaceChildren(
        ...options.map((o) => {
          const opt = /** @type {HTMLOptionElement} */ (h('option', { value: o.value }, o.label));
          opt.disabled = o.disabled;
          return opt;
        }),
      );
      const keep = options.find((o) => o.value === current && !o.disabled);
      els.picker.value = keep?.value ?? options.find((o) => !o.disabled)?.value ?? options[0]?.value ?? '';
      await loadPage(false);
    } catch (err) {
      if (mine === generation) deps.onError(`The objection library could not be loaded (${String(err)}).`);
    }
  }

  /** @param {boolean} more */
  async function loadPage(more) {
    const mine = generation;
    const type = els.picker.value;
    if (!more) cursor = null;
    if (!type) {
      els.list.replaceChildren();
      els.summary.textContent = 'No objections yet.';
      els.more.hidden = true;
      return;
    }
    els.list.setAttribute('aria-busy', 'true');
    try {
      const page = await deps.api.objections(type, more ? cursor : null);
      if (mine !== generation) return;
      const items = page.items.map((o) => renderObjection(o, deps.onOpen));
      if (more) els.list.append(...items);
      else els.list.replaceChildren(...items);
      cursor = page.nextCursor;
      els.more.hidden = !cursor;
      const shown = els.list.children.length;
      els.summary.textContent = shown
        ? `${shown} ${type} objection${shown === 1 ? '' : 's'} shown`
        : 'None of this type.';
    } catch (err) {
      if (mine === generation) deps.onError(`The objections could not be loaded (${String(err)}).`);
    } finally {
      if (mine === generation) els.list.setAttribute('aria-busy', 'false');
    }
  }

  bindToggle(els.toggle, els.section, () => void loadTypes());
  els.picker.addEventListener('change', () => {
    generation++;
    void loadPage(false);
  });
  els.more.addEventListener('click', () => void loadPage(true));
  return {
    show() {
      els.toggle.hidden = false;
    },
    clear() {
      generation++;
      cursor = null;
      els.toggle.hidden = true;
      els.section.hidden = true;
      els.toggle.setAttribute('aria-expanded', 'false');
      els.list.replaceChildren();
      els.summary.textContent = '';
      els.more.hidden = true;
    },
  };
}
