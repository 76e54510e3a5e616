/**
 * Sentiment per utterance, per speaker and overall, plus notable shifts.
 *
 * Scores come from wink-nlp's `its.sentiment` with the wink-eng-lite-web-model: a
 * maintained, offline, MIT-licensed lexicon-based scorer (AFINN-style lexicon with
 * negation and emoji handling) that needs no punctuation or casing, which suits lowercase
 * ASR output. Lexicon sentiment does not recognise objections ("your price is almost
 * double" scores slightly positive); those are found by issue-detector.ts instead.
 */
import type { Sentiment, SentimentLabel, SentimentPoint, SentimentShift } from './analysis.schema';
import { cleanWord } from './tokens';
import type { Utterance } from './utterances';

export type SentimentScorer = (text: string) => number;

/** |score| at or above this is positive/negative (wink scores are in -1..1). */
export const LABEL_THRESHOLD = 0.1;
/** A speaker's smoothed score must pass this to count as a mood for shift detection. */
export const SHIFT_THRESHOLD = 0.15;
const MAX_QUOTE_WORDS = 20;

let scorerPromise: Promise<SentimentScorer> | undefined;
let lexiconPromise: Promise<(token: string) => boolean> | undefined;

/**
 * Is a lower-case token an everyday English word? True when wink's lexicon (about 87,000
 * words) holds it; names and brands mostly are not there ("priyanka", "stormvault"), which is
 * how names are found in text without case. Loaded once, answers cached.
 */
