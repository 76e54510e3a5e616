import { computeMetrics } from './conversation-metrics';
import type { Metrics } from './analysis.schema';
import { aTranscript } from './testing/transcript-builder';

const words = (n: number, word = 'word'): string => Array.from({ length: n }, () => word).join(' ');
const forSpeaker = (m: Metrics, speaker: string) => {
  const s = m.speakers.find((x) => x.speaker === speaker);
  if (!s) throw new Error(`no metrics for ${speaker}`);
  return s;
};

function allNumbers(value: unknown): number[] {
  if (typeof value === 'number') return [value];
  if (Array.isArray(value)) return value.flatMap(allNumbers);
  if (value && typeof value === 'object') return Object.values(value).flatMap(allNumbers);
  return [];
}

describe('computeMetrics', () => {
  it('splits talk time between speakers', () => {
    const t = aTranscript()
      .turn('agent', words(10), { atMs: 0, msPerWord: 300 })
      .turn('customer', words(5), { atMs: 4000, msPerWord: 300 })
      .build();
    const m = computeMetrics(t);
    expect(forSpeaker(m, 'agent')).toMatchObject({ talkTimeMs: 3000, talkRatio: 0.667, wordCount: 10 });
    expect(forSpeaker(m, 'customer')).toMatchObject({ talkTimeMs: 1500, talkRatio: 0.333, wordCount: 5 });
  });

  it('bridges short gaps between words but not pauses', () => {
    const t = aTranscript()
      .turn('agent', 'one two', { atMs: 0, msPerWord: 300 })
      .turn('agent', 'three four', { atMs: 800, msPerWord: 300 }) // 200 ms gap: bridged
      .turn('agent', 'five', { atMs: 3000, msPerWord: 300 }) // 1.6 s pause: not talk
      .build();
    expect(forSpeaker(computeMetrics(t), 'agent').talkTimeMs).toBe(1400 + 300);
  });

  it('counts a turn that starts while the other speaker keeps talking as an interruption', () => {
    const t = aTranscript()
      .turn('agent', words(10), { atMs: 0 }) // 0–3000
      .turn('customer', 'sorry but that is not what i asked', { atMs: 1500 }) // agent talks 1.5 s more
      .build();
    const m = computeMetrics(t);
    expect(m.interruptions).toBe(1);
    expect(forSpeaker(m, 'customer').interruptions).toBe(1);
    expect(forSpeaker(m, 'agent').interruptions).toBe(0);
    expect(m.overtalkMs).toBe(1500);
  });

  it('does not count backchannels or brief overlaps as interruptions', () => {
    const t = aTranscript()
      .turn('agent', words(10), { atMs: 0 }) // 0–3000
      .turn('customer', 'yeah', { atMs: 1000 })
      .turn('customer', 'okay so what about the price', { atMs: 2800 }) // 200 ms overlap
      .build();
    expect(computeMetrics(t).interruptions).toBe(0);
  });

  it('measures silence as the share of the call where nobody speaks', () => {
    const t = aTranscript()
      .turn('agent', words(10), { atMs: 0 }) // 3 s
      .turn('customer', words(5), { atMs: 7000 }) // 1.5 s
      .lasting(10_000)
      .build();
    expect(computeMetrics(t).silenceShare).toBe(0.55);
  });

  it('computes words per minute over speaking time', () => {
    const t = aTranscript().turn('agent', words(30), { msPerWord: 400 }).build();
    expect(forSpeaker(computeMetrics(t), 'agent').wordsPerMinute).toBe(150);
  });

  it('finds the longest monologue, ignoring backchannels and ending at long pauses', () => {
    const t = aTranscript()
      .turn('agent', words(20), { atMs: 0 }) // 0–6000
      .turn('customer', 'mm hmm', { atMs: 6200 })
      .turn('agent', words(20), { atMs: 7000 }) // continues: 7000–13000
      .turn('agent', words(5), { atMs: 16_000 }) // 3 s pause: new monologue
      .turn('customer', 'right so how does the restore work', { atMs: 18_000 })
      .build();
    const m = computeMetrics(t);
    expect(m.longestMonologue).toEqual({ speaker: 'agent', startMs: 0, endMs: 13_000, durationMs: 13_000 });
    expect(forSpeaker(m, 'agent').longestMonologueMs).toBe(13_000);
  });

  it('counts questions per pause-delimited utterance', () => {
    const t = aTranscript()
      .turn('agent', 'so what made you look at us // how many offices do you have // we can help with that')
      .turn('customer', 'three offices')
      .build();
    const m = computeMetrics(t);
    expect(forSpeaker(m, 'agent').questionsAsked).toBe(2);
    expect(forSpeaker(m, 'customer').questionsAsked).toBe(0);
  });

  it('counts filler words per speaker, skipping non-filler uses', () => {
    const t = aTranscript()
      .turn('agent', 'so basically we um you know sort of help like everyone')
      .turn('customer', 'what kind of plan would you like do you know the price')
      .build();
    const m = computeMetrics(t);
    const agent = m.fillerWords.find((f) => f.speaker === 'agent');
    expect(agent?.total).toBe(5);
    expect(agent?.byWord.map((f) => f.word).sort()).toEqual(['basically', 'like', 'sort of', 'um', 'you know']);
    expect(m.fillerWords.find((f) => f.speaker === 'customer')?.total).toBe(0);
  });

  it('returns zeros, not NaN, for a silent recording', () => {
    const t = aTranscript().withSpeakers('agent', 'customer').lasting(60_000).build();
    const m = computeMetrics(t);
    expect(allNumbers(m).every(Number.isFinite)).toBe(true);
    expect(m.speakers.map((s) => [s.talkTimeMs, s.talkRatio, s.wordsPerMinute])).toEqual([
      [0, 0, 0],
      [0, 0, 0],
    ]);
    expect(m.silenceShare).toBe(1);
    expect(m.longestMonologue).toBeNull();
  });

  it('returns zeros for a zero-length transcript', () => {
    const m = computeMetrics(aTranscript().build());
    expect(m).toMatchObject({ durationMs: 0, silenceShare: 0, speakers: [], interruptions: 0 });
  });

  it('handles a mono recording with one speaker', () => {
    const t = aTranscript().turn('speaker', words(10)).turn('speaker', words(10)).build();
    const m = computeMetrics(t);
    expect(m.speakers).toHaveLength(1);
    expect(forSpeaker(m, 'speaker').talkRatio).toBe(1);
    expect(m.interruptions).toBe(0);
  });

  it('reports listed speakers who never spoke', () => {
    const t = aTranscript().withSpeakers('agent', 'customer').turn('agent', words(10)).build();
    expect(forSpeaker(computeMetrics(t), 'customer')).toMatchObject({ talkTimeMs: 0, talkRatio: 0, wordCount: 0 });
  });
});
