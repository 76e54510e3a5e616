// Generated from schemas/*.avsc by `npm run gen:contracts`. Do not edit.

/** analysis.completed v3: An analysis is stored. */
export interface AnalysisCompletedPayload {
  analysisId: string;
  analysisKey: string;
  analyst: string;
  model: null | string;
  issueCount: number;
  sentimentScore: number;
  quizCount: number;
  userId: null | string;
  teamIds: string[];
  callType: null | string;
  overallSentiment: null | string;
  closingSentiment: null | string;
  issueTypes: string[];
  agentTalkRatio: null | number;
  analysisPath: null | string;
}

/** analysis.failed v1: An analysis failed. */
export interface AnalysisFailedPayload {
  analysisId: string;
  code: string;
  reason: string;
}

/** analysis.requested v2: A user asked for an analysis of the transcript. */
export interface AnalysisRequestedPayload {
  userId: string;
  teamIds: string[];
  analysisId: string;
  optionsJson: null | string;
}

/** audio.chunked v1: All chunks of a recording exist; chunkCount is final. */
export interface AudioChunkedPayload {
  chunkCount: number;
  durationMs: number;
  channels: number;
}

/** audio.chunking.failed v1: The recording cannot be chunked. */
export interface AudioChunkingFailedPayload {
  code: string;
  reason: string;
}

/** audio.deleted v1: The owner deleted the recording: every service removes what it holds of it (documents and objects under audio/<audioId>/) and keeps nothing that would bring it back. Keyed by audioId; handlers are idempotent. */
export interface AudioDeletedPayload {
  userId: string;
}

/** audio.details.changed v1: The owner edited the recording's details (title, tags, agent, customer, notes) on the gateway's record. Carries all of them, with the record's revision: a reader keeps the highest revision. */
export interface AudioDetailsChangedPayload {
  userId: string;
  revision: number;
  title: null | string;
  tags: string[];
  agent: null | string;
  customer: null | string;
  notes: null | string;
}

/** audio.uploaded v3: An upload finished and the source object is stored. */
export interface AudioUploadedPayload {
  userId: string;
  filename: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  objectKey: string;
  metadataJson: null | string;
  autoTranscribe: boolean;
  autoAnalyze: boolean;
  durationMs: null | number;
  channels: null | number;
  duplicateOf: null | string;
  teamIds: string[];
}

/** chunk.created v1: One chunk of one channel was cut and stored. */
export interface ChunkCreatedPayload {
  chunkId: string;
  index: number;
  channel: number;
  speaker: string;
  startMs: number;
  endMs: number;
  objectKey: string;
}

/** chunk.range.requested v1: Work item: chunk one time range of a long recording. Keyed by rangeId so the ranges spread over chunker instances. */
export interface ChunkRangeRequestedPayload {
  rangeId: string;
  range: number;
  rangeCount: number;
  startMs: number;
  endMs: number;
  durationMs: number;
  objectKey: string;
  startAnchorMs: null | number;
  startAnchorByte: null | number;
  endAnchorMs: null | number;
  endAnchorByte: null | number;
}

/** chunk.transcribed v1: One chunk has a transcript in the object store. */
export interface ChunkTranscribedPayload {
  chunkId: string;
  index: number;
  channel: number;
  speaker: string;
  startMs: number;
  endMs: number;
  transcriptKey: string;
  wordCount: number;
  engine: string;
}

/** chunk.transcription.failed v1: A chunk failed for good after its retries. */
export interface ChunkTranscriptionFailedPayload {
  chunkId: string;
  index: number;
  channel: number;
  code: string;
  reason: string;
  attempts: number;
}

/** recording.changed v3: A recording's dashboard view changed (written by the query service's shared group): every query instance tells its live clients. A notification: the view itself is read from the read model. */
export interface RecordingChangedPayload {
  userId: string;
  deleted: boolean;
  teamIds: string[];
}

/** stt.chunk.requested v1: Work item: transcribe one chunk. Keyed by chunkId so work spreads over workers. */
export interface SttChunkRequestedPayload {
  chunkId: string;
  index: number;
  channel: number;
  speaker: string;
  startMs: number;
  endMs: number;
  objectKey: string;
  requestId: string;
  attempt: number;
  language: null | string;
  phrases: string[];
}

