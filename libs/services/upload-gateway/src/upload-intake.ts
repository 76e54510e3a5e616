import { randomUUID } from 'node:crypto';
import type { AudioInfo } from '@speech/audio';
import { newEvent, type PayloadMap, type RecordingReader, type TopicName } from '@speech/contracts';
import { AppError } from '@speech/kernel';
import type { EventBus } from '@speech/messaging';
import type { Collection, DocumentStore, Transactor } from '@speech/persistence';
import { HttpError, type AccessControl, type Logger } from '@speech/platform';
import type { MultipartUploads, ObjectStore } from '@speech/storage';
import type { AudioRecord } from './audio-repository';

/**
 * What every upload goes through once its bytes are in, whichever route brought them (POST
 * /upload, a completed resumable upload, the re-announce relay): the checks that it is audio
 * and its metadata is storable, and its announcement (audio.uploaded and the automatic requests).
 */

export const PRODUCER = 'upload-gateway';

export interface GatewayDeps {
  bus: EventBus;
  store: ObjectStore & MultipartUploads;
  docs: DocumentStore;
  /** Makes a record and its events one step (the single process), or ordered with a re-announce (Kafka). */
  tx: Transactor;
  recordings: RecordingReader;
  access: AccessControl;
  probe: (location: string) => Promise<AudioInfo>;
  log: Logger;
  config: {
    maxUploadBytes: number;
    /** How clients reach the API: the base of the part URLs the gateway signs itself. */
    publicUrl: () => string;
    /** Signs part URLs when the store cannot pre-sign them (the filesystem store). */
    uploadSigningKey?: string;
    /** Resumable uploads not completed in this long are aborted and their parts removed. */
    uploadExpiryMs: number;
  };
}

/** Publishes audio.uploaded (and the automatic requests): the upload is now the platform's. */
export async function announceUpload(
  deps: GatewayDeps,
  audios: Collection<AudioRecord>,
  record: AudioRecord,
): Promise<void> {
  const opts = { autoTranscribe: record.autoTranscribe === true, autoAnalyze: record.autoAnalyze === true };
  const correlationId = `upload-${record._id}`;
  await publish(deps, 'audio.uploaded', record._id, correlationId, {
    userId: record.userId,
    filename: record.filename,
    contentType: record.contentType,
    sizeBytes: record.sizeBytes,
    sha256: record.sha256,
    objectKey: record.objectKey,
    metadataJson: record.metadata ? JSON.stringify(record.metadata) : null,
    autoTranscribe: opts.autoTranscribe,
    autoAnalyze: opts.autoAnalyze,
    durationMs: record.durationMs ?? null,
    channels: record.channels ?? null,
    duplicateOf: record.duplicateOf ?? null,
    teamIds: record.teamIds ?? [],
  });
  // Automatic processing is requested now; each consumer waits for its input to exist. The ids
  // follow from the recording, so announcing twice requests the work once.
  if (opts.autoTranscribe || opts.autoAnalyze)
    await requestTranscription(deps, audios, record, correlationId, [], `auto-${record._id}`);
  if (opts.autoAnalyze) await requestAnalysis(deps, record, correlationId, `auto-${record._id}`);
  await audios.update({ _id: record._id }, { $set: { announced: true } });
  deps.log.info({ audioId: record._id, userId: record.userId, sizeBytes: record.sizeBytes }, 'upload stored');
}

/** A gateway event about one recording (or, for a tracker, the record that `audioId` names). */
export function publish<T extends TopicName>(
  deps: GatewayDeps,
  type: T,
  audioId: string,
  correlationId: string,
  payload: PayloadMap[T],
): Promise<void> {
  return deps.bus.publish(newEvent(type, PRODUCER, { audioId, correlationId }, payload));
}

/**
 * Publishes transcription.requested, and keeps it on the record as the latest request: what a
 * cancel names (cancel-transcription.ts). The record first, so an event that went out is never
 * unknown to the record (on Kafka the two are separate writes).
 */
