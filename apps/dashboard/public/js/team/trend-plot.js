// @ts-check
/**
 * A small SVG trend plot: one figure per week for an agent (a line with dots) and the team's
 * (a dashed line), on one scale. Weeks without calls leave a gap.
 */
import { svg } from '../dom.js';

const WIDTH = 120;
const HEIGHT = 32;
const PAD = 3;

/**
 * The points of one series on the plot, split where a week has no value.
 * @param {(number | null)[]} values
 * @param {{ min: number, max: number }} scale
 * @returns {string[]} one `points` attribute per unbroken run
 */
export function runsOf(values, scale) {
  const span = scale.max - scale.min || 1;
  const step = values.length > 1 ? (WIDTH - 2 * PAD) / (values.length - 1) : 0;
  /** @type {string[]} */
  const runs = [];
  /** @type {string[]} */
  let run = [];
  values.forEach((v, i) => {
    if (v === null) {
      if (run.length) runs.push(run.join(' '));
      run = [];
      return;
    }
    const x = PAD + i * step;
    const y = HEIGHT - PAD - ((v - scale.min) / span) * (HEIGHT - 2 * PAD);
    run.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  if (run.length) runs.push(run.join(' '));
  return runs;
}

/**
 * @param {(number | null)[]} agent the agent's weekly values, oldest first
 * @param {(number | null)[]} team the team's, the same weeks
 * @param {string} label what the plot shows, for screen readers
 * @returns {SVGSVGElement}
 */
export function trendPlot(agent, team, label) {
  const known = [...agent, ...team].filter((v) => v !== null);
  const scale = { min: Math.min(0, ...known), max: Math.max(...known, 0) };
  const plot = svg('svg', {
    class: 'trend-plot',
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    width: String(WIDTH),
    height: String(HEIGHT),
    role: 'img',
    'aria-label': label,
  });
  for (const points of runsOf(team, scale)) plot.append(svg('polyline', { class: 'trend-team', points }));
  for (const points of runsOf(agent, scale)) {
    plot.append(svg('polyline', { class: 'trend-agent', points }));
    for (const p of points.split(' ')) {
      const [cx = '0', cy = '0'] = p.split(',');
      plot.append(svg('circle', { class: 'trend-dot', cx, cy, r: '1.8' }));
    }
  }
  return plot;
}
