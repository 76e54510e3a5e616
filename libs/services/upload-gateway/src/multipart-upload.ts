import { objectKeys } from '@speech/contracts';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Express, Request, RequestHandler } from 'express';
import { z } from 'zod';
import type { AudioInfo } from '@speech/audio';
import type { Collection } from '@speech/persistence';
import { offThreadHash } from '@speech/storage';
import { HttpError, route, userOf, writeChains } from '@speech/platform';
import type { AudioRecord } from './audio-repository';
import { recordedMediaType, SNIFF_BYTES, sniffAudio } from './audio-sniffer';
import { earlierCopyOf } from './duplicates';
import { announceUpload, checkDecodable, checkMetadataKeys, truthy, type GatewayDeps } from './upload-intake';

const MiB = 1024 * 1024;
/** S3 allows at most 10,000 parts of at least 5 MiB (AWS S3 multipart upload limits). */
export const MAX_PARTS = 10_000;
const MIN_PART = 8 * MiB;

/** The part size that fits the file in MAX_PARTS parts, in whole MiB, at least 8 MiB. */
export function partSizeFor(sizeBytes: number): number {
  return Math.max(MIN_PART, Math.ceil(sizeBytes / MAX_PARTS / MiB) * MiB);
}

const CreateBody = z.object({
  filename: z.string().min(1).max(512),
  sizeBytes: z.number().int().positive(),
  contentType: z.string().min(1).max(200).default('application/octet-stream'),
  metadata: z.record(z.string(), z.unknown()).optional(),
  autoTranscribe: z.boolean().optional(),
  autoAnalyze: z.boolean().optional(),
});

const CompleteBody = z.object({
  parts: z.array(z.object({ partNumber: z.number().int().positive(), etag: z.string().min(1) })).min(1),
});

function parse<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body);
  if (!r.success) {
    throw new HttpError(
      400,
      'UPLOAD.BAD_REQUEST',
      r.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '),
    );
  }
  return r.data;
}

const PART_URL_TTL_MS = 6 * 3600_000;

/**
 * The resumable upload (docs/ARCHITECTURE.md, "The HTTP edge"): create, get a URL per part, PUT the parts (in
 * parallel, in any order, over several sittings), ask which parts arrived, complete or abort.
 * With S3 the part URLs are pre-signed S3 URLs, so the bytes never pass through the gateway;
 * with the filesystem store the gateway signs its own part URLs.
 */
