/**
 * Readable transcript builders for specs.
 *
 *   aTranscript()
 *     .turn('agent', 'hi this is laura', { atMs: 0, msPerWord: 300 })
 *     .turn('customer', 'i only have fifteen minutes')      // starts 500 ms after the last turn
 *     .build();
 *
 * Words get evenly spaced times (msPerWord each, back to back). " // " inside a turn's text
 * inserts a pause (pauseMs, default 1000 ms) — long enough to split utterances.
 */
import type { Segment, Transcript, Word } from '@speech/contracts';

export interface TurnOptions {
  /** Absolute start; default: 500 ms after the previous turn ended. */
  atMs?: number;
  /** Duration of each word; default 300 ms (200 wpm). */
  msPerWord?: number;
  /** Pause inserted at each " // " marker; default 1000 ms. */
  pauseMs?: number;
  /** ASR confidence for every word; default 1. */
  confidence?: number;
}

export const DEFAULT_GAP_MS = 500;

export class TranscriptBuilder {
  private readonly segments: Segment[] = [];
  private cursorMs = 0;
  private durationMs: number | null = null;
  private speakers: string[] | null = null;

  constructor(private readonly audioId: string) {}

  turn(speaker: string, text: string, options: TurnOptions = {}): this {
    const msPerWord = options.msPerWord ?? 300;
    const pauseMs = options.pauseMs ?? 1000;
    let t = options.atMs ?? (this.segments.length === 0 ? 0 : this.cursorMs + DEFAULT_GAP_MS);
    const words: Word[] = [];
    for (const token of text
      .trim()
      .split(/\s+/)
      .filter((w) => w !== '')) {
      if (token === '//') {
        t += pauseMs;
        continue;
      }
      words.push({ text: token, startMs: t, endMs: t + msPerWord, confidence: options.confidence ?? 1 });
      t += msPerWord;
    }
    const first = words[0];
    const last = words[words.length - 1];
    if (first && last) {
      this.segments.push({
        speaker,
        startMs: first.startMs,
        endMs: last.endMs,
        text: words.map((w) => w.text).join(' '),
        words,
      });
      this.cursorMs = Math.max(this.cursorMs, last.endMs);
    }
    return this;
  }

  /** Total recording length; default: end of the last word. */
  lasting(durationMs: number): this {
    this.durationMs = durationMs;
    return this;
  }

  /** Declared speakers; default: those who spoke, in order of appearance. */
  withSpeakers(...speakers: string[]): this {
    this.speakers = speakers;
    return this;
  }

  build(): Transcript {
    const segments = [...this.segments].sort((a, b) => a.startMs - b.startMs);
    const speakers = this.speakers ?? [...new Set(segments.map((s) => s.speaker))];
    return {
      audioId: this.audioId,
      durationMs: this.durationMs ?? this.cursorMs,
      language: 'en',
      engine: 'test',
      speakers,
      segments,
      text: segments.map((s) => `${s.speaker}: ${s.text}`).join('\n'),
    };
  }
}

export function aTranscript(audioId = 'test-audio'): TranscriptBuilder {
  return new TranscriptBuilder(audioId);
}

/**
 * A transcript from a fixture dialogue ("A|text" agent, "C|text" customer, one turn per
 * line), shaped like pocketsphinx output: lowercase, punctuation stripped, turns back to
 * back with 500 ms gaps. `mono` labels every turn "speaker", like a one-channel recording.
 */
export function transcriptFromDialogue(
  dialogue: string,
  options: { audioId?: string; msPerWord?: number; mono?: boolean } = {},
): Transcript {
  const builder = aTranscript(options.audioId ?? 'dialogue');
  for (const line of dialogue.split('\n')) {
    const m = /^([AC])\|(.*)$/.exec(line.trim());
    if (!m || m[1] === undefined || m[2] === undefined) continue;
    const speaker = options.mono ? 'speaker' : m[1] === 'A' ? 'agent' : 'customer';
    const text = m[2].toLowerCase().replace(/[^a-z0-9'\s]+/g, ' ');
    builder.turn(speaker, text, { msPerWord: options.msPerWord ?? 330 });
  }
  return builder.build();
}
