import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { Readable } from 'node:stream';
import { AppError } from '@speech/kernel';
import type { ByteRange, MultipartUploads, ObjectInfo, ObjectStore, UploadPart } from './object-store.port';

export interface S3Config {
  bucket: string;
  region: string;
  /** For MinIO, versitygw, Ceph …; path-style addressing is used with an endpoint. */
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  forcePathStyle?: boolean;
  /** Lifetime of pre-signed URLs. */
  presignSeconds?: number;
}

function notFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** Network faults and 5xx are worth a retry; 4xx are not. */
function storageError(err: unknown, what: string): AppError {
  if (notFound(err)) return new AppError('STORAGE.NOT_FOUND', `${what}: not found`, { cause: err });
  const status = (err as { $metadata?: { httpStatusCode?: number } })?.$metadata?.httpStatusCode;
  return new AppError('STORAGE.UNAVAILABLE', `${what}: ${(err as Error).message}`, {
    retriable: status === undefined || status >= 500 || status === 429,
    cause: err,
  });
}

/**
 * The ObjectStore on S3 or any S3-compatible server (@aws-sdk/client-s3): streaming
 * multipart writes (lib-storage), streaming and ranged reads, pre-signed URLs, and the
 * raw multipart calls behind resumable uploads.
 */
export class S3ObjectStore implements ObjectStore, MultipartUploads {
  readonly client: S3Client;
  readonly bucket: string;
  private readonly presignSeconds: number;

