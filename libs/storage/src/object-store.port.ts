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
