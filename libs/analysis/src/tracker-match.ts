/**
 * Trackers (issue #15): a named set of phrases, each in the phrase-pattern language of
 * phrase-matcher.ts (variants `(a|b)`, optional `word?`, `#num`, `prefix*`, a leading `=` for no
 * slack), with optional conditions: the speaker's role and the part of the call. This file is
 * the pure part: compiling a tracker, matching it on a transcript's segments, and the words a
 * full-text index can be asked for to find candidate segments without reading every transcript.
 */
import { compilePattern, findPhrase, type CompiledPattern } from './phrase-matcher';
import { REWRITTEN_TOKENS, tokenizeText } from './tokens';

export const TRACKER_SPEAKERS = ['any', 'agent', 'customer'] as const;
export type TrackerSpeaker = (typeof TRACKER_SPEAKERS)[number];

/** Named parts of a call, as percentages of its duration (where a segment starts). */
export const TRACKER_PARTS = { any: [0, 100], opening: [0, 20], closing: [80, 100] } as const;
export type TrackerPartName = keyof typeof TRACKER_PARTS;

export const TRACKER_LIMITS = { name: 120, phrases: 50, phrase: 200 } as const;

/** What a tracker looks for: the definition every consumer of `tracker.changed` holds. */
export interface TrackerRule {
  phrases: string[];
  speaker: TrackerSpeaker;
  /** The part of the call a hit's segment must start in: [fromPct, toPct] of the duration, inclusive. */
  fromPct: number;
  toPct: number;
}

/** A tracker as the gateway (its truth) and the query service (its view) both keep it. */
export interface TrackerDefinition extends TrackerRule {
  _id: string;
  name: string;
  revision: number;
  createdAt: number;
  updatedAt: number;
}

/** A tracker's definition as the API shows it (the reads and the commands' answers). */
export interface TrackerDefinitionView {
  trackerId: string;
  name: string;
  phrases: string[];
  speaker: TrackerSpeaker;
  part: { fromPct: number; toPct: number };
  revision: number;
  createdAt: number;
  updatedAt: number;
}

export function trackerDefinitionView(t: TrackerDefinition): TrackerDefinitionView {
  const { _id: trackerId, name, phrases, speaker, fromPct, toPct, revision, createdAt, updatedAt } = t;
  return { trackerId, name, phrases, speaker, part: { fromPct, toPct }, revision, createdAt, updatedAt };
}

/** A transcript segment (one speaker's turn) as the matcher needs it. */
export interface TrackerSegment {
  index: number;
  speaker: string;
  startMs: number;
  endMs: number;
  text: string;
}

export interface TrackerMatch {
  /** The segment's index in the transcript. */
  segment: number;
  speaker: string;
  startMs: number;
  endMs: number;
  /** The words around the match (the whole turn when it is short). */
  quote: string;
  /** The tracker phrase that matched (its source). */
  phrase: string;
  /** The matched token's place in the segment: with the segment, it identifies the hit. */
  token: number;
}

export interface CompiledTracker {
  rule: TrackerRule;
  patterns: CompiledPattern[];
}

/** Compiles every phrase; throws an Error naming the phrase that is not a valid pattern. */
export function compileTracker(rule: TrackerRule): CompiledTracker {
  return {
    rule,
    patterns: rule.phrases.map((p) => {
      try {
        return compilePattern(p);
      } catch (err) {
        throw new Error(`phrase ${JSON.stringify(p)} is not a usable pattern: ${(err as Error).message}`, {
          cause: err,
        });
      }
    }),
  };
}

/** Whether a segment's speaker satisfies the condition ("agent"/"customer" are the stereo channels' labels). */
export function speakerMatches(condition: TrackerSpeaker, speaker: string): boolean {
  return condition === 'any' || speaker.trim().toLowerCase() === condition;
}

/** Whether a segment starting at startMs lies in the tracker's part of a call of durationMs. */
export function partMatches(
  rule: Pick<TrackerRule, 'fromPct' | 'toPct'>,
  startMs: number,
  durationMs: number,
): boolean {
  if (rule.fromPct <= 0 && rule.toPct >= 100) return true;
  if (!(durationMs > 0)) return false;
  const pct = (startMs / durationMs) * 100;
  return pct >= rule.fromPct && pct <= rule.toPct;
}

const QUOTE_CHARS = 240;
const QUOTE_CONTEXT_WORDS = 10;

