/**
 * Utterances: a segment (one speaker's turn) split at pauses.
 *
 * Offline transcripts have no punctuation, so pauses are the best sentence-boundary cue
 * we have. A gap of more than ~700 ms between words is well above normal within-phrase
 * gaps (typically < 250 ms) and is the usual threshold for an inter-pausal unit.
 */
import type { Segment, Transcript, Word } from '@speech/contracts';
import { isSpeechWord, tokenStream } from './tokens';

export const UTTERANCE_PAUSE_MS = 700;

/** Stereo calls label channel 0 "agent" (see contracts SPEAKER_BY_CHANNEL). */
export const AGENT = 'agent';

export interface Utterance {
  speaker: string;
  startMs: number;
  endMs: number;
  segmentIndex: number;
  /** Index in segment.words of this utterance's first word. */
  firstWord: number;
  /** The utterance's words (a contiguous slice of segment.words). */
  words: Word[];
  /** Canonical tokens (see tokens.ts). */
  tokens: string[];
  /** For each token, the index in `words` it came from. */
  tokenWord: number[];
}

function sortedWords(segment: Segment): Word[] {
  return [...segment.words].sort((a, b) => a.startMs - b.startMs);
}

/** All utterances of the transcript, in time order. Segments without words yield none. */
export function splitUtterances(transcript: Transcript): Utterance[] {
  const out: Utterance[] = [];
  transcript.segments.forEach((segment, segmentIndex) => {
    const words = sortedWords(segment);
    let first = 0;
    const flush = (endExclusive: number): void => {
      const slice = words.slice(first, endExclusive);
      const speech = slice.filter((w) => isSpeechWord(w.text));
      const firstSpeech = speech[0];
      const lastSpeech = speech[speech.length - 1];
      if (firstSpeech && lastSpeech) {
        const { tokens, wordIndex } = tokenStream(slice);
        out.push({
          speaker: segment.speaker,
          startMs: firstSpeech.startMs,
          endMs: lastSpeech.endMs,
          segmentIndex,
          firstWord: first,
          words: slice,
          tokens,
          tokenWord: wordIndex,
        });
      }
      first = endExclusive;
    };
    for (let i = 1; i < words.length; i++) {
      const prev = words[i - 1];
      const cur = words[i];
      if (prev && cur && cur.startMs - prev.endMs > UTTERANCE_PAUSE_MS) flush(i);
    }
    flush(words.length);
  });
  return out.sort((a, b) => a.startMs - b.startMs);
}

/** Speakers in order of first appearance, including listed speakers that never spoke. */
export function speakersOf(transcript: Transcript): string[] {
  const seen = new Set<string>(transcript.speakers);
  for (const s of transcript.segments) seen.add(s.speaker);
  return [...seen];
}

/** True for stereo agent/customer calls; false for mono ("speaker") recordings. */
export function hasAgent(transcript: Transcript): boolean {
  return speakersOf(transcript).includes(AGENT);
}

/** The side whose objections and complaints we look for: everyone but the agent. */
export function isCustomerSide(speaker: string, agentPresent: boolean): boolean {
  return !agentPresent || speaker !== AGENT;
}

export const QUOTE_MIN_WORDS = 6;
export const QUOTE_MAX_WORDS = 20;
/** A window ending this close to the turn's edge is extended to it, so quotes don't stop mid-phrase. */
const QUOTE_EDGE_WORDS = 3;

/**
 * A verbatim quote: `before`/`after` words of context around words [from, to) of a
 * segment, clamped to 6..20 words. Times come from the first and last quoted word.
 */
export function quoteAround(
  segment: Segment,
  from: number,
  to: number,
  before = 4,
  after = 8,
): { quote: string; startMs: number; endMs: number } {
  const words = sortedWords(segment);
  let start = Math.max(0, from - before);
  let end = Math.min(words.length, Math.max(to + after, from + 1));
  if (start <= QUOTE_EDGE_WORDS) start = 0;
  if (words.length - end <= QUOTE_EDGE_WORDS) end = words.length;
  while (end - start < QUOTE_MIN_WORDS && (start > 0 || end < words.length)) {
    if (end < words.length) end++;
    else start--;
  }
  if (end - start > QUOTE_MAX_WORDS) {
    start = Math.max(start, Math.min(from, end - QUOTE_MAX_WORDS));
    end = Math.min(end, start + QUOTE_MAX_WORDS);
  }
  return quoteWords(words.slice(start, end), segment);
}

