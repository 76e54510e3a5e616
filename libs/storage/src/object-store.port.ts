import type { Readable } from 'node:stream';

export interface ObjectInfo {
  sizeBytes: number;
  etag: string;
}

export interface ByteRange {
  /** Inclusive start and end, as in an HTTP Range header. */
  start: number;
  end?: number;
}

/**
 * The ObjectStore port. Bodies are streams: nothing here holds a whole object in memory,
 * except getBuffer/putBuffer, which are meant for small JSON documents.
 */
export interface ObjectStore {
  put(key: string, body: Readable, opts?: { contentType?: string }): Promise<ObjectInfo>;
  putBuffer(key: string, body: Buffer | string, opts?: { contentType?: string }): Promise<ObjectInfo>;
  get(key: string, range?: ByteRange): Promise<Readable>;
  getBuffer(key: string): Promise<Buffer>;
  head(key: string): Promise<ObjectInfo | null>;
  delete(key: string): Promise<void>;
  /**
   * The keys under `prefix`, streamed page by page (S3: 1000 a request; on disk: one directory
   * entry at a time), so listing a recording's 200,000 chunks never holds them all in memory.
   */
  list(prefix: string): AsyncIterable<string>;
  /**
   * Deletes every object under `prefix`, page by page, and aborts the multipart uploads in
   * progress for keys under it. Idempotent: nothing there is not an error. Returns how many
   * objects went.
   */
  deletePrefix(prefix: string): Promise<number>;
  /**
   * A location ffmpeg can open and seek in: a file path for the filesystem store, a
   * pre-signed URL for S3 (ffmpeg reads it with HTTP range requests).
   */
  locate(key: string): Promise<string>;
}

export interface UploadPart {
  partNumber: number;
  etag: string;
  sizeBytes: number;
}

/**
 * Multipart uploads, for resumable uploads of very large files: parts arrive in any order,
 * from any number of clients, and a new client can ask which parts are already stored.
 */
export interface MultipartUploads {
  createMultipart(
    key: string,
    opts: { contentType?: string; sizeBytes: number; partSizeBytes: number },
  ): Promise<string>;
  /** A URL the client PUTs the part to directly (S3), or null when the gateway must receive it. */
  presignPart(key: string, uploadId: string, partNumber: number): Promise<string | null>;
  /**
   * Stores a part. It counts as received only once its size (and `contentMd5`, the base64 MD5 a
   * client may send as Content-MD5) check out; a part sent again replaces the earlier one only
   * then, so a bad retry never spoils a good part. The ETag is the MD5 of what was stored.
   */
  putPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    opts?: { contentMd5?: string },
  ): Promise<UploadPart>;
  listParts(key: string, uploadId: string): Promise<UploadPart[]>;
  completeMultipart(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void>;
  abortMultipart(key: string, uploadId: string): Promise<void>;
  /**
   * Removes what interrupted work left behind before `before`: multipart uploads nobody
   * completed or aborted, temporary files of writes that never finished. Returns how many.
   */
  removeAbandoned(before: Date): Promise<number>;
}
