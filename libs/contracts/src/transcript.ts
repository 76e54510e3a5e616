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
  /** True when the owner corrected this segment's text (transcript corrections); absent otherwise. */
  edited?: boolean;
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
  /**
   * The names the owner gave the speakers (transcript corrections), by label: segments keep their
   * labels (`agent`, `customer`: the analysis tells the roles by them), exports and `text` show
   * the names. Absent on the original transcript and when no speaker was named.
   */
  speakerNames?: Record<string, string>;
  /** The correction revision applied (transcript corrections); absent on the original transcript. */
  correctionRevision?: number;
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

/**
 * The owner's corrections of one recording's transcript (issue #14), as the gateway keeps them
 * and `transcript.corrected` carries them: the whole current set and its revision. The merged
 * transcript is never changed; readers apply the set (libs/transcript `applyCorrections`).
 */
export interface TranscriptCorrections {
  /** Bumped by every accepted change; 0: none yet. */
  revision: number;
  /** Display names by speaker label (the label after a swap). */
  speakers: { label: string; name: string }[];
  /** True: `agent` and `customer` are swapped (the channels, or a mono call's two voices, were the other way round). */
  swapChannels: boolean;
  /** Corrected texts by segment index (in the merged transcript), ascending; the times are kept. */
  segments: { index: number; text: string }[];
}

export const NO_CORRECTIONS: TranscriptCorrections = { revision: 0, speakers: [], swapChannels: false, segments: [] };

/**
 * Bounds of a correction set. The whole set travels in one event (a Kafka message is at most
 * 1 MB by default), so the edited texts together are bounded too.
 */
export const CORRECTION_LIMITS = {
  name: 120,
  segmentText: 4_000,
  /** Edited segments in one request. */
  segmentsPerChange: 500,
  /** Characters of every edited segment together, in the set. */
  totalText: 250_000,
} as const;

/** One revision of a recording's corrections, as `GET /audios/:id/transcript/corrections` lists it. */
export interface CorrectionVersion {
  revision: number;
  /** When the gateway accepted it (ms since the epoch). */
  changedAt: number;
  /** What it changed, in words. */
  changes: string[];
}

export interface CorrectionsView {
  audioId: string;
  /** The newest revision the read model has; 0: none. */
  revision: number;
  corrections: TranscriptCorrections;
  /** Every revision, newest first. */
  versions: CorrectionVersion[];
}