function quoteWords(slice: readonly Word[], fallback: Interval): { quote: string; startMs: number; endMs: number } {
  const speech = slice.filter((w) => isSpeechWord(w.text));
  return {
    quote: speech.map((w) => w.text).join(' '),
    startMs: speech[0]?.startMs ?? fallback.startMs,
    endMs: speech[speech.length - 1]?.endMs ?? fallback.endMs,
  };
}

interface Interval {
  startMs: number;
  endMs: number;
}

/** Exactly the words holding tokens [startToken, endToken), no context. */
export function spanText(u: Utterance, startToken: number, endToken: number): string {
  const from = u.tokenWord[startToken] ?? 0;
  const to = (u.tokenWord[Math.max(startToken, endToken - 1)] ?? from) + 1;
  return quoteWords(u.words.slice(from, to), u).quote;
}

/** Verbatim quote of an utterance's token range [startToken, endToken). */
export function quoteTokens(
  transcript: Transcript,
  u: Utterance,
  startToken: number,
  endToken: number,
  before?: number,
  after?: number,
): { quote: string; startMs: number; endMs: number } {
  const segment = transcript.segments[u.segmentIndex];
  if (!segment) return { quote: '', startMs: u.startMs, endMs: u.endMs };
  const fromWord = u.firstWord + (u.tokenWord[startToken] ?? 0);
  const toWord = u.firstWord + (u.tokenWord[Math.max(startToken, endToken - 1)] ?? 0) + 1;
  return quoteAround(segment, fromWord, toWord, before, after);
}

/** Start time of the word holding the given token. */
export function tokenStartMs(u: Utterance, token: number): number {
  return u.words[u.tokenWord[token] ?? 0]?.startMs ?? u.startMs;
}

/** A clause of an utterance: tokens [start, end). */
export interface Clause {
  start: number;
  end: number;
}

/** A gap this long between two words of one utterance ends a clause (a comma's pause). */
export const CLAUSE_PAUSE_MS = 220;
/** Words that open a new clause in unpunctuated text ("no | that is all | have a good day"). */
const CLAUSE_OPENERS = new Set(['but', 'so', 'because', 'although', 'though', 'pero', 'porque']);
const STANDALONE_REPLIES = new Set([
  'no',
  'yes',
  'yeah',
  'okay',
  'fine',
  'sure',
  'right',
  'thanks',
  'si',
  'vale',
  'bueno',
]);
const FORMULA_STARTS: ReadonlyArray<readonly string[]> = [
  ['have', 'a'],
  ['thank', 'you'],
  ['thanks'],
  ['bye'],
  ['talk', 'soon'],
  ['talk', 'to', 'you'],
  ['you', 'too'],
  ['muchas', 'gracias'],
  ['gracias'],
  ['que', 'tenga'],
  ['hasta', 'luego'],
];

/**
 * Clauses of an utterance: split at punctuation where the engine gives it, at short pauses,
 * and (for lower-case unpunctuated text) before a contrastive opener ("but"), after a
 * standalone reply ("no", "fine") and before a courtesy formula ("have a good day"), so a
 * negation's scope ends where its clause does.
 */
export function clausesOf(u: Utterance): Clause[] {
  const cuts = new Set<number>();
  for (let t = 1; t < u.tokens.length; t++) {
    const w = u.tokenWord[t] ?? 0;
    const prevW = u.tokenWord[t - 1] ?? 0;
    if (w === prevW) continue;
    const prevWord = u.words[prevW];
    const word = u.words[w];
    if (prevWord && word) {
      if (/[.!?…,;:]["')\]]*$/.test(prevWord.text.trim())) cuts.add(t);
      if (word.startMs - prevWord.endMs >= CLAUSE_PAUSE_MS) cuts.add(t);
    }
    const tok = u.tokens[t] as string;
    if (CLAUSE_OPENERS.has(tok)) cuts.add(t);
    if (t === 1 && STANDALONE_REPLIES.has(u.tokens[0] as string)) cuts.add(t);
    if (FORMULA_STARTS.some((f) => f.every((x, k) => u.tokens[t + k] === x))) cuts.add(t);
  }
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), u.tokens.length];
  const out: Clause[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const start = bounds[i] as number;
    const end = bounds[i + 1] as number;
    if (end > start) out.push({ start, end });
  }
  return out;
}

/** The clause holding a token. */
export function clauseAt(clauses: readonly Clause[], token: number): Clause {
  return clauses.find((c) => token >= c.start && token < c.end) ?? { start: 0, end: token + 1 };
}
