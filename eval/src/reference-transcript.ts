/**
 * A reference transcript of a labelled call: the dialogue as a perfect engine would return it,
 * with word times close to what the Festival audio has, so the analyst's time-based rules
 * (monologues, pace, closing remarks, "the last third of the call") see realistic numbers.
 *
 * Two styles, because the analyst must cope with both engines the platform ships:
 *  - `cased`: Whisper-like words with their case and punctuation ("Hi,", "Daniel.");
 *  - `lower`: pocketsphinx-like words, lower case, no punctuation.
 *
 * Times: each word lasts 115 ms plus 160 ms per syllable (about 160 words a minute, the
 * rate of the Festival voices), a comma adds 250 ms and a sentence end 450 ms of silence, and
 * turns follow each other 500 ms apart (scripts/make-call.sh pads every turn with 0.5 s).
 */
import type { Segment, Transcript, Word } from '@speech/contracts';
import type { DialogueLine, EvalCall } from './eval-set';

export type TranscriptStyle = 'cased' | 'lower';
export const TRANSCRIPT_STYLES: readonly TranscriptStyle[] = ['cased', 'lower'];

const TURN_GAP_MS = 500;
const COMMA_MS = 250;
const SENTENCE_MS = 450;

export function syllables(word: string): number {
  const w = word.toLowerCase().replace(/[^\p{L}]/gu, '');
  if (w === '') return 1;
  const groups = w.match(/[aeiouyáéíóúü]+/g)?.length ?? 1;
  const silentE = w.length > 3 && w.endsWith('e') && !/[aeiouy]le$/.test(w) ? 1 : 0;
  return Math.max(1, groups - silentE);
}

export function wordDurationMs(word: string): number {
  return 115 + 160 * syllables(word);
}

function styled(raw: string, style: TranscriptStyle): string {
  if (style === 'cased') return raw;
  return raw
    .toLowerCase()
    .replace(/[^\p{L}\p{N}']+/gu, '')
    .replace(/^'+|'+$/g, '');
}

export interface LineSpan {
  line: number;
  startMs: number;
  endMs: number;
}

export interface ReferenceTranscript {
  transcript: Transcript;
  /** Where each dialogue line lies in the transcript. */
  spans: LineSpan[];
}

export function referenceTranscript(call: EvalCall, style: TranscriptStyle): ReferenceTranscript {
  return transcriptOfLines(call.lines, {
    audioId: `${call.id}-${style}`,
    language: call.truth.language,
    style,
  });
}

export function transcriptOfLines(
  lines: readonly DialogueLine[],
  opts: { audioId: string; language: string; style: TranscriptStyle },
): ReferenceTranscript {
  const segments: Segment[] = [];
  const spans: LineSpan[] = [];
  let t = 0;
  for (const l of lines) {
    const words: Word[] = [];
    for (const raw of l.text.split(/\s+/).filter((w) => w !== '')) {
      const text = styled(raw, opts.style);
      const duration = wordDurationMs(raw);
      if (text !== '') words.push({ text, startMs: t, endMs: t + duration, confidence: 1 });
      t += duration;
      if (/[.!?]["')]*$/.test(raw)) t += SENTENCE_MS;
      else if (/[,;:]$/.test(raw)) t += COMMA_MS;
    }
    const first = words[0];
    const last = words[words.length - 1];
    if (first && last) {
      segments.push({
        speaker: l.speaker,
        startMs: first.startMs,
        endMs: last.endMs,
        text: words.map((w) => w.text).join(' '),
        words,
      });
      spans.push({ line: l.line, startMs: first.startMs, endMs: last.endMs });
      t = last.endMs + TURN_GAP_MS;
    }
  }
  const transcript: Transcript = {
    audioId: opts.audioId,
    durationMs: t,
    language: opts.language,
    engine: `reference-${opts.style}`,
    speakers: ['agent', 'customer'],
    segments,
    text: segments.map((s) => `${s.speaker}: ${s.text}`).join('\n'),
  };
  return { transcript, spans };
}

/**
 * The dialogue line a time belongs to: the line whose span holds it, else the nearest one
 * (a time in the gap between two turns goes to the closer turn).
 */
export function lineAt(spans: readonly LineSpan[], ms: number): number {
  let best: LineSpan | null = null;
  let bestDistance = Infinity;
  for (const s of spans) {
    const d = ms < s.startMs ? s.startMs - ms : ms > s.endMs ? ms - s.endMs : 0;
    if (d < bestDistance) {
      best = s;
      bestDistance = d;
    }
  }
  return best?.line ?? 0;
}
