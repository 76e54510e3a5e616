import { escapeHtml } from '@speech/kernel';
import { SearchQueryError } from './search-index.port';

/** Longest query text accepted, and most words in it: a search is a few words, not a document. */
export const MAX_QUERY_CHARS = 200;
export const MAX_QUERY_TERMS = 12;

/**
 * A word as both adapters index it: Unicode letters and digits, lower case, without diacritics
 * (SQLite's unicode61 tokenizer with remove_diacritics 2 does the same).
 */
export function normaliseWord(word: string): string {
  return word
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase();
}

const WORD = /[\p{L}\p{N}]+/gu;

/** The words of a text, normalised, in order (the text normalised once, then split: the fast way). */
export function wordsOf(text: string): string[] {
  const lower = text.toLowerCase();
  const plain = /[\u0080-\uffff]/.test(lower) ? lower.normalize('NFKD').replace(/\p{M}+/gu, '') : lower;
  return plain.split(NOT_WORD).filter(Boolean);
}

const NOT_WORD = /[^\p{L}\p{N}]+/u;

/**
 * A query text as clauses, all of which must match: a bare word is a one-word clause, a
 * "quoted phrase" one clause of its words in that order.
 */
export function parseSearchText(text: string): string[][] {
  if (text.length > MAX_QUERY_CHARS) throw new SearchQueryError(`q is longer than ${MAX_QUERY_CHARS} characters`);
  const clauses: string[][] = [];
  const parts = text.split('"');
  parts.forEach((part, i) => {
    const words = wordsOf(part);
    if (i % 2 === 1 && i < parts.length - 1) {
      if (words.length) clauses.push(words); // a closed quote: one phrase
    } else {
      for (const w of words) clauses.push([w]);
    }
  });
  if (!clauses.length) throw new SearchQueryError('q has no word to search for');
  if (clauses.flat().length > MAX_QUERY_TERMS) throw new SearchQueryError(`q has more than ${MAX_QUERY_TERMS} words`);
  return clauses;
}

/** Marks the adapters put around a match before escaping (private-use characters: never in a transcript). */
export const MARK_OPEN = '\uE000';
export const MARK_CLOSE = '\uE001';

/** A snippet with its matches between MARK_OPEN/MARK_CLOSE, as HTML: escaped, matches in <mark>. */
export function markedSnippet(raw: string): string {
  return escapeHtml(raw.replace(/[\uE000\uE001]/g, (c) => (c === MARK_OPEN ? '\u0001' : '\u0002')))
    .replaceAll('\u0001', '<mark>')
    .replaceAll('\u0002', '</mark>');
}

/**
 * A snippet of `text` around the first matched word: `words` of context either side, each word
 * whose normalised form is in `terms` marked. (The FTS5 adapter has SQLite's snippet() instead.)
 */
export function snippetOf(text: string, terms: Set<string>, context = 8): string {
  const tokens = Array.from(text.matchAll(WORD));
  const first = tokens.findIndex((m) => terms.has(normaliseWord(m[0])));
  const from = Math.max(0, (first < 0 ? 0 : first) - context);
  const to = Math.min(tokens.length, (first < 0 ? 0 : first) + context + 1);
  if (!tokens.length) return escapeHtml(text);
  const start = from === 0 ? 0 : (tokens[from]?.index ?? 0);
  const endTok = tokens[to - 1];
  const end = to >= tokens.length ? text.length : (endTok?.index ?? 0) + (endTok?.[0].length ?? 0);
  let out = '';
  let at = start;
  for (let i = from; i < to; i++) {
    const m = tokens[i];
    if (!m || m.index === undefined) continue;
    out += text.slice(at, m.index);
    out += terms.has(normaliseWord(m[0])) ? `${MARK_OPEN}${m[0]}${MARK_CLOSE}` : m[0];
    at = m.index + m[0].length;
  }
  out += text.slice(at, end);
  return markedSnippet(`${from > 0 ? '…' : ''}${out}${end < text.length ? '…' : ''}`);
}

/** Opaque page cursors: base64url JSON, checked on the way back. */
export function encodeSearchCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export function decodeSearchCursor(cursor: string): unknown {
  try {
    return JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
  } catch {
    throw new SearchQueryError('cursor is not one this search gave');
  }
}

/** Matches ranked by relevance among at most this many, the newest (after filters). */
export const RELEVANCE_WINDOW = 500;

/**
 * BM25's term-frequency part for each text (k1 1.2, b 0.75, lengths against the texts' mean):
 * every text holds every term already (the match is an AND), so what ranks them is how often they
 * say the terms for their length. The terms' weights across the whole index are left out.
 */
export function relevanceScores(texts: string[], terms: string[]): number[] {
  const k1 = 1.2;
  const b = 0.75;
  const docs = texts.map(wordsOf);
  const mean = docs.reduce((s, d) => s + d.length, 0) / Math.max(1, docs.length) || 1;
  const wanted = new Set(terms);
  return docs.map((words) => {
    const tf = new Map<string, number>();
    for (const w of words) if (wanted.has(w)) tf.set(w, (tf.get(w) ?? 0) + 1);
    let score = 0;
    for (const f of tf.values()) score += (f * (k1 + 1)) / (f + k1 * (1 - b + (b * words.length) / mean));
    return score;
  });
}
