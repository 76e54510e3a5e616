/**
 * The transcript as timestamped lines, cut into windows under a token budget for the map
 * step. Tokens are estimated as characters / 4 (English prose with OpenAI tokenizers is
 * ~4 characters per token; no tokenizer dependency, and the budget has headroom anyway).
 */
import type { Transcript } from '@speech/contracts';
import { UTTERANCE_PAUSE_MS } from '@speech/analysis';

export const CHARS_PER_TOKEN = 4;

export function estimateTokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

export interface TranscriptLine {
  speaker: string;
  startMs: number;
  endMs: number;
  text: string;
  /** Global word indices [wordFrom, wordTo) (segments' words numbered in order). */
  wordFrom: number;
  wordTo: number;
}

export interface TranscriptWindow {
  index: number;
  lines: TranscriptLine[];
  /** The rendered lines, as sent to the model. */
  text: string;
  startMs: number;
  endMs: number;
  wordFrom: number;
  wordTo: number;
}

/** `[startMs-endMs] speaker: words` — times the model copies into its findings. */
export function renderLine(l: TranscriptLine): string {
  return `[${l.startMs}-${l.endMs}] ${l.speaker}: ${l.text}`;
}

/**
 * One line per utterance: a segment split at pauses longer than UTTERANCE_PAUSE_MS, and at
 * `maxLineChars` so that no line alone exceeds a window.
 */
export function transcriptLines(transcript: Transcript, maxLineChars = 400): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  let g = 0;
  for (const segment of transcript.segments) {
    let cur: (TranscriptLine & { parts: string[]; chars: number }) | null = null;
    const flush = (): void => {
      if (!cur) return;
      const c: TranscriptLine & { parts: string[] } = cur;
      lines.push({
        speaker: c.speaker,
        startMs: c.startMs,
        endMs: c.endMs,
        text: c.parts.join(' '),
        wordFrom: c.wordFrom,
        wordTo: c.wordTo,
      });
      cur = null;
    };
    let prevEnd = -Infinity;
    for (const w of segment.words) {
      const word = w.text.trim();
      if (cur && (w.startMs - prevEnd > UTTERANCE_PAUSE_MS || cur.chars + 1 + word.length > maxLineChars)) flush();
      if (word !== '') {
        if (!cur) {
          cur = {
            speaker: segment.speaker,
            startMs: Math.round(w.startMs),
            endMs: Math.round(w.endMs),
            text: '',
            wordFrom: g,
            wordTo: g + 1,
            parts: [word],
            chars: word.length,
          };
        } else {
          cur.parts.push(word);
          cur.chars += word.length + 1;
          cur.endMs = Math.max(cur.endMs, Math.round(w.endMs));
          cur.wordTo = g + 1;
        }
      }
      prevEnd = Math.max(prevEnd, w.endMs);
      g++;
    }
    flush();
  }
  return lines;
}

/** Consecutive lines, each window's rendered text at most `budgetTokens` (estimated). */
export function windowsOf(lines: readonly TranscriptLine[], budgetTokens: number): TranscriptWindow[] {
  const budgetChars = Math.max(1, budgetTokens) * CHARS_PER_TOKEN;
  const windows: TranscriptWindow[] = [];
  let current: { lines: TranscriptLine[]; rendered: string[]; chars: number } | null = null;
  const flush = (): void => {
    if (!current || current.lines.length === 0) return;
    const first = current.lines[0] as TranscriptLine;
    const last = current.lines[current.lines.length - 1] as TranscriptLine;
    windows.push({
      index: windows.length,
      lines: current.lines,
      text: current.rendered.join('\n'),
      startMs: first.startMs,
      endMs: current.lines.reduce((m, l) => Math.max(m, l.endMs), 0),
      wordFrom: first.wordFrom,
      wordTo: last.wordTo,
    });
    current = null;
  };
  for (const line of lines) {
    const r = renderLine(line);
    const add = r.length + (current && current.lines.length ? 1 : 0);
    if (current && current.chars + add > budgetChars) flush();
    if (!current) current = { lines: [], rendered: [], chars: 0 };
    current.chars += current.lines.length ? r.length + 1 : r.length;
    current.lines.push(line);
    current.rendered.push(r);
  }
  flush();
  return windows;
}

/** Longest line that still fits a window with room for a few more (prefix included). */
export function maxLineCharsFor(budgetTokens: number): number {
  return Math.max(40, Math.min(400, Math.floor((budgetTokens * CHARS_PER_TOKEN) / 3)));
}
