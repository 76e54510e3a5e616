// @ts-check
/**
 * A small line chart of each speaker's sentiment over the call, from -1 to +1. The geometry
 * is a pure function (unit-tested); the SVG is coloured by CSS classes and `data-tone`, so
 * it follows the colour scheme and needs no inline style.
 */
import { h, svg } from '../dom.js';
import { capital, clock, signed } from '../format.js';
import { legend, speakerTone } from './parts.js';

/** @typedef {import('../types.js').SentimentPoint} SentimentPoint */

export const CHART = { width: 600, height: 150, pad: { l: 30, r: 10, t: 10, b: 22 } };

/**
 * @typedef {{ x: number, y: number, point: SentimentPoint }} PlottedPoint
 * @typedef {{ speaker: string, points: PlottedPoint[] }} Series
 */

/**
 * Where each point goes: x by the middle of its span over the call, y by its score.
 * @param {ReadonlyArray<SentimentPoint>} points
 * @param {number} durationMs
 * @returns {{ endMs: number, y: (score: number) => number, series: Series[] }}
 */
export function chartGeometry(points, durationMs) {
  const { width, height, pad } = CHART;
  const endMs = Math.max(durationMs || 0, ...points.map((p) => p.endMs), 1);
  /** @param {number} ms */
  const x = (ms) => round1(pad.l + (ms / endMs) * (width - pad.l - pad.r));
  /** @param {number} score */
  const y = (score) => round1(pad.t + ((1 - score) / 2) * (height - pad.t - pad.b));
  /** @type {Map<string, SentimentPoint[]>} */
  const bySpeaker = new Map();
  for (const p of points) {
    const list = bySpeaker.get(p.speaker);
    if (list) list.push(p);
    else bySpeaker.set(p.speaker, [p]);
  }
  const series = [...bySpeaker.entries()].map(([speaker, ps]) => ({
    speaker,
    points: ps
      .slice()
      .sort((a, b) => a.startMs - b.startMs)
      .map((point) => ({ x: x((point.startMs + point.endMs) / 2), y: y(point.score), point })),
  }));
  return { endMs, y, series };
}

/** @param {number} n */
const round1 = (n) => Math.round(n * 10) / 10;

/**
 * @param {ReadonlyArray<SentimentPoint>} points
 * @param {number} durationMs
 * @param {ReadonlyArray<string>} speakers
 */
export function sentimentChart(points, durationMs, speakers) {
  if (!points.length) return h('p', { class: 'muted', text: 'Not enough speech for a sentiment timeline.' });
  const { width: W, height: H, pad } = CHART;
  const { endMs, y, series } = chartGeometry(points, durationMs);
  const summary = series
    .map((s) => `${s.speaker}: ${s.points.map((p) => signed(p.point.score)).join(', ')}`)
    .join('; ');
  /**
   * @param {number} atY
   * @param {string} cls
   */
  const rule = (atY, cls) => svg('line', { class: cls, x1: pad.l, x2: W - pad.r, y1: atY, y2: atY });
  /**
   * @param {number} x
   * @param {number} atY
   * @param {string} text
   * @param {string | null} [anchor]
   */
  const label = (x, atY, text, anchor) => svg('text', { class: 'chart-label', x, y: atY, 'text-anchor': anchor, text });
  const chart = svg(
    'svg',
    {
      class: 'timeline-svg',
      viewBox: `0 0 ${W} ${H}`,
      role: 'img',
      'aria-label': `Sentiment over time (-1 negative to +1 positive). ${summary}`,
    },
    rule(y(0), 'chart-zero'),
    rule(y(1), 'chart-rule'),
    rule(y(-1), 'chart-rule'),
    label(4, y(1) + 4, '+1'),
    label(10, y(0) + 4, '0'),
    label(6, y(-1) + 4, '−1'),
    label(pad.l, H - 6, '00:00'),
    label(W - pad.r, H - 6, clock(endMs), 'end'),
    series.map((s) => {
      const tone = speakerTone(s.speaker, speakers);
      return svg(
        'g',
        { class: 'chart-series', 'data-tone': tone },
        s.points.length > 1
          ? svg('polyline', { class: 'chart-line', points: s.points.map((p) => `${p.x},${p.y}`).join(' ') })
          : null,
        s.points.map((p) =>
          svg(
            'circle',
            { class: 'chart-point', cx: p.x, cy: p.y, r: 3.2, 'data-at-ms': p.point.startMs },
            svg('title', { text: `${capital(s.speaker)} at ${clock(p.point.startMs)}: ${signed(p.point.score)}` }),
          ),
        ),
      );
    }),
  );
  const key = legend(
    series.map((s) => s.speaker),
    speakers,
  );
  key.setAttribute('aria-hidden', 'true');
  return h('div', {}, chart, key);
}
