// @ts-check
/**
 * The player of the open recording, synced to what the detail panel shows: a click on a word,
 * a turn or any time in the analysis (`data-at-ms`) seeks; the word being spoken is
 * highlighted and kept in view in the transcript; space plays and pauses, ←/→ skip 5 s, when
 * no field has the keyboard. The audio comes from `GET /audios/:id/audio` (ranged, so the
 * browser seeks without loading the whole file).
 */
import { h } from '../dom.js';

export const SPEEDS = [0.75, 1, 1.25, 1.5, 1.75, 2];
export const SKIP_MS = 5000;
/** A word stays highlighted this long after it ends, so the highlight does not flicker in pauses. */
const LINGER_MS = 300;

/**
 * Word and turn timings, sorted by start, for finding what is said at a moment.
 * @typedef {{ startMs: number, endMs: number, el: Element }} Timed
 */

/**
 * The index of the last item that started at or before `ms`, or -1.
 * @param {ReadonlyArray<{ startMs: number }>} items sorted by startMs
 * @param {number} ms
 */
export function lastStartedAt(items, ms) {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (/** @type {{ startMs: number }} */ (items[mid]).startMs <= ms) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * The item being spoken at `ms`: the last one started, if it has not ended (give or take
 * `linger`), else none.
 * @template {{ startMs: number, endMs: number }} T
 * @param {ReadonlyArray<T>} items sorted by startMs
 * @param {number} ms
 * @param {number} [linger]
 * @returns {T | null}
 */
export function spokenAt(items, ms, linger = LINGER_MS) {
  const i = lastStartedAt(items, ms);
  const item = i >= 0 ? items[i] : undefined;
  return item && ms <= item.endMs + linger ? item : null;
}

/**
 * Where a click in the panel seeks to, in ms, or null: a word, else any element with
 * `data-at-ms` (timestamps, issues, coaching, sentiment, action items, quiz references), else
 * the turn's start. Clicks on controls (buttons, fields, links, the player) are theirs.
 * @param {Element} target
 * @returns {number | null}
 */
export function seekTargetOf(target) {
  if (target.closest('button, input, select, textarea, label, a, audio, [data-no-seek]')) return null;
  const el = target.closest('[data-word-start-ms], [data-at-ms], .segment[data-start-ms]');
  if (!el) return null;
  const raw =
    el.getAttribute('data-word-start-ms') ?? el.getAttribute('data-at-ms') ?? el.getAttribute('data-start-ms');
  const ms = Number(raw);
  return raw !== null && raw !== '' && Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/**
 * Whether a key press belongs to whatever has focus (typing, a control, the native player),
 * rather than to the player's shortcuts.
 * @param {KeyboardEvent} e
 */
export function keyIsTaken(e) {
  if (e.ctrlKey || e.metaKey || e.altKey) return true;
  const t = /** @type {Element | null} */ (e.target instanceof Element ? e.target : null);
  if (!t) return false;
  if (t instanceof HTMLElement && t.isContentEditable) return true;
  return Boolean(t.closest('input, textarea, select, button, audio, [contenteditable], [role="slider"]'));
}

/**
 * @param {{ audioId: string, src: string }} opts
 */
export function createPlayer(opts) {
  const audio = h('audio', {
    class: 'player-audio',
    controls: true,
    preload: 'metadata',
    src: opts.src,
    'aria-label': 'Recording',
    'data-player': '',
  });
  const speed = h(
    'select',
    {
      class: 'player-speed',
      'aria-label': 'Playback speed',
      'data-player-speed': '',
      onchange: () => {
        audio.playbackRate = Number(speed.value) || 1;
      },
    },
    SPEEDS.map((s) => h('option', { value: String(s), selected: s === 1, text: `${s}×` })),
  );
  const error = h('p', { class: 'notice player-error', hidden: true, role: 'status' });
  audio.addEventListener('error', () => {
    error.textContent = 'The recording cannot be played in this browser (or could not be loaded).';
    error.hidden = false;
  });
  // A new media source resets the rate: keep the chosen one.
  audio.addEventListener('loadedmetadata', () => {
    audio.playbackRate = Number(speed.value) || 1;
  });

  const element = h(
    'section',
    { class: 'panel player', 'data-section': 'player', 'aria-labelledby': 'detail-player-title' },
    h('h3', { id: 'detail-player-title' }, 'Listen'),
    h(
      'div',
      { class: 'player-row' },
      audio,
      h('label', { class: 'player-speed-label' }, h('span', { class: 'muted', text: 'Speed' }), ' ', speed),
    ),
    h('p', {
      class: 'hint',
      text: 'Click a word or any time to jump there. Space plays or pauses, ← and → skip 5 seconds.',
    }),
    error,
  );

  /** @type {Timed[]} */
  let words = [];
  /** @type {Timed[]} */
  let turns = [];
  /** @type {Element | null} */
  let container = null;
  /** @type {Element | null} */
  let currentWord = null;
  /** @type {Element | null} */
  let currentTurn = null;

  /**
   * Reads the timings of what the panel shows now (after every render).
   * @param {ParentNode} root
   */
  function index(root) {
    /** @param {Element} el @param {string} start @param {string} end @returns {Timed} */
    const timed = (el, start, end) => ({
      startMs: Number(el.getAttribute(start)),
      endMs: Number(el.getAttribute(end)),
      el,
    });
    words = [...root.querySelectorAll('[data-word-start-ms]')]
      .map((el) => timed(el, 'data-word-start-ms', 'data-word-end-ms'))
      .sort((a, b) => a.startMs - b.startMs);
    turns = [...root.querySelectorAll('.segment[data-start-ms]')]
      .map((el) => timed(el, 'data-start-ms', 'data-end-ms'))
      .sort((a, b) => a.startMs - b.startMs);
    container = root.querySelector('.transcript');
    // Every time in the analysis is a control: reachable by keyboard, Enter seeks.
    for (const el of root.querySelectorAll('[data-at-ms]')) {
      if (!el.hasAttribute('tabindex')) el.setAttribute('tabindex', '0');
      if (!el.hasAttribute('title')) el.setAttribute('title', 'Play from here');
      el.classList.add('seekable');
    }
    currentWord = null;
    currentTurn = null;
    follow();
  }

  /** Keeps `el` visible inside the transcript's own scroll area (the page itself stays put). */
  function keepInView(/** @type {Element} */ el) {
    if (!container || !(container instanceof HTMLElement)) return;
    const box = container.getBoundingClientRect();
    const r = el.getBoundingClientRect();
    if (r.top < box.top || r.bottom > box.bottom) {
      container.scrollTop += r.top - box.top - box.height / 3;
    }
  }

  /** Highlights what is said at the player's position. */
  function follow() {
    const ms = audio.currentTime * 1000;
    const word = spokenAt(words, ms);
    const turn = spokenAt(turns, ms, 0);
    const wordEl = word ? word.el : null;
    const turnEl = turn ? turn.el : null;
    if (wordEl !== currentWord) {
      if (currentWord) currentWord.classList.remove('current');
      if (wordEl) {
        wordEl.classList.add('current');
        keepInView(wordEl);
      }
      currentWord = wordEl;
    }
    if (turnEl !== currentTurn) {
      if (currentTurn) currentTurn.classList.remove('playing');
      if (turnEl) {
        turnEl.classList.add('playing');
        if (!wordEl) keepInView(turnEl);
      }
      currentTurn = turnEl;
    }
  }
  for (const type of ['timeupdate', 'seeked', 'seeking']) audio.addEventListener(type, follow);

  /** @param {number} ms */
  function seek(ms) {
    const s = Math.max(0, ms / 1000);
    audio.currentTime = Number.isFinite(audio.duration) ? Math.min(s, audio.duration) : s;
    follow();
  }

  function toggle() {
    if (audio.paused) void audio.play().catch(() => undefined);
    else audio.pause();
  }

  /**
   * A click anywhere in the panel: seeks when it landed on a time.
   * @param {Event} e
   */
  function onClick(e) {
    if (!(e.target instanceof Element)) return;
    const ms = seekTargetOf(e.target);
    if (ms === null) return;
    seek(ms);
  }

  /**
   * The shortcuts. Returns whether the key was the player's.
   * @param {KeyboardEvent} e
   */
  function onKey(e) {
    if (keyIsTaken(e)) return false;
    const target = e.target instanceof Element ? e.target : null;
    const at = e.key === 'Enter' && target && target.hasAttribute('data-at-ms') ? seekTargetOf(target) : null;
    if (at !== null) seek(at);
    else if (e.key === ' ' || e.key === 'Spacebar') toggle();
    else if (e.key === 'ArrowLeft') seek(audio.currentTime * 1000 - SKIP_MS);
    else if (e.key === 'ArrowRight') seek(audio.currentTime * 1000 + SKIP_MS);
    else return false;
    e.preventDefault();
    return true;
  }

  function destroy() {
    audio.pause();
    audio.removeAttribute('src');
    audio.load(); // ends the request for the recording
  }

  return { audioId: opts.audioId, element, audio, index, seek, toggle, onClick, onKey, destroy };
}

/** @typedef {ReturnType<typeof createPlayer>} Player */
