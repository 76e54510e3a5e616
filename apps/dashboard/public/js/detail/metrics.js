// @ts-check
/** The metrics panel: a per-speaker table and the call's headline numbers. */
import { h } from '../dom.js';
import { capital, clock, percent } from '../format.js';
import { panel, speakerLabel, speakerTone } from './parts.js';

/**
 * @typedef {import('../types.js').Metrics} Metrics
 * @typedef {Metrics['fillerWords'][number]} Fillers
 * @typedef {Metrics['speakers'][number]} SpeakerMetrics
 */

const COLUMNS = ['Speaker', 'Talk ratio', 'WPM', 'Longest monologue', 'Questions', 'Interruptions', 'Fillers'];

/**
 * The most frequent filler words over all speakers, as "um ×4, like ×2".
 * @param {ReadonlyArray<Fillers>} fillerWords
 * @param {number} n
 */
export function topFillers(fillerWords, n) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const f of fillerWords) for (const w of f.byWord) counts.set(w.word, (counts.get(w.word) || 0) + w.count);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, n)
    .map(([w, c]) => `${w} ×${c}`)
    .join(', ');
}

/**
 * @param {Metrics} metrics
 * @param {ReadonlyArray<string>} speakers
 * @param {Record<string, string> | null} [names] the owner's names by label (transcript corrections)
 */
export function metricsPanel(metrics, speakers, names = null) {
  const fillerWords = metrics.fillerWords || [];
  const table = h(
    'table',
    { class: 'metrics' },
    h('caption', { class: 'visually-hidden', text: 'Per-speaker metrics' }),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        COLUMNS.map((t) => h('th', { scope: 'col', text: t })),
      ),
    ),
    h(
      'tbody',
      {},
      (metrics.speakers || []).map((s) =>
        speakerRow(
          s,
          fillerWords.find((f) => f.speaker === s.speaker),
          speakers,
          names,
        ),
      ),
    ),
  );
  const totalFillers = fillerWords.reduce((n, f) => n + f.total, 0);
  const mono = metrics.longestMonologue;
  const stats = h(
    'dl',
    { class: 'stat-grid' },
    stat('Call duration', clock(metrics.durationMs)),
    stat('Silence share', percent(metrics.silenceShare)),
    stat(
      'Interruptions',
      String(metrics.interruptions),
      metrics.overtalkMs ? `${clock(metrics.overtalkMs)} overtalk` : null,
    ),
    stat(
      'Longest monologue',
      mono ? clock(mono.durationMs) : '—',
      mono ? `${capital(mono.speaker)} at ${clock(mono.startMs)}` : null,
    ),
    stat('Filler words', String(totalFillers), topFillers(fillerWords, 3) || null),
  );
  return panel(
    'Metrics',
    'metrics',
    null,
    h('div', { class: 'metrics-layout' }, h('div', { class: 'table-wrap' }, table), stats),
  );
}

/**
 * @param {SpeakerMetrics} s
 * @param {Fillers | undefined} fillers
 * @param {ReadonlyArray<string>} speakers
 * @param {Record<string, string> | null} names
 */
function speakerRow(s, fillers, speakers, names) {
  const fill = h('div', { class: 'ratio-fill', 'data-tone': speakerTone(s.speaker, speakers) });
  fill.style.width = percent(s.talkRatio); // CSSOM, which the page's CSP allows
  return h(
    'tr',
    { 'data-speaker': s.speaker },
    h('th', { scope: 'row' }, speakerLabel(s.speaker, speakers, names)),
    h(
      'td',
      {},
      h(
        'div',
        { class: 'ratio' },
        h(
          'div',
          {
            class: 'ratio-bar',
            role: 'img',
            'aria-label': `${capital(s.speaker)} talks ${percent(s.talkRatio)} of the time`,
          },
          fill,
        ),
        h('span', { class: 'ratio-value', text: percent(s.talkRatio) }),
      ),
    ),
    h('td', { class: 'num', text: Math.round(s.wordsPerMinute) }),
    h('td', { class: 'num', text: clock(s.longestMonologueMs) }),
    h('td', { class: 'num', text: s.questionsAsked }),
    h('td', { class: 'num', text: s.interruptions }),
    h('td', {
      class: 'num',
      title: fillers ? topFillers([fillers], 4) : '',
      text: fillers ? fillers.total : 0,
    }),
  );
}

/**
 * @param {string} label
 * @param {string} value
 * @param {string | null} [note]
 */
function stat(label, value, note) {
  return h(
    'div',
    { class: 'stat' },
    h('dt', { text: label }),
    h('dd', {}, value, note ? [' ', h('small', { text: note })] : null),
  );
}