export function loadKnownWords(): Promise<(token: string) => boolean> {
  lexiconPromise ??= (async () => {
    const [{ default: winkNLP }, { default: model }] = await Promise.all([
      import('wink-nlp'),
      import('wink-eng-lite-web-model'),
    ]);
    const nlp = winkNLP(model, []);
    const its = nlp.its;
    const idOf = (w: string): number => Number(nlp.readDoc(w).tokens().out(its.uniqueId)[0] ?? -1);
    // Unknown words get ids past the lexicon, in the order they are first seen.
    const firstUnknown = idOf('zqxjvwkpfh');
    const cache = new Map<string, boolean>();
    return (token: string): boolean => {
      let known = cache.get(token);
      if (known === undefined) {
        known = /^[a-z']+$/.test(token) ? idOf(token) < firstUnknown : true;
        if (cache.size < 100_000) cache.set(token, known);
      }
      return known;
    };
  })().catch((err: unknown) => {
    lexiconPromise = undefined;
    throw err;
  });
  return lexiconPromise;
}

/** Loads the wink model once, on first use (the model takes ~100 ms and a few MB to load). */
export function loadSentimentScorer(): Promise<SentimentScorer> {
  scorerPromise ??= (async (): Promise<SentimentScorer> => {
    const [{ default: winkNLP }, { default: model }] = await Promise.all([
      import('wink-nlp'),
      import('wink-eng-lite-web-model'),
    ]);
    // Only the stages sentiment needs: sentence split, negation marking, sentiment.
    const nlp = winkNLP(model, ['sbd', 'negation', 'sentiment']);
    const its = nlp.its;
    return (text: string): number => {
      const value: unknown = nlp.readDoc(text).out(its.sentiment);
      return typeof value === 'number' && Number.isFinite(value) ? Math.max(-1, Math.min(1, value)) : 0;
    };
  })().catch((err: unknown) => {
    scorerPromise = undefined; // allow a retry rather than caching the failure
    throw err;
  });
  return scorerPromise;
}

export function labelOf(score: number): SentimentLabel {
  if (score >= LABEL_THRESHOLD) return 'positive';
  if (score <= -LABEL_THRESHOLD) return 'negative';
  return 'neutral';
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

export function utteranceText(u: Utterance): string {
  return u.words
    .map((w) => cleanWord(w.text))
    .filter((w) => w !== '')
    .join(' ');
}

function quoteOf(u: Utterance): string {
  return u.words
    .filter((w) => cleanWord(w.text) !== '')
    .slice(0, MAX_QUOTE_WORDS)
    .map((w) => w.text)
    .join(' ');
}

/** Mean of utterance scores weighted by length, so a long calm answer outweighs "ok great". */
function weightedMean(items: ReadonlyArray<{ score: number; weight: number }>): number {
  const weight = items.reduce((n, i) => n + i.weight, 0);
  return weight > 0 ? round3(items.reduce((n, i) => n + i.score * i.weight, 0) / weight) : 0;
}

/**
 * Smoothing for shift detection: each speaker's scores are an exponential moving average
 * (weight SMOOTHING on the newest utterance), so one misrecognised word ("cat bites" for
 * "terabytes" scores -0.5) does not flip the mood by itself.
 */
const SMOOTHING = 0.6;

/**
 * Polarity reversals per speaker on the smoothed series. A reversal counts when the
 * speaker's next utterance does not swing straight back (or when the call ends).
 */
export function detectShifts(utterances: readonly Utterance[], scores: readonly number[]): SentimentShift[] {
  const bySpeaker = new Map<string, Array<{ u: Utterance; smoothed: number }>>();
  utterances.forEach((u, i) => {
    const series = bySpeaker.get(u.speaker) ?? [];
    const prev = series[series.length - 1]?.smoothed;
    const score = scores[i] ?? 0;
    series.push({ u, smoothed: prev === undefined ? score : SMOOTHING * score + (1 - SMOOTHING) * prev });
    bySpeaker.set(u.speaker, series);
  });
  const polarity = (x: number): SentimentLabel | null =>
    x >= SHIFT_THRESHOLD ? 'positive' : x <= -SHIFT_THRESHOLD ? 'negative' : null;
  const shifts: SentimentShift[] = [];
  for (const [speaker, series] of bySpeaker) {
    let confirmed: SentimentLabel | null = null;
    series.forEach(({ u, smoothed }, i) => {
      const label = polarity(smoothed);
      if (label === null) return;
      const next = series[i + 1];
      const swingsBack = confirmed !== null && next !== undefined && polarity(next.smoothed) === confirmed;
      if (confirmed !== null && label !== confirmed && !swingsBack) {
        shifts.push({ atMs: u.startMs, from: confirmed, to: label, speaker, quote: quoteOf(u) });
      }
      if (!swingsBack) confirmed = label;
    });
  }
  return shifts.sort((a, b) => a.atMs - b.atMs);
}

/** Scores a whole utterance (the offline analyst's turn-level scorer, see turn-sentiment.ts). */
export type UtteranceScorer = (u: Utterance, index: number) => number;

/**
 * How utterance scores add up to a speaker's (and the call's) mood:
 *  - `length`: the mean weighted by words, so a long calm answer outweighs "ok great";
 *  - `polarity`: the mean of the polarised utterances times the square root of their share,
 *    so a mood shown in a few clear remarks is not washed out by long neutral explanations,
 *    and one remark in a long call does not decide it either.
 */
export type SentimentAggregation = 'length' | 'polarity';

function polarityMean(scores: readonly number[]): number {
  const polarised = scores.filter((s) => Math.abs(s) >= LABEL_THRESHOLD);
  if (polarised.length === 0) return 0;
  return round3(polarised.reduce((a, b) => a + b, 0) / Math.sqrt(scores.length * polarised.length));
}

export function analyseSentiment(
  utterances: readonly Utterance[],
  speakers: readonly string[],
  scorer: SentimentScorer,
  scoreUtterance: UtteranceScorer = (u) => scorer(utteranceText(u)),
  aggregation: SentimentAggregation = 'length',
): Sentiment {
  const scores = utterances.map((u, i) => round3(scoreUtterance(u, i)));
  const timeline: SentimentPoint[] = utterances.map((u, i) => ({
    startMs: u.startMs,
    endMs: u.endMs,
    speaker: u.speaker,
    score: scores[i] ?? 0,
  }));
  const weighted = utterances.map((u, i) => ({ speaker: u.speaker, score: scores[i] ?? 0, weight: u.tokens.length }));
  const mood = (items: typeof weighted): number =>
    aggregation === 'length' ? weightedMean(items) : polarityMean(items.map((i) => i.score));
  const overallScore = mood(weighted);
  return {
    overall: { score: overallScore, label: labelOf(overallScore) },
    bySpeaker: speakers.map((speaker) => {
      const score = mood(weighted.filter((w) => w.speaker === speaker));
      return { speaker, score, label: labelOf(score) };
    }),
    timeline,
    shifts: detectShifts(utterances, scores),
    closing: null,
  };
}

/**
 * How a speaker sounded at the end of the call: the last two clearly polarised utterances
 * in the final third of the call (the later one weighted double), or neutral if none.
 * Null when the speaker never spoke.
 */
export function closingSentiment(
  timeline: readonly SentimentPoint[],
  speaker: string,
  callEndMs: number,
): { score: number; label: SentimentLabel; atMs: number | null } | null {
  const own = timeline.filter((p) => p.speaker === speaker);
  if (own.length === 0) return null;
  const callStart = timeline[0]?.startMs ?? 0;
  const finalThird = callStart + ((callEndMs - callStart) * 2) / 3;
  const polarised = own.filter((p) => p.startMs >= finalThird && Math.abs(p.score) >= LABEL_THRESHOLD).slice(-2);
  if (polarised.length === 0) return { score: 0, label: 'neutral', atMs: null };
  const score = weightedMean(polarised.map((p, i) => ({ score: p.score, weight: i + 1 })));
  return { score, label: labelOf(score), atMs: polarised[polarised.length - 1]?.startMs ?? null };
}

/** The close is read over this many of the speaker's last turns. */
export const CLOSING_TURNS = 3;

/**
 * How a speaker sounded at the close: the final third of their turns, at most the last
 * CLOSING_TURNS, the later ones weighted more (1, 2, 3), so one polite "thanks, bye" neither hides a complaint just before it nor
 * turns a neutral close positive on its own. Null when the speaker never spoke.
 */
export function closingMood(
  timeline: readonly SentimentPoint[],
  speaker: string,
): { score: number; label: SentimentLabel; atMs: number | null } | null {
  const own = timeline.filter((p) => p.speaker === speaker);
  if (own.length === 0) return null;
  // The final third of their turns, at most CLOSING_TURNS: on a short call the complaint that
  // opened it is not its close.
  const last = own.slice(-Math.min(CLOSING_TURNS, Math.ceil(own.length / 3)));
  const score = weightedMean(last.map((p, i) => ({ score: p.score, weight: 2 ** i })));
  const decisive = [...last].reverse().find((p) => Math.abs(p.score) >= LABEL_THRESHOLD);
  return { score, label: labelOf(score), atMs: decisive?.startMs ?? null };
}
