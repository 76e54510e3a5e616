// @ts-check
import { runsOf } from '../public/js/team/trend-plot.js';
import { COLUMNS } from '../public/js/team/team-view.js';

describe('team trend plots', () => {
  it('places weekly values on the plot, oldest left, highest up', () => {
    const [run] = runsOf([0, 1], { min: 0, max: 1 });
    expect(run).toBe('3.0,29.0 117.0,3.0');
  });

  it('leaves a gap for a week without calls', () => {
    expect(runsOf([0.5, null, 0.5, 0.5], { min: 0, max: 1 })).toHaveLength(2);
    expect(runsOf([null, null], { min: 0, max: 1 })).toEqual([]);
  });

  it('draws one flat value in the middle of a zero scale', () => {
    expect(runsOf([0], { min: 0, max: 0 })).toEqual(['3.0,29.0']);
  });
});

describe('team view columns', () => {
  it('shows each figure in its unit, and a dash for none', () => {
    const show = Object.fromEntries(COLUMNS.map((c) => [c.key, c.show]));
    expect(show.talkRatio?.(0.425)).toBe('43%');
    expect(show.questionsAsked?.(2.25)).toBe('2.3');
    expect(show.closingSentiment?.(0.5)).toBe('+0.50');
    expect(show.longestMonologueMs?.(83_000)).toBe('01:23');
    expect(COLUMNS.map((c) => c.show(null))).toEqual(['—', '—', '—', '—', '—']);
  });
});
