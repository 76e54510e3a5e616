import type { ChunkCreatedPayload } from './generated/events.generated';
/**
 * The transcript vocabulary shared by stt-worker, merger, analyzer and query.
 * All times are integer milliseconds. In a ChunkTranscript they are relative to
 * the chunk start; in a Transcript they are absolute (from the recording start).
 */
export interface Word {
  text: string;
  startMs: number;
  endMs: number;
  /** 0..1; engines that give no confidence report 1. */
  confidence: number;
}

/** Speaker label. Stereo calls: channel 0 (left) = "agent", channel 1 (right) = "customer". */
export type Speaker = string;

export interface ChunkTranscript {
  audioId: string;
  chunkId: string;
  index: number;
  channel: number;
  speaker: Speaker;
  /** Where the chunk starts in the recording. */
  offsetMs: number;
  durationMs: number;
  engine: string;
  language: string;
  /** Times relative to the chunk start. */
  words: Word[];
  /**
   * Mono chunks only: each utterance's voice features (cepstral statistics, libs/audio
   * voice-features), from which the merger tells the two speakers apart. Absent on stereo chunks
   * and on transcripts written before it existed.
   */
  voice?: { startMs: number; endMs: number; features: number[] }[];
}

export interface Segment {
  startMs: number;
  endMs: number;
  speaker: Speaker;
  text: string;
  /** Absolute times. */
  words: Word[];
}

export interface Transcript {
  audioId: string;
  durationMs: number;
  language: string;
  engine: string;
  speakers: Speaker[];
  /** Time-ordered; a segment is one speaker's turn. */
  segments: Segment[];
  /** Plain text: one "speaker: text" line per segment. */
  text: string;
  /**
   * Present when the merger redacted PII (REDACT_PII=true): PII spans were replaced by
   * placeholders ([CARD], [SSN], [ACCOUNT], [PHONE], [EMAIL], [NAME], [ADDRESS]) before the
   * transcript was stored; counts per kind (libs/redaction PiiKind). Absent on transcripts stored
   * unredacted or before it existed.
   */
  redaction?: { applied: boolean; counts: Record<string, number> };
}

export const SPEAKER_BY_CHANNEL: readonly Speaker[] = ['agent', 'customer'];
export const MONO_SPEAKER: Speaker = 'speaker';

/**
 * A chunk of a recording as every service keeps it: where it sits in the recording and where
 * its audio is (chunk.created's payload, without the id, which is each record's `_id`).
 */
export type ChunkRef = Omit<ChunkCreatedPayload, 'chunkId'>;

/** Where a chunk sits in its recording: the fields every chunk event carries again. */
export function chunkPlace(c: ChunkRef): Omit<ChunkRef, 'objectKey'> {
  return { index: c.index, channel: c.channel, speaker: c.speaker, startMs: c.startMs, endMs: c.endMs };
}
