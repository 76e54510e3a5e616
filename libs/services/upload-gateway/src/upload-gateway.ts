import { randomUUID } from 'node:crypto';
import type { Readable, Transform } from 'node:stream';
import busboy from 'busboy';
import type { Express, Request } from 'express';
import express from 'express';
import { NO_DETAILS, objectKeys, type RecordingReader, type RecordingView } from '@speech/contracts';
import type { Collection } from '@speech/persistence';
import { hashTap, offThreadHash } from '@speech/storage';
import { assertCanWrite, canRead, HttpError, route, userOf } from '@speech/platform';
import { audiosCollection, type AudioRecord } from './audio-repository';
import {
  announceUpload,
  checkDecodable,
  checkMetadataKeys,
  requestAnalysis,
  requestTranscription,
  truthy,
  type GatewayDeps,
} from './upload-intake';
import { mountMultipartUploads } from './multipart-upload';
import { earlierCopyOf, titleOf } from './duplicates';
import { recordingManagement } from './manage';
import { trackerCommands, trackersCollection } from './trackers';
import { recordedMediaType, SNIFF_BYTES, sniffAudio } from './audio-sniffer';
import { cancelPermission, cancelTranscription, transcribePermission } from './cancel-transcription';

/**
 * The write side of the HTTP API: uploads, and the Transcribe/Analyze commands.
 * It mounts on the app it is given, so the single process serves it beside the query routes.
 */
export async function mountUploadGateway(
  app: Express,
  deps: GatewayDeps,
  manage?: ReturnType<typeof recordingManagement>,
): Promise<{ close(): void }> {
  const audios = await audiosCollection(deps.docs);
  const management = manage ?? recordingManagement(deps, audios);
  const relay = startAnnouncementRelay(deps, audios, management);
  const { user: auth, write: limiter, read } = deps.access;
  const json = express.json({ limit: '256kb' });

  app.post(
    '/upload',
    auth,
    limiter,
    route(async (req, res) => {
      const user = userOf(req);
      const audioId = randomUUID();
      const upload = await receiveUpload(req, deps, audioId);
      const record: AudioRecord = {
        _id: audioId,
        userId: user.id,
        // The uploader's teams, from the token: the managers of these teams may read the call.
        teamIds: [...user.teams],
        filename: upload.filename,
        contentType: upload.contentType,
        sizeBytes: upload.sizeBytes,
        sha256: upload.sha256,
        objectKey: upload.objectKey,
        metadata: upload.metadata,
        durationMs: upload.durationMs,
        channels: upload.channels,
        createdAt: Date.now(),
        uploadedAt: Date.now(),
        status: 'uploaded',
        upload: null,
        announced: false,
        autoTranscribe: upload.autoTranscribe,
        autoAnalyze: upload.autoAnalyze,
      };
      await deps.tx.run(async () => {
        // A re-upload is accepted too, flagged with the first copy (issue #14).
        record.duplicateOf = await earlierCopyOf(audios, record);
        await audios.insert(record);
        await announceUpload(deps, audios, record);
      });
      res.status(201).json({
        audioId,
        status: 'uploaded',
        sizeBytes: record.sizeBytes,
        sha256: record.sha256,
        duplicateOf: record.duplicateOf,
      });
    }),
  );

  // Read-your-writes: right after a 201, the read model may not have seen the upload yet.
  // The gateway knows it, so the client never gets a 404 for a recording it just made.
  app.get(
    '/audios/:audioId',
    auth,
    read,
    route(async (req, res) => {
      const user = userOf(req);
      const audioId = String(req.params.audioId);
      const [record, deleted] = await Promise.all([audios.get(audioId), management.deletions.isDeleted(audioId)]);
      // Deleted (or being deleted): gone at once here, whatever the read model still holds.
      if (deleted || record?.deleting) throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${audioId}`);
      const view = await deps.recordings.get(user, audioId, req.headers.authorization);
      if (view) {
        // The details are the gateway's: an edit is shown at once, before the read model has it.
        res.json(record?.details ? { ...view, details: { ...NO_DETAILS, ...record.details } } : view);
        return;
      }
      if (!record || !canRead(user, { ownerId: record.userId, teamIds: record.teamIds }))
        throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${audioId}`);
      const first = record.duplicateOf ? await audios.get(record.duplicateOf) : null;
      const shown = first && first.userId === record.userId && !first.deleting ? first : null;
      res.json(justUploaded(record, shown));
    }),
  );

  mountMultipartUploads(app, deps, { audios, auth, limiter, read, json, purge: management.purge });
  management.mount(app, { auth, limiter, json });
  trackerCommands(deps, await trackersCollection(deps.docs)).mount(app, { auth, limiter, json });

  /** A command on one of the user's recordings, allowed by the state the read model derives. */
  const command = (
    path: string,
    allowed: (v: RecordingView, record: AudioRecord) => { allowed: boolean; reason: string },
    run: (req: Request, record: AudioRecord) => Promise<object | null>,
  ) =>
    app.post(
      path,
      auth,
      limiter,
      json,
      route(async (req, res) => {
        const { record, view } = await ownRecording(req, audios, deps.recordings);
        const may = allowed(view, record);
        if (!may.allowed) throw new HttpError(409, 'AUDIO.INVALID_STATE', may.reason);
        const done = await run(req, record);
        // The record changed between the check and the command (a deletion, a request at the same moment).
        if (!done) throw new HttpError(409, 'AUDIO.CONFLICT', 'the recording changed meanwhile; try again');
        res.status(202).json({ audioId: record._id, ...done });
      }),
    );
  command('/transcribe/:audioId', transcribePermission, async (req, record) => ({
    status: 'transcribing',
    requestId: await deps.tx.run(() => requestTranscription(deps, audios, record, randomUUID(), phrasesOf(req.body))),
  }));
  // Drops the queued chunks and stops the running ones; Transcribe again resumes (cancel-transcription.ts).
  command('/transcribe/:audioId/cancel', cancelPermission, (_req, record) => cancelTranscription(deps, audios, record));
  command(
    '/analyze/:audioId',
    (v) => v.canAnalyze,
    async (_req, record) => ({
      status: 'analyzing',
      analysisId: await requestAnalysis(
        deps,
        record,
        randomUUID(),
        undefined,
        (await management.correctionsRevision(record._id)) ?? 0,
      ),
    }),
  );
  return relay;
}