export async function requestTranscription(
  deps: GatewayDeps,
  audios: Collection<AudioRecord>,
  record: AudioRecord,
  correlationId: string,
  phrases: string[] = [],
  requestId: string = randomUUID(),
): Promise<string> {
  // Names the engine should spell right: the upload's vocabulary, its competitors, and phrases.
  const listOf = (key: string): unknown[] => {
    const v = record.metadata?.[key];
    return Array.isArray(v) ? v : [];
  };
  const metaPhrases = [...listOf('vocabulary'), ...listOf('competitors'), ...listOf('phrases')];
  const event = newEvent(
    'transcription.requested',
    PRODUCER,
    { audioId: record._id, correlationId },
    {
      userId: record.userId,
      requestId,
      language: typeof record.metadata?.language === 'string' ? record.metadata.language : null,
      phrases: [...new Set([...phrases, ...metaPhrases.filter(isString)])].slice(0, 500),
    },
  );
  await audios.update(
    { _id: record._id },
    { $set: { transcription: { requestId, requestedAt: event.occurredAt, cancelledAt: null } } },
  );
  await deps.bus.publish(event);
  return requestId;
}

export async function requestAnalysis(
  deps: GatewayDeps,
  record: AudioRecord,
  correlationId: string,
  analysisId: string = randomUUID(),
  correctionRevision = 0,
): Promise<string> {
  const competitors = record.metadata?.competitors;
  // The transcript corrections' revision when it was asked: the analyzer waits for that one.
  const options = {
    ...(Array.isArray(competitors) && { competitors }),
    ...(correctionRevision > 0 && { correctionRevision }),
  };
  await publish(deps, 'analysis.requested', record._id, correlationId, {
    userId: record.userId,
    teamIds: record.teamIds ?? [],
    analysisId,
    optionsJson: Object.keys(options).length ? JSON.stringify(options) : null,
  });
  return analysisId;
}

const isString = (p: unknown): p is string => typeof p === 'string';

export const truthy = (v: unknown) => v === 'true' || v === '1' || v === true;

/**
 * Metadata keys are stored as document fields: a `.` would make a key a path and a leading `$` an
 * operator (MongoDB refuses both). Refused here, by name, before anything is written.
 */
export function checkMetadataKeys(value: unknown, path = 'metadata', depth = 0): void {
  if (depth > 8) throw new HttpError(400, 'UPLOAD.BAD_METADATA', `${path}: nested too deeply (8 levels at most)`);
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkMetadataKeys(v, `${path}[${i}]`, depth + 1));
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (!k || k.includes('.') || k.startsWith('$') || k.includes('\0')) {
      throw new HttpError(
        400,
        'UPLOAD.BAD_METADATA',
        `${path}: the key ${JSON.stringify(k)} is not allowed (keys may not be empty, contain "." or start with "$")`,
      );
    }
    checkMetadataKeys(v, `${path}.${k}`, depth + 1);
  }
}

/** Magic bytes can lie (random bytes may start like an MP3 frame): ffprobe must find audio. */
export async function checkDecodable(deps: GatewayDeps, objectKey: string): Promise<AudioInfo> {
  const location = await deps.store.locate(objectKey);
  try {
    const info = await deps.probe(location);
    if (info.durationMs !== null && info.durationMs <= 0) {
      throw new AppError('UPLOAD.EMPTY', 'the recording has no audio (zero duration)');
    }
    return info;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'UPLOAD.EMPTY' || code === 'AUDIO.EMPTY')
      throw new HttpError(422, 'UPLOAD.EMPTY', (err as Error).message);
    if (code === 'AUDIO.NOT_AUDIO') {
      // ffprobe's words name our storage path: keep them in the log, not in the answer.
      deps.log.info({ err, objectKey }, 'upload refused: not decodable audio');
      throw new HttpError(415, 'UPLOAD.NOT_AUDIO', 'the file is not decodable audio (no audio stream could be read)');
    }
    throw err;
  }
}