  constructor(cfg: S3Config) {
    this.bucket = cfg.bucket;
    this.presignSeconds = cfg.presignSeconds ?? 6 * 3600;
    this.client = new S3Client({
      region: cfg.region,
      endpoint: cfg.endpoint,
      forcePathStyle: cfg.forcePathStyle ?? Boolean(cfg.endpoint),
      credentials:
        cfg.accessKeyId && cfg.secretAccessKey
          ? { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey }
          : undefined,
    });
  }

  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch {
      try {
        await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
      } catch (err) {
        // Services start together; another one may have just created it.
        if ((err as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw err;
      }
    }
  }

  async put(key: string, body: Readable, opts: { contentType?: string } = {}): Promise<ObjectInfo> {
    let sizeBytes = 0;
    body.on('data', (c: Buffer) => (sizeBytes += c.length));
    try {
      // 8 MiB parts, 4 at a time: at most ~32 MiB in flight whatever the object's size.
      const upload = new Upload({
        client: this.client,
        params: { Bucket: this.bucket, Key: key, Body: body, ContentType: opts.contentType },
        partSize: 8 * 1024 * 1024,
        queueSize: 4,
      });
      const out = await upload.done();
      return { sizeBytes, etag: (out.ETag ?? '').replaceAll('"', '') };
    } catch (err) {
      throw storageError(err, `put ${key}`);
    }
  }

  async putBuffer(key: string, body: Buffer | string, opts: { contentType?: string } = {}): Promise<ObjectInfo> {
    try {
      const out = await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: opts.contentType }),
      );
      return { sizeBytes: Buffer.byteLength(body), etag: (out.ETag ?? '').replaceAll('"', '') };
    } catch (err) {
      throw storageError(err, `put ${key}`);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    try {
      const out = await this.client.send(
        new GetObjectCommand({
          Bucket: this.bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end ?? ''}` : undefined,
        }),
      );
      return out.Body as Readable;
    } catch (err) {
      throw storageError(err, `get ${key}`);
    }
  }

  async getBuffer(key: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const c of await this.get(key)) chunks.push(c as Buffer);
    return Buffer.concat(chunks);
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { sizeBytes: out.ContentLength ?? 0, etag: (out.ETag ?? '').replaceAll('"', '') };
    } catch (err) {
      if (notFound(err)) return null;
      throw storageError(err, `head ${key}`);
    }
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
    } catch (err) {
      throw storageError(err, `delete ${key}`);
    }
  }

  async *list(prefix: string): AsyncIterable<string> {
    for await (const page of this.pages(prefix)) yield* page;
  }

  /** A page of keys (up to 1000) at a time, deleted with one DeleteObjects request each. */
  async deletePrefix(prefix: string): Promise<number> {
    let removed = 0;
    for await (const keys of this.pages(prefix)) {
      if (!keys.length) continue;
      let out;
      try {
        out = await this.client.send(
          new DeleteObjectsCommand({
            Bucket: this.bucket,
            Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
          }),
        );
      } catch (err) {
        throw storageError(err, `delete under ${prefix}`);
      }
      const failed = (out.Errors ?? []).filter((e) => e.Code !== 'NoSuchKey');
      if (failed.length) {
        throw new AppError(
          'STORAGE.UNAVAILABLE',
          `delete under ${prefix}: ${failed.length} objects not deleted (${failed[0]?.Code}: ${failed[0]?.Message})`,
          { retriable: true },
        );
      }
      removed += keys.length;
    }
    // Multipart uploads in progress under the prefix hold parts that no listing of objects shows.
    // AWS S3 lists them by any prefix; MinIO only by a whole key or with no prefix at all (a
    // "directory" prefix finds none), so when the prefix finds nothing the bucket's uploads in
    // progress are listed and filtered here. There are few: abandoned uploads expire.
    if ((await this.abortUploads(prefix, prefix)) === 0) await this.abortUploads('', prefix);
    return removed;
  }

  /** Aborts the uploads in progress that ListMultipartUploads gives for `listPrefix` and whose key starts with `under`. */
  private async abortUploads(listPrefix: string, under: string): Promise<number> {
    let aborted = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      let out;
      try {
        out = await this.client.send(
          new ListMultipartUploadsCommand({
            Bucket: this.bucket,
            ...(listPrefix && { Prefix: listPrefix }),
            KeyMarker: keyMarker,
            UploadIdMarker: uploadIdMarker,
          }),
        );
      } catch (err) {
        throw storageError(err, `list the uploads under ${under}`);
      }
      for (const u of out.Uploads ?? []) {
        if (!u.Key || !u.UploadId || !u.Key.startsWith(under)) continue;
        await this.client
          .send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: u.Key, UploadId: u.UploadId }))
          .catch((err: unknown) => {
            if (!notFound(err)) throw storageError(err, `abort the upload of ${u.Key}`);
          });
        aborted++;
      }
      if (!out.IsTruncated) return aborted;
      keyMarker = out.NextKeyMarker;
      uploadIdMarker = out.NextUploadIdMarker;
    }
  }

  /** ListObjectsV2, one page of keys at a time, following the continuation token. */
  private async *pages(prefix: string): AsyncGenerator<string[]> {
    let token: string | undefined;
    for (;;) {
      let out;
      try {
        out = await this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
        );
      } catch (err) {
        throw storageError(err, `list ${prefix}`);
      }
      yield (out.Contents ?? []).map((o) => o.Key).filter((k): k is string => typeof k === 'string');
      if (!out.IsTruncated || !out.NextContinuationToken) return;
      token = out.NextContinuationToken;
    }
  }

  async locate(key: string): Promise<string> {
    if (!(await this.head(key))) throw new AppError('STORAGE.NOT_FOUND', `no object ${key}`);
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: key }), {
      expiresIn: this.presignSeconds,
    });
  }

  // The multipart calls behind resumable uploads: the bytes go straight to S3.
  async createMultipart(key: string, opts: { contentType?: string } = {}): Promise<string> {
    const out = await this.client.send(
      new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, ContentType: opts.contentType }),
    );
    if (!out.UploadId) throw new AppError('STORAGE.UNAVAILABLE', 'no upload id from S3', { retriable: true });
    return out.UploadId;
  }

  async putPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    opts: { contentMd5?: string } = {},
  ): Promise<UploadPart> {
    // Parts normally go straight to S3 through presignPart; this path serves a gateway that
    // must relay them. The SDK needs a length for a stream, so the part is buffered (≤ part size).
    // S3 itself checks ContentMD5 and keeps an earlier part when a new one fails.
    const chunks: Buffer[] = [];
    for await (const c of body) chunks.push(c as Buffer);
    const buf = Buffer.concat(chunks);
    const out = await this.client.send(
      new UploadPartCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        PartNumber: partNumber,
        Body: buf,
        ContentMD5: opts.contentMd5,
      }),
    );
    return { partNumber, etag: (out.ETag ?? '').replaceAll('"', ''), sizeBytes: buf.length };
  }

  presignPart(key: string, uploadId: string, partNumber: number): Promise<string> {
    return getSignedUrl(
      this.client,
      new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumber: partNumber }),
      {
        expiresIn: this.presignSeconds,
      },
    );
  }

  async listParts(key: string, uploadId: string): Promise<{ partNumber: number; etag: string; sizeBytes: number }[]> {
    const parts: { partNumber: number; etag: string; sizeBytes: number }[] = [];
    let marker: string | undefined;
    for (;;) {
      const out = await this.client.send(
        new ListPartsCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId, PartNumberMarker: marker }),
      );
      for (const p of out.Parts ?? [])
        parts.push({ partNumber: p.PartNumber ?? 0, etag: (p.ETag ?? '').replaceAll('"', ''), sizeBytes: p.Size ?? 0 });
      if (!out.IsTruncated) return parts;
      marker = out.NextPartNumberMarker;
    }
  }

  async completeMultipart(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void> {
    await this.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: this.bucket,
        Key: key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts.map((p) => ({ PartNumber: p.partNumber, ETag: `"${p.etag}"` })) },
      }),
    );
  }

  async abortMultipart(key: string, uploadId: string): Promise<void> {
    await this.client.send(new AbortMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId: uploadId }));
  }

  /** Multipart uploads started before `before` and never completed: S3 keeps (and bills) their parts. */
  async removeAbandoned(before: Date): Promise<number> {
    let removed = 0;
    let keyMarker: string | undefined;
    let uploadIdMarker: string | undefined;
    for (;;) {
      const out = await this.client.send(
        new ListMultipartUploadsCommand({
          Bucket: this.bucket,
          KeyMarker: keyMarker,
          UploadIdMarker: uploadIdMarker,
        }),
      );
      for (const u of out.Uploads ?? []) {
        if (!u.Key || !u.UploadId || !u.Initiated || u.Initiated >= before) continue;
        await this.abortMultipart(u.Key, u.UploadId);
        removed++;
      }
      if (!out.IsTruncated) return removed;
      keyMarker = out.NextKeyMarker;
      uploadIdMarker = out.NextUploadIdMarker;
    }
  }

  close(): void {
    this.client.destroy();
  }
}