/** How long an upload may wait for its announcement before another gateway makes it. */
const ANNOUNCE_GRACE_MS = 30_000;
/** How often the gateway looks for uploads to announce or to expire. */
const SWEEP_EVERY_MS = 30_000;

/**
 * Re-announces uploads whose gateway stored them but died before audio.uploaded went out
 * (only possible where the record and the event are two writes: MongoDB and Kafka). Runs at
 * start and then every half minute; the events carry deterministic request ids, so a
 * re-announcement that races the original costs nothing downstream.
 */
function startAnnouncementRelay(
  deps: GatewayDeps,
  audios: Collection<AudioRecord>,
  management: ReturnType<typeof recordingManagement>,
): { close(): void } {
  let running: Promise<void> | null = null;
  const sweep = async () => {
    const due = await audios.find(
      { announced: false, uploadedAt: { $lt: Date.now() - ANNOUNCE_GRACE_MS } },
      { sort: { uploadedAt: 1 }, limit: 100 },
    );
    for (const record of due) {
      if (record.deleting) continue; // deleted before it was announced: nothing to announce
      deps.log.warn({ audioId: record._id }, 'upload was stored but not announced; announcing it now');
      await deps.tx.run(() => announceUpload(deps, audios, record));
    }
    await management.reannounceDeletions(Date.now() - ANNOUNCE_GRACE_MS);
    await expireAbandonedUploads(deps, audios);
  };
  const tick = () => {
    running ??= sweep()
      .catch((err: unknown) => deps.log.error({ err }, 'announcement relay failed; will try again'))
      .finally(() => (running = null));
  };
  tick();
  const timer = setInterval(tick, SWEEP_EVERY_MS);
  timer.unref();
  return { close: () => clearInterval(timer) };
}

async function ownRecording(
  req: Request,
  audios: Awaited<ReturnType<typeof audiosCollection>>,
  recordings: RecordingReader,
) {
  const user = userOf(req);
  const audioId = String(req.params.audioId);
  const record = await audios.get(audioId);
  // Outside the caller's read scope: missing, so ids cannot be probed; a manager's team call: 403.
  assertCanWrite(user, record && { ownerId: record.userId, teamIds: record.teamIds }, audioId);
  if (!record) throw new HttpError(404, 'AUDIO.NOT_FOUND', `no recording ${audioId}`);
  const view = await recordings.get(user, audioId, req.headers.authorization);
  if (!view)
    throw new HttpError(409, 'AUDIO.INVALID_STATE', 'the recording is still being registered; try again in a moment');
  return { record, view };
}

