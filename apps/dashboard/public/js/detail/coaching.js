// @ts-check
/** Coaching cards, warnings first, each naming the benchmark it stands on. */
import { h } from '../dom.js';
import { clock, metricValue } from '../format.js';
import { countBadge, muted, panel, quote } from './parts.js';

/**
 * @typedef {import('../types.js').CoachingItem} CoachingItem
 * @typedef {CoachingItem['basis']} Basis
 */

/** @type {Record<string, number>} */
const SEVERITY_ORDER = { warning: 0, suggestion: 1, info: 2 };

/**
 * Warnings, then suggestions, then information; the analyst's order within each.
 * @param {ReadonlyArray<CoachingItem>} items
 */
export function bySeverity(items) {
  return items.slice().sort((a, b) => (SEVERITY_ORDER[a.severity] ?? 3) - (SEVERITY_ORDER[b.severity] ?? 3));
}

/**
 * The lines under a card: "This call: 72% · Benchmark: 57%", "Metric: talkRatio · At 03:10".
 * @param {Basis} b
 * @returns {{ numbers: string | null, where: string | null }}
 */
export function basisLines(b) {
  const numbers = [];
  if (typeof b.value === 'number') numbers.push(`This call: ${metricValue(b.metric, b.value)}`);
  if (typeof b.benchmarkValue === 'number') numbers.push(`Benchmark: ${metricValue(b.metric, b.benchmarkValue)}`);
  const where = [
    b.metric ? `Metric: ${b.metric}` : null,
    typeof b.atMs === 'number' ? `At ${clock(b.atMs)}` : null,
  ].filter(Boolean);
  return { numbers: numbers.length ? numbers.join(' · ') : null, where: where.length ? where.join(' · ') : null };
}

/** @param {ReadonlyArray<CoachingItem>} items */
export function coachingPanel(items) {
  const count = countBadge(items.length);
  if (!items.length) return panel('Coaching', 'coaching', count, muted('Nothing to coach on this call.'));
  const cards = bySeverity(items).map((c) => {
    const b = c.basis || {};
    const lines = basisLines(b);
    return h(
      'article',
      { class: 'coach-card', 'data-coaching': c.id, 'data-severity': c.severity },
      h('span', { class: 'badge severity', 'data-severity': c.severity, text: c.severity }),
      h('h4', { text: c.title }),
      h('p', { text: c.recommendation }),
      h(
        'div',
        { class: 'basis' },
        b.benchmark ? h('div', {}, 'Benchmark: ', h('strong', { text: b.benchmark })) : null,
        lines.numbers ? h('div', { text: lines.numbers }) : null,
        lines.where ? h('div', { 'data-at-ms': typeof b.atMs === 'number' ? b.atMs : null, text: lines.where }) : null,
        b.quote ? quote(b.quote) : null,
      ),
    );
  });
  return panel('Coaching', 'coaching', count, h('div', { class: 'coaching-list' }, cards));
}
