// @ts-check
/**
 * The search box over the recordings list: `GET /search` for the words typed, the hits listed
 * with their recording, speaker, time and snippet; a hit opens the recording's detail with the
 * player at the hit's time.
 */
import { h } from './dom.js';
import { clock } from './format.js';

/**
 * @typedef {import('./types.js').SearchHit} SearchHit
 * @typedef {import('./types.js').SearchPage} SearchPage
 * @typedef {import('./api.js').Api} Api
 */

const ENTITIES = /** @type {Record<string, string>} */ ({
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
});

/**
 * A hit's snippet (escaped HTML, matches in <mark>) as pieces of text, each marked or not, so
 * the page builds it with textContent: no server HTML reaches innerHTML.
 * @param {string} snippet
 * @returns {{ text: string, mark: boolean }[]}
 */
export function snippetParts(snippet) {
  /** @type {{ text: string, mark: boolean }[]} */
  const parts = [];
  const re = /<mark>([\s\S]*?)<\/mark>/g;
  let at = 0;
  const unescape = (/** @type {string} */ s) => s.replace(/&(amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e] ?? e);
  for (const m of snippet.matchAll(re)) {
    const index = m.index ?? 0;
    if (index > at) parts.push({ text: unescape(snippet.slice(at, index)), mark: false });
    parts.push({ text: unescape(m[1] ?? ''), mark: true });
    at = index + m[0].length;
  }
  if (at < snippet.length) parts.push({ text: unescape(snippet.slice(at)), mark: false });
  return parts;
}

/**
 * Where a hit is: the speaker and the time, or that the title or tags matched.
 * @param {SearchHit} hit
 */
export function hitPlace(hit) {
  if (hit.segment === null) return 'title or tags';
  return `${hit.speaker || 'speaker'} at ${clock(hit.startMs)}`;
}

/**
 * @typedef {object} SearchEls
 * @property {HTMLFormElement} form
 * @property {HTMLInputElement} input
 * @property {HTMLSelectElement} status
 * @property {HTMLSelectElement} sort
 * @property {HTMLButtonElement} clear
 * @property {HTMLElement} results
 * @property {HTMLElement} list
 * @property {HTMLElement} summary
 * @property {HTMLButtonElement} more
 */

/**
 * @param {SearchEls} els
 * @param {{ api: Api, onOpen: (audioId: string, atMs: number | null) => void,
 *   onError: (message: string) => void }} deps
 */
export function createSearch(els, deps) {
  let seq = 0;
  /** @type {string | null} */
  let cursor = null;
  /** @type {Record<string, string>} */
  let params = {};

  /** @param {SearchHit} hit */
  function row(hit) {
    const atMs = hit.segment === null ? null : hit.startMs;
    return h(
      'li',
      { class: 'search-hit' },
      h(
        'button',
        {
          type: 'button',
          class: 'search-hit-open',
          'data-audio-id': hit.audioId,
          'data-start-ms': atMs,
          'aria-label': `Open ${hit.title}, ${hitPlace(hit)}`,
          onclick: () => deps.onOpen(hit.audioId, atMs),
        },
        h('span', { class: 'search-hit-title', text: hit.title }),
        h('span', { class: 'search-hit-place muted', text: hitPlace(hit) }),
        h(
          'span',
          { class: 'search-hit-snippet' },
          snippetParts(hit.snippet).map((p) => (p.mark ? h('mark', { text: p.text }) : p.text)),
        ),
      ),
    );
  }

  /** @param {boolean} more */
  async function run(more) {
    const mine = ++seq;
    if (!more) cursor = null;
    let page;
    try {
      page = await deps.api.search({ ...params, cursor: more ? cursor : null, limit: 20 });
    } catch (err) {
      if (mine === seq) deps.onError(`Search failed: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (mine !== seq) return; // a newer search was typed meanwhile
    if (!more) els.list.replaceChildren();
    for (const hit of page.hits) els.list.appendChild(row(hit));
    cursor = page.nextCursor;
    els.more.hidden = !cursor;
    els.results.hidden = false;
    const n = els.list.children.length;
    els.summary.textContent = n ? `${n}${cursor ? '+' : ''} match${n === 1 ? '' : 'es'}` : 'No matches.';
  }

  function clear() {
    seq++;
    params = {};
    cursor = null;
    els.input.value = '';
    els.list.replaceChildren();
    els.results.hidden = true;
  }

  els.form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = els.input.value.trim();
    if (!q) {
      clear();
      return;
    }
    params = { q, status: els.status.value, sort: els.sort.value };
    void run(false);
  });
  els.clear.addEventListener('click', clear);
  els.more.addEventListener('click', () => void run(true));

  return { clear };
}