/**
 * Resumable uploads nobody completed within UPLOAD_EXPIRY_HOURS: the store aborts them (S3: the
 * multipart upload; on disk: the preallocated file and its parts) and the record goes. Then the
 * store's own leftovers of that age (temporary files of writes a crash interrupted).
 */
export async function expireAbandonedUploads(
  deps: Pick<GatewayDeps, 'store' | 'log'> & { config: Pick<GatewayDeps['config'], 'uploadExpiryMs'> },
  audios: Collection<AudioRecord>,
): Promise<void> {
  const cutoff = Date.now() - deps.config.uploadExpiryMs;
  const stale = await audios.find({ status: 'uploading', createdAt: { $lt: cutoff } }, { limit: 100 });
  for (const record of stale) {
    if (record.upload) await deps.store.abortMultipart(record.objectKey, record.upload.uploadId);
    await audios.delete({ _id: record._id, status: 'uploading' });
    deps.log.info({ audioId: record._id, createdAt: record.createdAt }, 'abandoned upload expired and removed');
  }
  const removed = await deps.store.removeAbandoned(new Date(cutoff));
  if (removed) deps.log.info({ removed }, 'abandoned temporary uploads removed');
}

function justUploaded(r: AudioRecord, first: AudioRecord | null): RecordingView {
  const wait = { allowed: false, reason: 'the recording is being registered; try again in a moment' };
  return {
    audioId: r._id,
    filename: r.filename,
    contentType: r.contentType,
    sizeBytes: r.sizeBytes,
    createdAt: r.createdAt,
    updatedAt: r.createdAt,
    status: r.status,
    failure: null,
    progress: null,
    chunking: null,
    chunkCount: null,
    durationMs: r.durationMs ?? null,
    failedChunks: [],
    wordCount: null,
    transcriptReady: false,
    analysisReady: false,
    canTranscribe: wait,
    canAnalyze: wait,
    canCancelTranscription: { allowed: false, reason: 'no transcription was requested; nothing to cancel' },
    metadata: r.metadata,
    details: { ...NO_DETAILS, ...r.details },
    queue: null,
    duplicateOf: first?._id ?? null,
    duplicateOfTitle: first ? titleOf(first) : null,
  };
}

function phrasesOf(body: unknown): string[] {
  const phrases = (body as { phrases?: unknown } | undefined)?.phrases;
  return Array.isArray(phrases) ? phrases.filter((p): p is string => typeof p === 'string').slice(0, 500) : [];
}

/** What a streamed upload yields: the record's fields it fills. */
interface ReceivedUpload extends Pick<
  AudioRecord,
  'filename' | 'contentType' | 'sizeBytes' | 'sha256' | 'objectKey' | 'metadata'
> {
  durationMs: number | null;
  channels: number | null;
  autoTranscribe: boolean;
  autoAnalyze: boolean;
}

/**
 * Streams the multipart body: the `file` part goes through a sniffer and a SHA-256 tap
 * straight into the object store, so memory does not grow with the file.
 */
