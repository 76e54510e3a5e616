/**
 * A tiny phrase-pattern language for matching noisy ASR token streams.
 *
 *   "price is (almost|nearly)? (double|to high)"
 *
 * - words are matched after the same canonicalisation as the transcript (see tokens.ts),
 *   so patterns may be written with contractions ("don't") or homophones ("too");
 * - `(a|b c)` is a group of alternatives, each one or more words; `?` after a word or
 *   group makes it optional;
 * - `#num` matches a number word ("fifteen", "couple", "30"); `word*` matches a prefix;
 * - up to `maxSlack` extra words (default 2) may appear between pattern elements in
 *   total, because recognisers insert words ("price is uh almost double") and
 *   speakers add fillers. Slack is never allowed before the first element. A pattern
 *   starting with `=` allows no slack, for short phrases where extra words change the
 *   meaning ("not now" vs "not sure right now").
 */
import { isNumberToken, tokenizeText } from './tokens';

interface Element {
  alternatives: string[][];
  optional: boolean;
}

export interface CompiledPattern {
  source: string;
  elements: Element[];
  maxSlack: number;
  /** Tokens a match can start with, or null when any can (a number or prefix comes first). */
  firstTokens: ReadonlySet<string> | null;
}

/** Where a match may start: the first tokens of the leading elements up to the first required one. */
function firstTokensOf(elements: readonly Element[]): Set<string> | null {
  const out = new Set<string>();
  for (const e of elements) {
    for (const alt of e.alternatives) {
      const t = alt[0];
      if (t === undefined || t === '#num' || t.endsWith('*')) return null;
      out.add(t);
    }
    if (!e.optional) return out;
  }
  return out;
}

export interface PhraseMatch {
  /** Token index of the first matched token. */
  start: number;
  /** Token index one past the last matched token. */
  end: number;
  /** Extra words skipped inside the match. */
  slack: number;
}

export const DEFAULT_MAX_SLACK = 2;

function tokensOf(text: string): string[] {
  // Keep pattern operators intact while canonicalising the words themselves.
  return text
    .trim()
    .split(/\s+/)
    .flatMap((w) => (w === '#num' ? [w] : w.endsWith('*') ? [w] : tokenizeText(w)));
}

export function compilePattern(source: string): CompiledPattern {
  const elements: Element[] = [];
  const exact = source.trimStart().startsWith('=');
  const body = exact ? source.trimStart().slice(1) : source;
  const re = /\(([^()]*)\)(\?)?|([^\s()]+)/g;
  for (const m of body.matchAll(re)) {
    if (m[1] !== undefined) {
      const alternatives = m[1]
        .split('|')
        .map(tokensOf)
        .filter((a) => a.length > 0);
      elements.push({ alternatives, optional: m[2] === '?' });
    } else if (m[3] !== undefined) {
      const optional = m[3].endsWith('?') && m[3].length > 1;
      const word = optional ? m[3].slice(0, -1) : m[3];
      // A single source word can expand to several tokens ("don't" -> do not).
      elements.push({ alternatives: [tokensOf(word)], optional });
    }
  }
  if (elements.length === 0 || elements.every((e) => e.optional)) {
    throw new Error(`Pattern needs at least one required element: "${source}"`);
  }
  return { source, elements, maxSlack: exact ? 0 : DEFAULT_MAX_SLACK, firstTokens: firstTokensOf(elements) };
}

function tokenMatches(patternToken: string, token: string): boolean {
  if (patternToken === '#num') return isNumberToken(token);
  if (patternToken.endsWith('*')) return token.startsWith(patternToken.slice(0, -1));
  return patternToken === token;
}

function alternativeMatchesAt(alt: readonly string[], tokens: readonly string[], pos: number): boolean {
  if (pos + alt.length > tokens.length) return false;
  return alt.every((p, k) => tokenMatches(p, tokens[pos + k] ?? ''));
}

/** The lengths a spoken number starting at pos may have: 1, and every longer run of number words ("and" inside). */
function numberRunLengths(tokens: readonly string[], pos: number): number[] {
  const lengths = [1];
  let end = pos + 1;
  for (;;) {
    if (isNumberToken(tokens[end] ?? '')) end += 1;
    else if (tokens[end] === 'and' && isNumberToken(tokens[end + 1] ?? '')) end += 2;
    else break;
    lengths.push(end - pos);
  }
  return lengths;
}

/** Best (least slack, then shortest) match of elements[el..] starting at pos, or null. */
function matchRest(
  elements: readonly Element[],
  el: number,
  tokens: readonly string[],
  pos: number,
  slackLeft: number,
  started: boolean,
): { end: number; slack: number } | null {
  if (el === elements.length) return { end: pos, slack: 0 };
  const element = elements[el];
  if (!element) return null;
  let best: { end: number; slack: number } | null = null;
  const consider = (candidate: { end: number; slack: number } | null): void => {
    if (!candidate) return;
    if (!best || candidate.slack < best.slack || (candidate.slack === best.slack && candidate.end < best.end)) {
      best = candidate;
    }
  };
  const maxSkip = started ? slackLeft : 0;
  for (let skip = 0; skip <= maxSkip; skip++) {
    for (const alt of element.alternatives) {
      if (alternativeMatchesAt(alt, tokens, pos + skip)) {
        // `#num` takes a whole spoken number ("seventy five thousand", "six hundred and twelve").
        const lengths = alt.length === 1 && alt[0] === '#num' ? numberRunLengths(tokens, pos + skip) : [alt.length];
        for (const len of lengths) {
          const rest = matchRest(elements, el + 1, tokens, pos + skip + len, slackLeft - skip, true);
          if (rest) consider({ end: rest.end, slack: rest.slack + skip });
        }
      }
    }
  }
  if (element.optional) consider(matchRest(elements, el + 1, tokens, pos, slackLeft, started));
  return best;
}

/** All non-overlapping matches, leftmost first. */
export function findPhrase(
  pattern: CompiledPattern,
  tokens: readonly string[],
  maxSlack = pattern.maxSlack,
): PhraseMatch[] {
  const matches: PhraseMatch[] = [];
  let start = 0;
  const first = pattern.firstTokens;
  while (start < tokens.length) {
    // Most positions cannot start a match at all: skip them without the search.
    if (first !== null && !first.has(tokens[start] as string)) {
      start++;
      continue;
    }
    const m = matchRest(pattern.elements, 0, tokens, start, maxSlack, false);
    // A leading optional element that was skipped must not make the match start earlier
    // than its first real token; matchRest never consumes tokens it did not match, so
    // `start` is the first matched token only if something matched exactly here.
    if (m && m.end > start && firstElementMatchesAt(pattern, tokens, start)) {
      matches.push({ start, end: m.end, slack: m.slack });
      start = m.end;
    } else {
      start++;
    }
  }
  return matches;
}

/** True if some element (the first required one or an optional one before it) starts at pos. */
function firstElementMatchesAt(pattern: CompiledPattern, tokens: readonly string[], pos: number): boolean {
  for (const element of pattern.elements) {
    if (element.alternatives.some((alt) => alternativeMatchesAt(alt, tokens, pos))) return true;
    if (!element.optional) return false;
  }
  return false;
}

/** Convenience: does any of the patterns occur in the tokens? */
export function containsAny(patterns: readonly CompiledPattern[], tokens: readonly string[]): boolean {
  return patterns.some((p) => findPhrase(p, tokens).length > 0);
}
