import {
  compileTracker,
  matchTranscript,
  trackerIndexTerms,
  type TrackerRule,
  type TrackerSegment,
} from './tracker-match';

const rule = (r: Partial<TrackerRule>): TrackerRule => ({ phrases: [], speaker: 'any', fromPct: 0, toPct: 100, ...r });

const segments: TrackerSegment[] = [
  { index: 0, speaker: 'agent', startMs: 0, endMs: 4000, text: 'Hi, this is Laura from Cedar Cloud.' },
  {
    index: 1,
    speaker: 'customer',
    startMs: 4000,
    endMs: 9000,
    text: 'Your price is almost double what Stormvault quoted.',
  },
  {
    index: 2,
    speaker: 'agent',
    startMs: 9000,
    endMs: 15000,
    text: "I hear you, the pricing is too high? We don't think so.",
  },
  { index: 3, speaker: 'customer', startMs: 90_000, endMs: 100_000, text: 'Thank you, the price works now.' },
];

describe('tracker matching', () => {
  it('finds a phrase with variants and optional words, with the segment, speaker, time and quote', async () => {
    const t = compileTracker(rule({ phrases: ['(price|pricing) is (almost|too)? (double|high)'] }));
    const hits = await matchTranscript(t, segments);
    expect(hits.map((h) => [h.segment, h.speaker, h.startMs, h.endMs])).toEqual([
      [1, 'customer', 4000, 9000],
      [2, 'agent', 9000, 15000],
    ]);
    expect(hits[0]?.quote).toBe('Your price is almost double what Stormvault quoted.');
    expect(hits[0]?.phrase).toBe('(price|pricing) is (almost|too)? (double|high)');
  });

  it('applies the speaker condition', async () => {
    const t = compileTracker(rule({ phrases: ['price*'], speaker: 'customer' }));
    expect((await matchTranscript(t, segments)).map((h) => h.segment)).toEqual([1, 3]);
  });

  it('applies the part of the call (by where the segment starts in the duration)', async () => {
    const closing = compileTracker(rule({ phrases: ['price'], fromPct: 80, toPct: 100 }));
    expect((await matchTranscript(closing, segments, 100_000)).map((h) => h.segment)).toEqual([3]);
    const opening = compileTracker(rule({ phrases: ['price'], fromPct: 0, toPct: 20 }));
    // Unknown duration: the last segment's end.
    expect((await matchTranscript(opening, segments)).map((h) => h.segment)).toEqual([1]);
  });

  it('counts one place once when several phrases match it, and matches contractions', async () => {
    const t = compileTracker(rule({ phrases: ['do not think', "don't think"] }));
    const hits = await matchTranscript(t, segments);
    expect(hits).toHaveLength(1);
    expect(hits[0]?.segment).toBe(2);
  });

  it('rejects a phrase that is no pattern', () => {
    expect(() => compileTracker(rule({ phrases: ['ok', '(a|b)?'] }))).toThrow(/"\(a\|b\)\?"/);
  });

  describe('index terms', () => {
    it('asks for the required words as spelled, one set per variant', () => {
      const t = compileTracker(rule({ phrases: ['(price|pricing) is (almost|too)? double'] }));
      // "is" can come from "it's": not asked for; the optional group neither.
      expect(trackerIndexTerms(t)).toEqual([
        ['price', 'double'],
        ['pricing', 'double'],
      ]);
    });

    it('gives up (every transcript a candidate) when a phrase has no askable word', () => {
      expect(trackerIndexTerms(compileTracker(rule({ phrases: ['price', 'do not'] })))).toBeNull();
      expect(trackerIndexTerms(compileTracker(rule({ phrases: ['#num dollars'] })))).toEqual([['dollars']]);
      expect(trackerIndexTerms(compileTracker(rule({ phrases: ['cost* #num'] })))).toBeNull();
    });

    it('drops a variant group whose branches would be too many, keeping the other words', () => {
      const t = compileTracker(rule({ phrases: ['(a1|a2|a3) (b1|b2|b3) cancel'] }));
      expect(trackerIndexTerms(t)).toEqual([
        ['a1', 'cancel'],
        ['a2', 'cancel'],
        ['a3', 'cancel'],
      ]);
    });
  });
});