/**
 * Every match of the tracker in one segment, the speaker condition applied (the part of the call
 * needs the duration: see matchTranscript). One match per place: several phrases matching the
 * same words count once.
 */
export function matchSegment(t: CompiledTracker, seg: TrackerSegment): TrackerMatch[] {
  if (!speakerMatches(t.rule.speaker, seg.speaker)) return [];
  const words = seg.text.split(/\s+/).filter(Boolean);
  // Canonical tokens, each remembering its word: the quote is rebuilt from what was said.
  const tokens: string[] = [];
  const wordOf: number[] = [];
  words.forEach((w, i) => {
    for (const tok of tokenizeText(w)) {
      tokens.push(tok);
      wordOf.push(i);
    }
  });
  const out: TrackerMatch[] = [];
  const taken = new Set<number>();
  for (const pattern of t.patterns) {
    for (const m of findPhrase(pattern, tokens)) {
      if (taken.has(m.start)) continue;
      taken.add(m.start);
      const first = wordOf[m.start] ?? 0;
      const last = wordOf[m.end - 1] ?? first;
      out.push({
        segment: seg.index,
        speaker: seg.speaker,
        startMs: seg.startMs,
        endMs: seg.endMs,
        quote: quoteOf(words, first, last, seg.text),
        phrase: pattern.source,
        token: m.start,
      });
    }
  }
  return out.sort((a, b) => a.token - b.token);
}

function quoteOf(words: string[], first: number, last: number, text: string): string {
  if (text.length <= QUOTE_CHARS) return text.trim();
  const from = Math.max(0, first - QUOTE_CONTEXT_WORDS);
  const to = Math.min(words.length, last + QUOTE_CONTEXT_WORDS + 1);
  return `${from > 0 ? '…' : ''}${words.slice(from, to).join(' ')}${to < words.length ? '…' : ''}`;
}

/**
 * The tracker's matches in a transcript's segments (streamed: only the matches are kept), the
 * part of the call judged against durationMs, or, when it is unknown, the last segment's end.
 */
export async function matchTranscript(
  t: CompiledTracker,
  segments: AsyncIterable<TrackerSegment> | Iterable<TrackerSegment>,
  durationMs?: number | null,
): Promise<TrackerMatch[]> {
  const found: TrackerMatch[] = [];
  let end = 0;
  for await (const seg of segments) {
    end = Math.max(end, seg.endMs);
    found.push(...matchSegment(t, seg));
  }
  const duration = durationMs && durationMs > 0 ? durationMs : end;
  return found.filter((m) => partMatches(t.rule, m.startMs, duration));
}

/** At most this many index lookups per phrase (its variants multiply them). */
const MAX_TERM_SETS = 8;
const MAX_TERMS = 12;
const PLAIN = /^[a-z0-9]+$/;

/**
 * Words a full-text index (of the raw words, lower case) can be asked for to find every segment
 * the tracker may match: a list of word sets, each to be looked up as "all of these in one
 * segment", whose union covers every match. Only required words count, spelled as the transcript
 * spells them (not a canonical token a contraction or homophone produces, not a number or a
 * prefix); a group of variants branches into one set per variant. Null: some phrase has no such
 * word (or too many variants), so the index cannot narrow it and every transcript is a candidate.
 */
export function trackerIndexTerms(t: CompiledTracker): string[][] | null {
  const all: string[][] = [];
  for (const p of t.patterns) {
    let sets: string[][] = [[]];
    for (const el of p.elements) {
      if (el.optional) continue;
      const alts = el.alternatives.map((alt) => alt.filter((tok) => PLAIN.test(tok) && !REWRITTEN_TOKENS.has(tok)));
      if (alts.length === 1) {
        const only = alts[0] ?? [];
        sets = sets.map((s) => [...s, ...only]);
        continue;
      }
      // Variants: branch only when each one has a word to ask for and the lookups stay few.
      if (alts.some((a) => a.length === 0) || sets.length * alts.length > MAX_TERM_SETS) continue;
      sets = sets.flatMap((s) => alts.map((a) => [...s, ...a]));
    }
    for (const s of sets) {
      const words = [...new Set(s)].slice(0, MAX_TERMS);
      if (!words.length) return null;
      all.push(words);
    }
  }
  const seen = new Set<string>();
  return all.filter((s) => {
    const key = [...s].sort().join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