function receiveUpload(req: Request, deps: GatewayDeps, audioId: string): Promise<ReceivedUpload> {
  const objectKey = objectKeys.source(audioId);
  return new Promise<ReceivedUpload>((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        // File names as sent: browsers and curl send UTF-8 (RFC 7578), busboy assumes latin1.
        defParamCharset: 'utf8',
        limits: { fileSize: deps.config.maxUploadBytes, files: 1, fields: 10, fieldSize: 64 * 1024 },
      });
    } catch {
      reject(new HttpError(400, 'UPLOAD.BAD_REQUEST', 'expected a multipart/form-data body with a "file" field'));
      return;
    }
    const fields: Record<string, string> = {};
    let stored: Promise<{ sizeBytes: number; sha256: string; filename: string; contentType: string }> | null = null;
    let failed = false;
    /** The stream into the store, while the file part is being read. */
    let into: Transform | null = null;
    const fail = (err: unknown) => {
      if (failed) return;
      failed = true;
      req.unpipe(bb);
      req.resume(); // drain the rest so the client gets our answer
      // The store's write ends with an error and removes its temporary file.
      into?.destroy(err instanceof Error ? err : new Error(String(err)));
      void deps.store.delete(objectKey).catch(() => undefined);
      reject(err);
    };

    bb.on('field', (name, value) => (fields[name] = value));
    bb.on('file', (name, file, info) => {
      if (name !== 'file') {
        file.resume();
        return;
      }
      // SHA-256 on a worker thread beside the store's write (and its MD5), not in series with them.
      const sha = offThreadHash('sha256');
      let sizeBytes = 0;
      let head = Buffer.alloc(0);
      let sniffed = false;
      let format: string | null = null;
      // The first error the tap raises is the reason we answer with; the store may only
      // see "premature close" once the tap is destroyed.
      let refusal: Error | null = null;
      const refuse = (err: Error) => (refusal ??= err);
      const tap = hashTap(
        sha,
        (chunk) => {
          sizeBytes += chunk.length;
          if (sniffed) return null;
          head = Buffer.concat([head, chunk]);
          if (head.length < SNIFF_BYTES) return null;
          sniffed = true;
          format = sniffAudio(head);
          if (format) return null;
          return refuse(
            new HttpError(415, 'UPLOAD.NOT_AUDIO', `${info.filename || 'the file'} is not a recognised audio format`),
          );
        },
        () => {
          if (sizeBytes === 0) return refuse(new HttpError(422, 'UPLOAD.EMPTY', 'the file is empty'));
          if (!sniffed) format = sniffAudio(head);
          if (!format) return refuse(new HttpError(415, 'UPLOAD.NOT_AUDIO', 'the file is not audio'));
          return null;
        },
      );
      into = tap;
      // The store attaches its own listeners a tick later (after creating folders, say):
      // until then an error must not go unheard and crash the process.
      tap.on('error', () => undefined);
      file.on('limit', () =>
        tap.destroy(
          refuse(
            new HttpError(
              413,
              'UPLOAD.TOO_LARGE',
              `the file exceeds MAX_UPLOAD_BYTES (${deps.config.maxUploadBytes} bytes)`,
            ),
          ),
        ),
      );
      file.on('error', (e) => tap.destroy(e));
      stored = deps.store.put(objectKey, (file as Readable).pipe(tap) as Readable, { contentType: info.mimeType }).then(
        async () => ({
          sizeBytes,
          sha256: await sha.digest(),
          filename: info.filename || 'recording',
          contentType: recordedMediaType(info.mimeType, format),
        }),
        (err: unknown) => {
          sha.abandon();
          throw refusal ?? err;
        },
      );
      stored.catch(fail);
    });
    bb.on('error', (err) =>
      fail(new HttpError(400, 'UPLOAD.BAD_REQUEST', `malformed multipart body: ${(err as Error).message}`)),
    );
    bb.on('close', () => {
      if (failed) return;
      if (!stored) {
        fail(new HttpError(400, 'UPLOAD.BAD_REQUEST', 'the multipart body has no "file" field'));
        return;
      }
      stored
        .then(async (s) => {
          let metadata: Record<string, unknown> | null = null;
          if (fields.metadata) {
            try {
              const parsed: unknown = JSON.parse(fields.metadata);
              if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
              metadata = parsed as Record<string, unknown>;
            } catch {
              throw new HttpError(400, 'UPLOAD.BAD_REQUEST', 'the "metadata" field must be a JSON object');
            }
            checkMetadataKeys(metadata);
          }
          const audio = await checkDecodable(deps, objectKey);
          resolve({
            ...s,
            objectKey,
            metadata,
            durationMs: audio.durationMs,
            channels: audio.channels,
            autoTranscribe: truthy(fields.autoTranscribe ?? req.query.autoTranscribe ?? metadata?.autoTranscribe),
            autoAnalyze: truthy(fields.autoAnalyze ?? req.query.autoAnalyze ?? metadata?.autoAnalyze),
          });
        })
        .catch(fail);
    });
    // A client that hangs up (or whose idle connection the server closed) before the body ended.
    req.on('close', () => {
      if (!req.complete) fail(new HttpError(400, 'UPLOAD.BAD_REQUEST', 'the client aborted the upload'));
    });
    req.pipe(bb);
  });
}
