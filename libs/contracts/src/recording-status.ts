/**
 * A recording's status is derived from facts, never stored as a mutable step, so events
 * arriving late, twice or out of order across topics can never move it backwards
 * (docs/ARCHITECTURE.md, "Services", status of a recording).
 */
export const RECORDING_STATUSES = [
  'uploading',
  'uploaded',
  'chunking',
  'ready',
  'transcribing',
  'cancelled',
  'transcribed',
  'analyzing',
  'analyzed',
  'failed',
] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

export interface Failure {
  code: string;
  reason: string;
  at: number;
}

/** Facts the read model accumulates from events; every field is set-once or monotonic. */
export interface RecordingFacts {
  uploadedAt?: number;
  chunksCreated: number;
  chunkCount?: number;
  chunkingFailed?: Failure;
  transcriptionRequestedAt?: number;
  /**
   * The latest cancelled request's time (transcription.cancelled names the request it cancels, and
   * its occurredAt): cancelled while no later request exists, whatever order the two arrive in.
   */
  transcriptionCancelledFor?: number;
  /** When the latest cancellation was made. */
  transcriptionCancelledAt?: number;
  chunksTranscribed: number;
  failedChunks: string[];
  transcriptionFailed?: Failure;
  transcriptCompletedAt?: number;
  analysisRequestedAt?: number;
  analysisCompletedAt?: number;
  analysisFailed?: Failure;
  /** A message about this recording that a service gave up on (a dead letter). */
  deadLettered?: Failure;
}

export interface DerivedState {
  status: RecordingStatus;
  failure: Failure | null;
  progress: { done: number; total: number } | null;
}

export function deriveState(f: RecordingFacts): DerivedState {
  const total = f.chunkCount ?? 0;
  const progress = { done: Math.min(f.chunksTranscribed, total || f.chunksTranscribed), total };
  if (f.uploadedAt === undefined) return { status: 'uploading', failure: null, progress: null };
  if (f.chunkingFailed) return { status: 'failed', failure: f.chunkingFailed, progress: null };
  const dl = f.deadLettered;
  if (dl) {
    // A poison message shows as a failure with its reason instead of a stuck status,
    // until something newer (a user's retry, a finished step) supersedes it.
    const newer = Math.max(
      f.transcriptionRequestedAt ?? 0,
      f.transcriptCompletedAt ?? 0,
      f.analysisRequestedAt ?? 0,
      f.analysisCompletedAt ?? 0,
    );
    if (newer <= dl.at)
      return { status: 'failed', failure: dl, progress: f.chunkCount === undefined ? null : progress };
  }
  if (f.chunkCount === undefined) {
    return { status: f.chunksCreated > 0 ? 'chunking' : 'uploaded', failure: null, progress: null };
  }
  if (f.transcriptCompletedAt !== undefined) {
    // The merger completes a transcript only once every chunk is transcribed. The query's own
    // chunk.transcribed count may still lag (another topic, read by another consumer: after a
    // broker restart it caught up seconds later), so a finished transcript shows every chunk done.
    const progress = { done: total, total };
    const req = f.analysisRequestedAt;
    if (req === undefined) return { status: 'transcribed', failure: null, progress };
    if (
      f.analysisFailed &&
      f.analysisFailed.at >= req &&
      !(f.analysisCompletedAt && f.analysisCompletedAt > f.analysisFailed.at)
    ) {
      return { status: 'failed', failure: f.analysisFailed, progress };
    }
    if (f.analysisCompletedAt !== undefined && f.analysisCompletedAt >= req) {
      return { status: 'analyzed', failure: null, progress };
    }
    return { status: 'analyzing', failure: null, progress };
  }
  const req = f.transcriptionRequestedAt;
  if (req === undefined) return { status: 'ready', failure: null, progress: null };
  // The owner cancelled the latest request: nothing runs for it, and the chunks done are kept.
  if (isCancelled(f)) return { status: 'cancelled', failure: null, progress };
  if (f.transcriptionFailed && f.transcriptionFailed.at >= req) {
    return { status: 'failed', failure: f.transcriptionFailed, progress };
  }
  return { status: 'transcribing', failure: null, progress };
}

/** The latest transcription request was cancelled (and no later one was made). */
export function isCancelled(f: RecordingFacts): boolean {
  const req = f.transcriptionRequestedAt;
  return req !== undefined && f.transcriptionCancelledFor !== undefined && f.transcriptionCancelledFor >= req;
}

export interface Permission {
  allowed: boolean;
  reason: string;
}

/**
 * Transcribe is allowed from `ready`, and to resume a failed or stalled transcription.
 * A transcription is stalled when it has made no progress for `stallMs`.
 */
export function canTranscribe(f: RecordingFacts, lastProgressAt: number, now: number, stallMs: number): Permission {
  const { status, failure } = deriveState(f);
  if (f.transcriptCompletedAt !== undefined) return { allowed: false, reason: 'the recording is already transcribed' };
  switch (status) {
    case 'ready':
      return { allowed: true, reason: 'ready' };
    case 'cancelled':
      return {
        allowed: true,
        reason: 'the transcription was cancelled; Transcribe resumes it (the chunks already transcribed are kept)',
      };
    case 'failed': {
      if (f.chunkCount === undefined)
        return {
          allowed: false,
          reason: `the recording could not be chunked: ${f.chunkingFailed?.reason ?? 'unknown'}`,
        };
      // Nothing retries a failed transcription by itself: the reason says so, and what does.
      const what = f.failedChunks.length ? 'the failed chunks again' : 'it again';
      return { allowed: true, reason: `failed: ${failure?.reason ?? 'unknown'}; press Retry to transcribe ${what}` };
    }
    case 'transcribing':
      return now - lastProgressAt >= stallMs
        ? { allowed: true, reason: 'resuming a stalled transcription' }
        : { allowed: false, reason: 'the recording is already being transcribed' };
    default:
      return { allowed: false, reason: `the recording is ${status}; transcription is possible once it is ready` };
  }
}

