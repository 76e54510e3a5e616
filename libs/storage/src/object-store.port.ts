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
  putPart(key: string, uploadId: string, partNumber: number, body: Readable): Promise<UploadPart>;
  listParts(key: string, uploadId: string): Promise<UploadPart[]>;
  completeMultipart(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void>;
  abortMultipart(key: string, uploadId: string): Promise<void>;
}
