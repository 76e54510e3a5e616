import type { ChunkRef } from '@speech/contracts';

/** One chunk's transcription task: the stt-worker's own collection, and its work queue. */
export interface SttTask extends ChunkRef {
  _id: string; // chunkId
  audioId: string;
  status: 'pending' | 'queued' | 'processing' | 'completed' | 'failed';
  /** Claims of this chunk since it was queued (a claim is an attempt). */
  attempts: number;
  transcriptKey: string | null;
  wordCount: number;
  lastError: string | null;
  updatedAt: number;
  /** The worker holding the claim, and until when (it renews while it works). */
  owner?: string | null;
  leaseUntil?: number;
  /** A failed attempt waits for its retry until then, without holding back any other chunk. */
  notBefore?: number;
}

/** Per recording: how many chunks to expect, which request is served, and its place in the queue. */
export interface SttAudio {
  _id: string; // audioId
  chunkCount: number | null;
  requestId: string | null;
  correlationId: string | null;
  language: string | null;
  phrases: string[];
  dispatchedFor: string | null;
  /** Has chunks queued or running: the scheduler looks at active recordings only. */
  active?: boolean;
  /** Changes with every dispatch, so a scheduler that saw an older one cannot deactivate a newer one. */
  activation?: string | null;
  queuedAt?: number;
  lastStartedAt?: number;
  /**
   * Requests the owner cancelled (transcription.cancelled): never dispatched, whenever their
   * transcription.requested arrives (another topic: it may come after the cancel, or again).
   */
  cancelledRequests?: string[];
}