/**
 * Cancel is allowed while a transcription is queued or running: requested (at upload, it waits
 * for the chunks), not yet complete, not failed, and not already cancelled.
 */
export function canCancelTranscription(f: RecordingFacts): Permission {
  if (f.transcriptCompletedAt !== undefined) return { allowed: false, reason: 'the recording is already transcribed' };
  if (f.transcriptionRequestedAt === undefined)
    return { allowed: false, reason: 'no transcription was requested; nothing to cancel' };
  if (isCancelled(f)) return { allowed: false, reason: 'the transcription is already cancelled' };
  const { status } = deriveState(f);
  if (status === 'failed') return { allowed: false, reason: 'the transcription failed; nothing is running to cancel' };
  return { allowed: true, reason: 'a transcription is queued or running' };
}

/** Analyze is allowed once a transcript exists (transcribed, analyzed, or a failed analysis). */
export function canAnalyze(f: RecordingFacts): Permission {
  if (f.transcriptCompletedAt === undefined) {
    return { allowed: false, reason: 'the recording has no transcript yet; transcribe it first' };
  }
  const { status } = deriveState(f);
  if (status === 'analyzing') return { allowed: false, reason: 'an analysis is already running' };
  return { allowed: true, reason: status };
}

/** What the dashboard and `GET /audios/:id` show of a recording. */
export interface RecordingView {
  audioId: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  createdAt: number;
  updatedAt: number;
  status: RecordingStatus;
  failure: Failure | null;
  progress: { done: number; total: number } | null;
  /** While the recording is cut into chunks: audio done so far of the estimated total (ms). */
  chunking: { doneMs: number; totalMs: number } | null;
  chunkCount: number | null;
  /** Exact once chunked; ffprobe's estimate from the upload until then. */
  durationMs: number | null;
  failedChunks: string[];
  wordCount: number | null;
  transcriptReady: boolean;
  analysisReady: boolean;
  canTranscribe: Permission;
  canAnalyze: Permission;
  /** Whether a queued or running transcription can be cancelled (POST /transcribe/:id/cancel). */
  canCancelTranscription: Permission;
  metadata: Record<string, unknown> | null;
  /** What the owner wrote about it (PATCH /audios/:id): title, tags, agent, customer, notes. */
  details: RecordingDetails;
  /** While transcribing with chunks still to do: its place among the recordings being transcribed. */
  queue: QueuePlace | null;
  /**
   * A re-upload of the same file (same SHA-256) by the same user: the audioId of their earliest
   * such recording, while it exists; null otherwise (never another user's recording).
   */
  duplicateOf: string | null;
  /** The title that first recording is shown by (its edited title, else the upload's, else the file name). */
  duplicateOfTitle: string | null;
}

/** The editable details of a recording, owned by the upload gateway's record. */
export interface RecordingDetails {
  title: string | null;
  tags: string[];
  agent: string | null;
  customer: string | null;
  notes: string | null;
}

/** Limits of the editable details (PATCH /audios/:id): characters per field, tag count and length. */
export const DETAIL_LIMITS = { title: 200, agent: 120, customer: 120, notes: 5000, tags: 20, tag: 40 } as const;

export const NO_DETAILS: RecordingDetails = { title: null, tags: [], agent: null, customer: null, notes: null };

/** Who made an analysis and what it found, in brief: each null for one from before versions were kept. */
export interface AnalysisHeadline {
  /** Who analysed it: `offline`, `llm:openai` …. */
  analyst: string | null;
  model: string | null;
  issueCount: number | null;
  quizCount: number | null;
  callType: string | null;
  overallSentiment: string | null;
}

/** The headline of an analysis recorded before versions were kept: nothing known. */
export const NO_HEADLINE: AnalysisHeadline = {
  analyst: null,
  model: null,
  issueCount: null,
  quizCount: null,
  callType: null,
  overallSentiment: null,
};

/**
 * One stored analysis of a recording, as `GET /audios/:id/analyses` lists it (newest first).
 * A recording analysed again (another provider, a new model) keeps every earlier version.
 */
export interface AnalysisVersion extends AnalysisHeadline {
  analysisId: string;
  /** When the analysis was first announced (ms since the epoch); null if not known. */
  completedAt: number | null;
  /** The one `GET /audios/:id/analysis` serves. */
  latest: boolean;
  /** Where it is served, relative to the API's base URL: /audios/<audioId>/analyses/<analysisId>. */
  path: string;
}

export interface AnalysisVersionPage {
  items: AnalysisVersion[];
  nextCursor: string | null;
}

/**
 * A transcribing recording's place in the stt-worker's queue. `position − 1` recordings were
 * queued before it (1: the oldest); the workers interleave every recording's chunks, so
 * `etaMs` (from the measured speed of recent chunks) counts all `of` of them, before and after.
 */
export interface QueuePlace {
  position: number;
  of: number;
  /** Estimated time until its last chunk is transcribed; null until the speed is measured. */
  etaMs: number | null;
}

/** How the gateway learns a recording's state: the query service's read model. */
export interface RecordingReader {
  /** `credentials`: the caller's Authorization header, for readers that ask over HTTP. */
  /**
   * `reader`: a user id (their own recordings) or the viewer from the token (its read scope:
   * libs/platform visibility.ts).
   */
  get(
    reader: string | { id: string; role: 'agent' | 'manager' | 'admin'; teams: string[] },
    audioId: string,
    credentials?: string,
  ): Promise<RecordingView | null>;
}
