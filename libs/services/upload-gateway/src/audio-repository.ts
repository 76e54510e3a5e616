import type { AudioUploadedPayload, RecordingDetails } from '@speech/contracts';
import type { Collection, DocumentStore } from '@speech/persistence';

/** Upload metadata: the gateway's own collection (what audio.uploaded announces comes from it). */
export interface AudioRecord extends Pick<
  AudioUploadedPayload,
  'userId' | 'filename' | 'contentType' | 'sizeBytes' | 'sha256' | 'objectKey'
> {
  _id: string;
  /** The uploader's teams at upload (the token's teams claim); absent on records from before teams. */
  teamIds?: string[];
  metadata: Record<string, unknown> | null;
  /** ffprobe's findings once the bytes are in (null while a resumable upload is open). */
  durationMs?: number | null;
  channels?: number | null;
  createdAt: number;
  status: 'uploading' | 'uploaded';
  /** While a resumable upload is open. */
  upload: { uploadId: string; partSizeBytes: number; partCount: number } | null;
  /**
   * False from the moment the bytes are in until audio.uploaded (and the automatic requests)
   * went out. In the single process both happen in one transaction; on Kafka a gateway that
   * died in between leaves it false, and the next gateway re-announces (upload-gateway.ts).
   */
  announced?: boolean;
  /** When the bytes were complete (the upload's end; createdAt is its start). */
  uploadedAt?: number;
  autoTranscribe?: boolean;
  autoAnalyze?: boolean;
  /** The owner's details (PATCH /audios/:id) and their revision, bumped by every edit. */
  details?: RecordingDetails;
  detailsRevision?: number;
  /** DELETE accepted: the recording answers 404 until audio.deleted removes this record too. */
  deleting?: boolean;
  deleteRequestedAt?: number;
  /**
   * The same user's earliest recording with the same SHA-256 when this one's bytes came in
   * (duplicates.ts); null or absent: not a re-upload. Announced in audio.uploaded (v2).
   */
  duplicateOf?: string | null;
  /**
   * The latest transcription request (POST /transcribe/:id, or at upload): the one a cancel names,
   * by its requestId and its event's time (cancel-transcription.ts). Absent: none since this was kept.
   */
  transcription?: TranscriptionRequestRecord | null;
}

export interface TranscriptionRequestRecord {
  requestId: string;
  /** The occurredAt of its transcription.requested. */
  requestedAt: number;
  /** When the owner cancelled it; null while it stands. */
  cancelledAt: number | null;
}

export async function audiosCollection(docs: DocumentStore): Promise<Collection<AudioRecord>> {
  const c = docs.collection<AudioRecord>('audios');
  await c.ensureIndex({ userId: 1 });
  await c.ensureIndex({ announced: 1, uploadedAt: 1 });
  await c.ensureIndex({ deleting: 1, deleteRequestedAt: 1 });
  // Re-uploads: the user's earliest recording of the same bytes (duplicates.ts).
  await c.ensureIndex({ userId: 1, sha256: 1, uploadedAt: 1 });
  // A deleted recording's re-uploads, whose link goes with it (manage.ts).
  await c.ensureIndex({ duplicateOf: 1 });
  return c;
}