export function mountMultipartUploads(
  app: Express,
  deps: GatewayDeps,
  mw: {
    audios: Collection<AudioRecord>;
    auth: RequestHandler[];
    limiter: RequestHandler;
    read: RequestHandler;
    json: RequestHandler;
    /** The gateway's share of a deletion (manage.ts), for a completion that raced one. */
    purge: (audioId: string) => Promise<void>;
  },
): void {
  const { audios, purge } = mw;
  const reading = [...mw.auth, mw.read];
  const { write, writeJson } = writeChains(mw);

  async function openUpload(req: Request): Promise<AudioRecord & { upload: NonNullable<AudioRecord['upload']> }> {
    const user = userOf(req);
    const record = await audios.get(String(req.params.audioId));
    if (!record || record.userId !== user.id || record.deleting)
      throw new HttpError(404, 'UPLOAD.NOT_FOUND', `no upload ${req.params.audioId}`);
    if (record.status !== 'uploading' || !record.upload) {
      throw new HttpError(409, 'UPLOAD.INVALID_STATE', 'the upload is already complete');
    }
    return record as AudioRecord & { upload: NonNullable<AudioRecord['upload']> };
  }

  function partNumberOf(req: Request, partCount: number): number {
    const n = Number(req.params.n);
    if (!Number.isInteger(n) || n < 1 || n > partCount)
      throw new HttpError(400, 'UPLOAD.BAD_REQUEST', `part number must be 1..${partCount}`);
    return n;
  }

  function signature(audioId: string, n: number, expires: number): string {
    if (!deps.config.uploadSigningKey) throw new HttpError(500, 'UPLOAD.MISCONFIGURED', 'no upload signing key');
    return createHmac('sha256', deps.config.uploadSigningKey).update(`${audioId}:${n}:${expires}`).digest('base64url');
  }

  app.post(
    '/uploads',
    ...writeJson,
    route(async (req, res) => {
      const user = userOf(req);
      const body = parse(CreateBody, req.body);
      checkMetadataKeys(body.metadata);
      if (body.sizeBytes > deps.config.maxUploadBytes) {
        throw new HttpError(
          413,
          'UPLOAD.TOO_LARGE',
          `the file exceeds MAX_UPLOAD_BYTES (${deps.config.maxUploadBytes} bytes)`,
        );
      }
      const audioId = randomUUID();
      const objectKey = objectKeys.source(audioId);
      const partSizeBytes = partSizeFor(body.sizeBytes);
      const partCount = Math.ceil(body.sizeBytes / partSizeBytes);
      const uploadId = await deps.store.createMultipart(objectKey, {
        contentType: body.contentType,
        sizeBytes: body.sizeBytes,
        partSizeBytes,
      });
      const metadata = { ...(body.metadata ?? {}) };
      if (body.autoTranscribe !== undefined) metadata.autoTranscribe = body.autoTranscribe;
      if (body.autoAnalyze !== undefined) metadata.autoAnalyze = body.autoAnalyze;
      await audios.insert({
        _id: audioId,
        userId: user.id,
        teamIds: [...user.teams],
        filename: body.filename,
        contentType: body.contentType,
        sizeBytes: body.sizeBytes,
        sha256: '',
        objectKey,
        metadata: Object.keys(metadata).length ? metadata : null,
        createdAt: Date.now(),
        status: 'uploading',
        upload: { uploadId, partSizeBytes, partCount },
      });
      res.status(201).json({ audioId, status: 'uploading', partSizeBytes, partCount });
    }),
  );

  app.get(
    '/uploads/:audioId',
    ...reading,
    route(async (req, res) => {
      const record = await openUpload(req);
      const receivedParts = await deps.store.listParts(record.objectKey, record.upload.uploadId);
      res.json({
        audioId: record._id,
        status: record.status,
        filename: record.filename,
        sizeBytes: record.sizeBytes,
        partSizeBytes: record.upload.partSizeBytes,
        partCount: record.upload.partCount,
        receivedParts,
      });
    }),
  );

  app.get(
    '/uploads/:audioId/parts/:n',
    ...write,
    route(async (req, res) => {
      const record = await openUpload(req);
      const n = partNumberOf(req, record.upload.partCount);
      const presigned = await deps.store.presignPart(record.objectKey, record.upload.uploadId, n);
      const expires = Date.now() + PART_URL_TTL_MS;
      const url =
        presigned ??
        `${deps.config.publicUrl()}/uploads/${record._id}/parts/${n}/data?expires=${expires}&signature=${signature(record._id, n, expires)}`;
      res.json({ url, method: 'PUT', expiresAt: new Date(expires).toISOString() });
    }),
  );

  // The part itself, when the gateway signed the URL: no bearer token, the signature is the grant.
  app.put(
    '/uploads/:audioId/parts/:n/data',
    route(async (req, res) => {
      const audioId = String(req.params.audioId);
      const expires = Number(req.query.expires);
      const given = Buffer.from(String(req.query.signature ?? ''));
      const n = Number(req.params.n);
      // Without a signing key this gateway never hands out such URLs (S3 takes the parts), so no
      // signature can be valid: 403 like a forged one, not a 500.
      const wanted = deps.config.uploadSigningKey ? Buffer.from(signature(audioId, n, expires)) : Buffer.alloc(0);
      if (
        wanted.length === 0 ||
        !Number.isFinite(expires) ||
        expires < Date.now() ||
        given.length !== wanted.length ||
        !timingSafeEqual(given, wanted)
      ) {
        throw new HttpError(403, 'UPLOAD.FORBIDDEN', 'the part URL is invalid or has expired; ask for a new one');
      }
      const record = await audios.get(audioId);
      if (!record || record.status !== 'uploading' || !record.upload || record.deleting)
        throw new HttpError(409, 'UPLOAD.INVALID_STATE', 'the upload is not open');
      const md5 = req.headers['content-md5'];
      if (md5 !== undefined && (typeof md5 !== 'string' || !/^[A-Za-z0-9+/]{22}==$/.test(md5)))
        throw new HttpError(
          400,
          'UPLOAD.BAD_REQUEST',
          'Content-MD5 must be the base64 MD5 of the part (24 characters)',
        );
      const part = await deps.store.putPart(
        record.objectKey,
        record.upload.uploadId,
        partNumberOf(req, record.upload.partCount),
        req,
        { contentMd5: md5 },
      );
      res.set('ETag', `"${part.etag}"`).json(part);
    }),
  );

  app.post(
    '/uploads/:audioId/complete',
    ...writeJson,
    route(async (req, res) => {
      const record = await openUpload(req);
      const { parts } = parse(CompleteBody, req.body);
      await deps.store.completeMultipart(record.objectKey, record.upload.uploadId, parts);
      const stored = await deps.store.head(record.objectKey);
      if (!stored || stored.sizeBytes !== record.sizeBytes) {
        throw new HttpError(
          422,
          'UPLOAD.UNPROCESSABLE',
          `the stored file has ${stored?.sizeBytes ?? 0} bytes, not ${record.sizeBytes}`,
        );
      }
      let audio: AudioInfo;
      try {
        audio = await checkDecodable(deps, record.objectKey);
      } catch (err) {
        await deps.store.delete(record.objectKey);
        await audios.delete({ _id: record._id });
        throw err;
      }
      // The whole file's SHA-256, as POST /upload records it: parts carry only their own MD5.
      // One streaming read of the stored file (on disk at disk speed; on S3 through the gateway).
      // The digest runs on a worker thread, so reading and hashing overlap.
      // Its first bytes name the media type when the client named none (see recordedMediaType).
      const sha = offThreadHash('sha256');
      let sha256: string;
      let head = Buffer.alloc(0);
      try {
        for await (const chunk of await deps.store.get(record.objectKey)) {
          if (head.length < SNIFF_BYTES) head = Buffer.concat([head, chunk as Buffer]);
          if (!sha.update(chunk as Buffer)) await sha.drained();
        }
        sha256 = await sha.digest();
      } finally {
        sha.abandon();
      }
      const done = await deps.tx.run(async () => {
        const now = await audios.get(record._id);
        if (!now || now.deleting) return null; // deleted while completing
        // A re-upload is accepted too, flagged with the first copy (issue #14).
        const duplicateOf = await earlierCopyOf(audios, { _id: record._id, userId: record.userId, sha256 });
        const completed = await audios.update(
          { _id: record._id, status: 'uploading' },
          {
            $set: {
              status: 'uploaded',
              upload: null,
              sha256,
              contentType: recordedMediaType(record.contentType, sniffAudio(head.subarray(0, SNIFF_BYTES))),
              durationMs: audio.durationMs,
              channels: audio.channels,
              uploadedAt: Date.now(),
              announced: false,
              autoTranscribe: truthy(record.metadata?.autoTranscribe),
              autoAnalyze: truthy(record.metadata?.autoAnalyze),
              duplicateOf,
            },
          },
        );
        if (completed) await announceUpload(deps, audios, completed);
        return completed;
      });
      // Deleted while the file was being completed: the file just made goes too (the deletion may
      // have listed the prefix before it existed).
      const after = await audios.get(record._id);
      if (!after || after.deleting) {
        await purge(record._id);
        throw new HttpError(404, 'UPLOAD.NOT_FOUND', `no upload ${record._id}`);
      }
      if (!done) throw new HttpError(409, 'UPLOAD.INVALID_STATE', 'the upload was completed meanwhile');
      res.status(201).json({
        audioId: record._id,
        status: 'uploaded',
        sizeBytes: record.sizeBytes,
        sha256,
        duplicateOf: done.duplicateOf ?? null,
      });
    }),
  );

  app.delete(
    '/uploads/:audioId',
    ...write,
    route(async (req, res) => {
      const record = await openUpload(req);
      await deps.store.abortMultipart(record.objectKey, record.upload.uploadId);
      await audios.delete({ _id: record._id, status: 'uploading' });
      res.status(204).end();
    }),
  );
}
