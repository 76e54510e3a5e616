/**
 * What cloud adapters return beyond the SpeechToText port: optional segments (the engine's
 * phrases, with the speaker the engine heard when it diarized) and a per-call diarization
 * switch. Both extend the port's types, so every adapter still is a plain SpeechToText.
 */
import type { Word } from '@speech/contracts';
import type { TranscribeInput, TranscribeResult } from './speech-to-text.port';

export interface SttSegment {
  /** Relative to the chunk start, integer ms (like the words). */
  startMs: number;
  endMs: number;
  text: string;
  /**
   * The engine's speaker label ("Guest-1") when it diarized, else null. Labels are per chunk:
   * the same person may get another label in the next chunk.
   */
  speaker: string | null;
}

export interface CloudTranscribeInput extends TranscribeInput {
  /**
   * Separate speakers inside this chunk (mono recordings). Default: the adapter's setting.
   * The stt-worker knows a chunk is mono from its speaker label (contracts MONO_SPEAKER).
   */
  diarize?: boolean;
}

export interface CloudTranscribeResult extends TranscribeResult {
  segments?: SttSegment[];
}

/** Integer, non-negative, ordered word times (the contract the merger relies on). */
export function normaliseWords(words: Word[]): Word[] {
  return words
    .filter((w) => w.text.trim() !== '' && Number.isFinite(w.startMs) && Number.isFinite(w.endMs))
    .map((w) => {
      const startMs = Math.max(0, Math.round(w.startMs));
      const endMs = Math.max(startMs, Math.round(w.endMs));
      const confidence = Number.isFinite(w.confidence)
        ? Math.min(1, Math.max(0, Math.round(w.confidence * 1e4) / 1e4))
        : 1;
      return { text: w.text.trim(), startMs, endMs, confidence };
    })
    .sort((a, b) => a.startMs - b.startMs);
}
