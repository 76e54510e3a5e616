/**
 * Evidence checking: a quote a model cites must occur in the transcript. Both sides are
 * normalised (Unicode compatibility form, diacritics, case, punctuation and whitespace), and
 * the match is on whole tokens inside one segment (one speaker's turn), so "Price is too high!"
 * matches "price is too high" but not "the price is too higher" or words across two turns.
 *
 * A match also fixes the finding: its times, speaker and quote come from the transcript's own
 * words, not from the model, so what reaches the dashboard is exactly what was said, when.
 */
import type { Transcript } from '@speech/contracts';

const PLAIN = /^[a-z0-9]+$/;

export function normalizeForEvidence(s: string): string {
  if (PLAIN.test(s)) return s; // most ASR words: nothing to normalise
  return s
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

export interface EvidenceMatch {
  /** The transcript's words, verbatim. */
  quote: string;
  startMs: number;
  endMs: number;
  speaker: string;
  /** Global word indices [wordFrom, wordTo). */
  wordFrom: number;
  wordTo: number;
}

export interface FindOptions {
  /** Prefer the occurrence starting closest to this time (the model's claim). */
  nearMs?: number;
  /** Search only these global words [from, to), e.g. the map window the model saw. */
  within?: { from: number; to: number };
}

/** Occurrences examined per quote; a quote that common is weak evidence anyway. */
const MAX_OCCURRENCES = 2000;

/**
 * The transcript as one normalised token string (" tok tok … \n tok … ", a "\n" between
 * segments), with each token's character offset and the word it came from. Built once per
 * analysis; a 100-hour call (~1M words) takes a few MB.
 */
export class TranscriptIndex {
  readonly text: string;
  readonly wordCount: number;
  private readonly tokenStart: Int32Array;
  private readonly tokenWord: Int32Array;
  /** First token of each word, or the next word's first token when a word has none. */
  private readonly wordToken: Int32Array;
  private readonly wordText: string[] = [];
  private readonly wordStartMs: Float64Array;
  private readonly wordEndMs: Float64Array;
  private readonly wordSegment: Int32Array;
  private readonly speakers: string[];

  constructor(transcript: Transcript) {
    const words = transcript.segments.flatMap((s) => s.words);
    this.wordCount = words.length;
    this.speakers = transcript.segments.map((s) => s.speaker);
    this.wordStartMs = new Float64Array(words.length);
    this.wordEndMs = new Float64Array(words.length);
    this.wordSegment = new Int32Array(words.length);
    this.wordToken = new Int32Array(words.length + 1);
    const starts: number[] = [];
    const owners: number[] = [];
    const parts: string[] = [' '];
    let offset = 1;
    let g = 0;
    transcript.segments.forEach((segment, si) => {
      for (const w of segment.words) {
        this.wordText.push(w.text);
        this.wordStartMs[g] = w.startMs;
        this.wordEndMs[g] = w.endMs;
        this.wordSegment[g] = si;
        this.wordToken[g] = starts.length;
        const norm = normalizeForEvidence(w.text);
        if (norm) {
          for (const tok of norm.split(' ')) {
            starts.push(offset);
            owners.push(g);
            parts.push(tok, ' ');
            offset += tok.length + 1;
          }
        }
        g++;
      }
      parts.push('\n ');
      offset += 2;
    });
    this.wordToken[g] = starts.length;
    this.text = parts.join('');
    this.tokenStart = Int32Array.from(starts);
    this.tokenWord = Int32Array.from(owners);
  }

  /** Character range of the tokens of words [from, to). */
  charRange(from: number, to: number): { from: number; to: number } {
    const t0 = this.wordToken[Math.max(0, Math.min(from, this.wordCount))] ?? 0;
    const t1 = this.wordToken[Math.max(0, Math.min(to, this.wordCount))] ?? this.tokenStart.length;
    const start = t0 < this.tokenStart.length ? (this.tokenStart[t0] ?? this.text.length) - 1 : this.text.length;
    const end = t1 < this.tokenStart.length ? (this.tokenStart[t1] ?? this.text.length) : this.text.length;
    return { from: Math.max(0, start), to: end };
  }

  /** Where the quote occurs (the occurrence closest to nearMs), or null. */
  find(quote: string, opts: FindOptions = {}): EvidenceMatch | null {
    const q = normalizeForEvidence(quote);
    if (!q) return null;
    const needle = ` ${q} `;
    const search = (from: number, to: number): EvidenceMatch | null => {
      let best: EvidenceMatch | null = null;
      let seen = 0;
      for (
        let i = this.text.indexOf(needle, from);
        i >= 0 && i + needle.length <= to + 1 && seen < MAX_OCCURRENCES;
        i = this.text.indexOf(needle, i + 1)
      ) {
        seen++;
        const m = this.matchAt(i + 1, q.split(' ').length);
        if (!m) continue;
        if (opts.nearMs === undefined) return m;
        if (!best || Math.abs(m.startMs - opts.nearMs) < Math.abs(best.startMs - opts.nearMs)) best = m;
      }
      return best;
    };
    if (opts.within) {
      const r = this.charRange(opts.within.from, opts.within.to);
      return search(r.from, r.to);
    }
    return search(0, this.text.length);
  }

  private matchAt(charOffset: number, tokenCount: number): EvidenceMatch | null {
    // Binary search for the token starting at charOffset.
    let lo = 0;
    let hi = this.tokenStart.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const v = this.tokenStart[mid] as number;
      if (v === charOffset) {
        lo = mid;
        hi = -2;
        break;
      }
      if (v < charOffset) lo = mid + 1;
      else hi = mid - 1;
    }
    if (hi !== -2) return null;
    const first = this.tokenWord[lo] as number;
    const last = this.tokenWord[lo + tokenCount - 1];
    if (last === undefined) return null;
    const seg = this.wordSegment[first] as number;
    if (this.wordSegment[last] !== seg) return null;
    return {
      quote: this.wordText.slice(first, last + 1).join(' '),
      startMs: Math.round(this.wordStartMs[first] as number),
      endMs: Math.round(Math.max(this.wordStartMs[first] as number, this.wordEndMs[last] as number)),
      speaker: this.speakers[seg] ?? '',
      wordFrom: first,
      wordTo: last + 1,
    };
  }
}