/** tracker.changed v1: A tracker (a named set of phrases with conditions, issue #15) was created, edited or deleted on the gateway. Carries the whole definition with its revision: a reader keeps the highest. Keyed by trackerId (the envelope's audioId holds the trackerId too). */
export interface TrackerChangedPayload {
  userId: string;
  trackerId: string;
  revision: number;
  deleted: boolean;
  name: string;
  phrases: string[];
  speaker: string;
  fromPct: number;
  toPct: number;
  createdAt: number;
}

/** transcript.completed v1: The merged, time-ordered transcript is stored. */
export interface TranscriptCompletedPayload {
  transcriptKey: string;
  textKey: string;
  wordCount: number;
  segmentCount: number;
  durationMs: number;
  speakers: string[];
  engine: string;
}

/** transcript.corrected v1: The owner corrected a transcript (speaker names, swapped channels, segment texts) on the gateway. Carries the whole current correction set with its revision: a reader keeps the highest revision. The merged original is never changed. */
export interface TranscriptCorrectedPayload {
  userId: string;
  revision: number;
  speakers: { label: string; name: string }[];
  swapChannels: boolean;
  segments: { index: number; text: string }[];
  changes: string[];
}

/** transcription.cancelled v1: The owner cancelled a queued or running transcription (POST /transcribe/:id/cancel). It names the request it cancels: the stt-worker drops that request's queued chunks and stops its running ones (chunks already transcribed are kept), and ignores the request if it arrives after this; a later transcription.requested (another requestId) supersedes it. Keyed by audioId; handlers are idempotent. */
export interface TranscriptionCancelledPayload {
  userId: string;
  requestId: string;
  requestedAt: number;
}

/** transcription.failed v1: The transcript cannot be completed. */
export interface TranscriptionFailedPayload {
  code: string;
  reason: string;
  failedChunks: string[];
}

/** transcription.requested v1: A user asked for a transcript (or a resume). */
export interface TranscriptionRequestedPayload {
  userId: string;
  requestId: string;
  language: null | string;
  phrases: string[];
}

export interface PayloadMap {
  'analysis.completed': AnalysisCompletedPayload;
  'analysis.failed': AnalysisFailedPayload;
  'analysis.requested': AnalysisRequestedPayload;
  'audio.chunked': AudioChunkedPayload;
  'audio.chunking.failed': AudioChunkingFailedPayload;
  'audio.deleted': AudioDeletedPayload;
  'audio.details.changed': AudioDetailsChangedPayload;
  'audio.uploaded': AudioUploadedPayload;
  'chunk.created': ChunkCreatedPayload;
  'chunk.range.requested': ChunkRangeRequestedPayload;
  'chunk.transcribed': ChunkTranscribedPayload;
  'chunk.transcription.failed': ChunkTranscriptionFailedPayload;
  'recording.changed': RecordingChangedPayload;
  'stt.chunk.requested': SttChunkRequestedPayload;
  'tracker.changed': TrackerChangedPayload;
  'transcript.completed': TranscriptCompletedPayload;
  'transcript.corrected': TranscriptCorrectedPayload;
  'transcription.cancelled': TranscriptionCancelledPayload;
  'transcription.failed': TranscriptionFailedPayload;
  'transcription.requested': TranscriptionRequestedPayload;
}

export const SCHEMA_VERSIONS = {
  'analysis.completed': 3,
  'analysis.failed': 1,
  'analysis.requested': 2,
  'audio.chunked': 1,
  'audio.chunking.failed': 1,
  'audio.deleted': 1,
  'audio.details.changed': 1,
  'audio.uploaded': 3,
  'chunk.created': 1,
  'chunk.range.requested': 1,
  'chunk.transcribed': 1,
  'chunk.transcription.failed': 1,
  'recording.changed': 3,
  'stt.chunk.requested': 1,
  'tracker.changed': 1,
  'transcript.completed': 1,
  'transcript.corrected': 1,
  'transcription.cancelled': 1,
  'transcription.failed': 1,
  'transcription.requested': 1,
} as const;
