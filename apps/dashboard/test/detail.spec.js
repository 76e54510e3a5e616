// @ts-check
import { speakersOf } from '../public/js/detail/body.js';
import { basisLines, bySeverity } from '../public/js/detail/coaching.js';
import { topFillers } from '../public/js/detail/metrics.js';
import { speakerTone } from '../public/js/detail/parts.js';
import { verdict } from '../public/js/detail/quiz.js';
import { CHART, chartGeometry } from '../public/js/detail/sentiment-chart.js';

/**
 * @typedef {import('../public/js/types.js').CoachingItem} CoachingItem
 * @typedef {import('../public/js/types.js').QuizQuestion} QuizQuestion
 */

/**
 * @param {string} id
 * @param {CoachingItem['severity']} severity
 * @returns {CoachingItem}
 */
const coaching = (id, severity) => ({
  id,
  severity,
  title: id,
  recommendation: 'r',
  basis: { metric: null, value: null, benchmark: 'b', benchmarkValue: null, atMs: 0, quote: null },
});

describe('detail panels', () => {
  it('gives the channels their own colours and others one of four in turn', () => {
    const speakers = ['agent', 'customer', 'A', 'B', 'C', 'D', 'E'];
    expect(speakers.map((s) => speakerTone(s, speakers))).toEqual([
      'agent',
      'customer',
      'extra-2',
      'extra-3',
      'extra-0',
      'extra-1',
      'extra-2',
    ]);
    expect(speakerTone('speaker', [])).toBe('speaker');
  });

  it('takes the speakers from the transcript, else from the analysis', () => {
    const analysis = /** @type {import('../public/js/types.js').Analysis} */ (
      /** @type {unknown} */ ({ metrics: { speakers: [{ speaker: 'agent' }, { speaker: 'customer' }] } })
    );
    expect(speakersOf(null, analysis)).toEqual(['agent', 'customer']);
    expect(speakersOf(null, null)).toEqual([]);
  });

  it('places sentiment points over the call, -1 at the bottom and +1 at the top', () => {
    const { endMs, y, series } = chartGeometry(
      [
        { speaker: 'customer', startMs: 50_000, endMs: 60_000, score: -1 },
        { speaker: 'agent', startMs: 0, endMs: 10_000, score: 1 },
        { speaker: 'customer', startMs: 0, endMs: 10_000, score: 0 },
      ],
      100_000,
    );
    expect(endMs).toBe(100_000);
    expect(y(1)).toBe(CHART.pad.t);
    expect(y(-1)).toBe(CHART.height - CHART.pad.b);
    expect(series.map((s) => s.speaker)).toEqual(['customer', 'agent']);
    const customer = series[0].points;
    expect(customer.map((p) => p.point.startMs)).toEqual([0, 50_000]); // in time order
    expect(customer[1].x).toBe(CHART.pad.l + 0.55 * (CHART.width - CHART.pad.l - CHART.pad.r));
    expect(customer[1].y).toBe(CHART.height - CHART.pad.b);
  });

  it('stretches the chart to the last point when it ends after the known duration', () => {
    expect(chartGeometry([{ speaker: 'agent', startMs: 0, endMs: 90_000, score: 0 }], 60_000).endMs).toBe(90_000);
  });

  it('sums filler words over speakers, most frequent first', () => {
    const fillers = [
      {
        speaker: 'agent',
        total: 5,
        byWord: [
          { word: 'um', count: 3 },
          { word: 'like', count: 2 },
        ],
      },
      {
        speaker: 'customer',
        total: 4,
        byWord: [
          { word: 'like', count: 2 },
          { word: 'uh', count: 2 },
        ],
      },
    ];
    expect(topFillers(fillers, 2)).toBe('like ×4, um ×3');
    expect(topFillers([], 3)).toBe('');
  });

  it('orders coaching by severity and writes its basis', () => {
    const ordered = bySeverity([coaching('i', 'info'), coaching('w', 'warning'), coaching('s', 'suggestion')]);
    expect(ordered.map((c) => c.id)).toEqual(['w', 's', 'i']);
    expect(
      basisLines({
        metric: 'agent.talkRatio',
        value: 0.72,
        benchmark: 'Gong',
        benchmarkValue: 0.57,
        atMs: 190_000,
        quote: null,
      }),
    ).toEqual({ numbers: 'This call: 72% · Benchmark: 57%', where: 'Metric: agent.talkRatio · At 03:10' });
    expect(
      basisLines({ metric: null, value: null, benchmark: 'b', benchmarkValue: null, atMs: null, quote: null }),
    ).toEqual({
      numbers: null,
      where: null,
    });
  });

  it('checks a quiz answer', () => {
    /** @type {QuizQuestion} */
    const q = {
      question: 'Who spoke more?',
      options: ['Agent', 'Customer', 'Equal'],
      answerIndex: 0,
      explanation: 'The agent spoke 57%.',
      atMs: 5000,
    };
    expect(verdict(q, 0)).toEqual({
      result: 'correct',
      verdict: 'Correct. ',
      explanation: 'The agent spoke 57%.',
      see: ' (see 00:05)',
    });
    expect(verdict(q, 2)).toMatchObject({ result: 'incorrect', verdict: 'Not quite: the answer is “Agent”. ' });
    expect(verdict(q, null)).toMatchObject({ result: 'none', verdict: 'Choose an answer first.' });
  });
});
