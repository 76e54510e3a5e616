import type { SentimentPoint } from './analysis.schema';
import { analyseSentiment, closingSentiment, labelOf, loadSentimentScorer, type SentimentScorer } from './sentiment';
import { aTranscript } from './testing/transcript-builder';
import { splitUtterances } from './utterances';

describe('wink-nlp scorer', () => {
  let score: SentimentScorer;
  beforeAll(async () => {
    score = await loadSentimentScorer();
  });

  it('scores lowercase unpunctuated ASR text', () => {
    expect(score('thank you that helps a lot')).toBeGreaterThan(0.1);
    expect(score('this is terrible my customers cannot reach me')).toBeLessThan(-0.1);
    expect(score('')).toBe(0);
  });

  it('loads the model once', async () => {
    expect(await loadSentimentScorer()).toBe(score);
  });
});

describe('analyseSentiment', () => {
  /** A fake scorer keeps these tests about aggregation, not about the lexicon. */
  const fake: SentimentScorer = (text) => (text.includes('great') ? 0.6 : text.includes('awful') ? -0.6 : 0);

  const call = aTranscript()
    .turn('customer', 'this is awful', { atMs: 0 })
    .turn('agent', 'i am on it', { atMs: 2000 })
    .turn('customer', 'still awful honestly', { atMs: 4000 })
    .turn('customer', 'okay that is great thanks', { atMs: 8000 })
    .turn('customer', 'great', { atMs: 11_000 })
    .build();

  it('gives one timeline point per utterance', () => {
    const s = analyseSentiment(splitUtterances(call), call.speakers, fake);
    expect(s.timeline.map((p) => [p.speaker, p.score])).toEqual([
      ['customer', -0.6],
      ['agent', 0],
      ['customer', -0.6],
      ['customer', 0.6],
      ['customer', 0.6],
    ]);
  });

  it('reports polarity reversals per speaker with a verbatim quote, once the smoothed mood turns', () => {
    const s = analyseSentiment(splitUtterances(call), call.speakers, fake);
    // Smoothed customer mood: -0.6, -0.6, +0.12 (not yet positive), +0.41.
    expect(s.shifts).toEqual([{ atMs: 11_000, from: 'negative', to: 'positive', speaker: 'customer', quote: 'great' }]);
  });

  it('ignores a single outlier utterance, even one strong enough to flip the smoothed mood', () => {
    const scorer: SentimentScorer = (text) => (text.includes('terrible') ? -1 : fake(text));
    const t = aTranscript()
      .turn('customer', 'great start', { atMs: 0 })
      .turn('customer', 'great stuff', { atMs: 2000 })
      .turn('customer', 'cat bites terrible', { atMs: 4000 }) // a misrecognition: smoothed -0.36
      .turn('customer', 'really great', { atMs: 6000 }) // straight back to +0.22
      .build();
    expect(analyseSentiment(splitUtterances(t), t.speakers, scorer).shifts).toEqual([]);
  });

  it('weights speaker scores by utterance length', () => {
    const s = analyseSentiment(splitUtterances(call), call.speakers, fake);
    const customer = s.bySpeaker.find((b) => b.speaker === 'customer');
    // (-0.6*3 - 0.6*3 + 0.6*5 + 0.6*1) / 12
    expect(customer?.score).toBeCloseTo(0, 3);
    expect(customer?.label).toBe('neutral');
  });

  it('is neutral for a silent recording', () => {
    const s = analyseSentiment([], ['agent', 'customer'], fake);
    expect(s.overall).toEqual({ score: 0, label: 'neutral' });
    expect(s.bySpeaker).toHaveLength(2);
  });

  it('labels with a symmetric threshold', () => {
    expect([labelOf(0.3), labelOf(0.05), labelOf(-0.3)]).toEqual(['positive', 'neutral', 'negative']);
  });
});

describe('closingSentiment', () => {
  const point = (startMs: number, speaker: string, score: number): SentimentPoint => ({
    startMs,
    endMs: startMs + 1000,
    speaker,
    score,
  });

  it('uses the last polarised remarks in the final third of the call', () => {
    const timeline = [point(0, 'customer', -0.6), point(5000, 'customer', -0.5), point(9000, 'customer', 0.4)];
    expect(closingSentiment(timeline, 'customer', 10_000)).toMatchObject({ label: 'positive', atMs: 9000 });
  });

  it('is neutral when the speaker expressed nothing near the end, null if silent', () => {
    const timeline = [point(0, 'customer', -0.6), point(9000, 'customer', 0)];
    expect(closingSentiment(timeline, 'customer', 10_000)).toEqual({ score: 0, label: 'neutral', atMs: null });
    expect(closingSentiment(timeline, 'agent', 10_000)).toBeNull();
  });
});
