import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, opendir, readdir, readFile, rename, rm, rmdir, stat, unlink, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { AppError } from '@speech/kernel';
import { hashTap, offThreadHash } from './off-thread-hash';
import type { ByteRange, MultipartUploads, ObjectInfo, ObjectStore, UploadPart } from './object-store.port';

interface MultipartMeta {
  key: string;
  sizeBytes: number;
  partSizeBytes: number;
}

/** Writes of streamed bodies in up to 1 MiB pieces (fewer syscalls than the 16 KiB default). */
const WRITE_HIGH_WATER_MARK = 1024 * 1024;

/** A full disk in words a user can act on (HTTP 507); other errors as they are. */
function diskError(err: unknown): unknown {
  if ((err as NodeJS.ErrnoException)?.code === 'ENOSPC' || (err as NodeJS.ErrnoException)?.code === 'EDQUOT') {
    return new AppError('STORAGE.FULL', 'the disk is full: free some space and try again', {
      retriable: true,
      cause: err,
    });
  }
  return err;
}

/**
 * The filesystem ObjectStore: one file per key under a root folder; writes go to a temporary
 * file under `.tmp` and land with an atomic rename, so a crash or a full disk leaves the object
 * as it was. A multipart upload writes each part at its offset in one preallocated file, so
 * completing a 100 GB upload is a rename, not a copy.
 */
export class FsObjectStore implements ObjectStore, MultipartUploads {
  private readonly root: string;
  /** Parts being written, per upload and part number: a second PUT of a part waits for the first. */
  private readonly writing = new Map<string, Promise<unknown>>();

  constructor(root: string) {
    this.root = resolve(root);
  }

  private async tempFile(): Promise<string> {
    const dir = join(this.root, '.tmp');
    await mkdir(dir, { recursive: true });
    return join(dir, `${randomUUID()}.part`);
  }

  async put(key: string, body: Readable): Promise<ObjectInfo> {
    const file = this.path(key);
    await mkdir(dirname(file), { recursive: true });
    const tmp = await this.tempFile();
    // The MD5 runs on a worker thread beside the write (off-thread-hash.ts), not in series with it.
    const md5 = offThreadHash('md5');
    let sizeBytes = 0;
    const tap = hashTap(md5, (chunk) => {
      sizeBytes += chunk.length;
      return null;
    });
    let etag: string;
    try {
      await pipeline(body, tap, createWriteStream(tmp, { highWaterMark: WRITE_HIGH_WATER_MARK }));
      etag = await md5.digest();
      await rename(tmp, file);
    } catch (err) {
      md5.abandon();
      await rm(tmp, { force: true });
      throw diskError(err);
    }
    return { sizeBytes, etag };
  }

  async putBuffer(key: string, body: Buffer | string): Promise<ObjectInfo> {
    const file = this.path(key);
    await mkdir(dirname(file), { recursive: true });
    const tmp = await this.tempFile();
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    try {
      // The write runs on libuv's thread pool: digest the bytes meanwhile, not after it.
      const written = writeFile(tmp, buf);
      let etag: string;
      try {
        etag = createHash('md5').update(buf).digest('hex');
      } finally {
        await written;
      }
      await rename(tmp, file);
      return { sizeBytes: buf.length, etag };
    } catch (err) {
      await rm(tmp, { force: true });
      throw diskError(err);
    }
  }

  async get(key: string, range?: ByteRange): Promise<Readable> {
    const file = this.path(key);
    await this.mustExist(key, file);
    return createReadStream(file, range ? { start: range.start, end: range.end } : undefined);
  }

  async getBuffer(key: string): Promise<Buffer> {
    const file = this.path(key);
    await this.mustExist(key, file);
    return readFile(file);
  }

  async head(key: string): Promise<ObjectInfo | null> {
    try {
      const s = await stat(this.path(key));
      return { sizeBytes: s.size, etag: `${s.size}-${s.mtimeMs}` };
    } catch {
      return null;
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  async *list(prefix: string): AsyncIterable<string> {
    for await (const { key } of this.walk(prefix)) yield key;
  }

  async deletePrefix(prefix: string): Promise<number> {
    let removed = 0;
    for await (const { file } of this.walk(prefix)) {
      await unlink(file).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      removed++;
    }
    // The folders the walk emptied, deepest first (a folder a writer refilled meanwhile stays).
    if (prefix.endsWith('/')) await this.removeEmptyDirs(this.path(prefix));
    // Resumable uploads in progress for a key under the prefix (their meta names the key).
    const uploads = join(this.root, '.multipart');
    const dir = await opendir(uploads).catch(() => null);
    if (dir) {
      for await (const entry of dir) {
        if (!entry.isDirectory()) continue;
        const meta = await readFile(join(uploads, entry.name, 'meta.json'), 'utf8').catch(() => null);
        if (meta === null) continue;
        if (keyOfMeta(meta).startsWith(prefix)) await rm(join(uploads, entry.name), { recursive: true, force: true });
      }
    }
    return removed;
  }

  /**
   * The files under `prefix`, one directory entry at a time (opendir streams them), so a
   * folder of 200,000 chunks is never read into one array.
   */
  private async *walk(prefix: string): AsyncGenerator<{ key: string; file: string }> {
    const base = prefix.endsWith('/') ? prefix : prefix.slice(0, prefix.lastIndexOf('/') + 1);
    const start = base ? this.path(base) : this.root;
    const visit = async function* (dir: string, keyDir: string): AsyncGenerator<{ key: string; file: string }> {
      const handle = await opendir(dir).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT' || err.code === 'ENOTDIR') return null;
        throw err;
      });
      if (!handle) return;
      for await (const entry of handle) {
        const key = keyDir + entry.name;
        if (!base && entry.name.startsWith('.')) continue; // .tmp and .multipart are not objects
        if (entry.isDirectory()) {
          if (`${key}/`.startsWith(prefix) || prefix.startsWith(`${key}/`))
            yield* visit(join(dir, entry.name), `${key}/`);
        } else if (entry.isFile() && key.startsWith(prefix)) {
          yield { key, file: join(dir, entry.name) };
        }
      }
    };
    yield* visit(start, base);
  }

  private async removeEmptyDirs(dir: string): Promise<void> {
    const handle = await opendir(dir).catch(() => null);
    if (!handle) return;
    for await (const entry of handle) if (entry.isDirectory()) await this.removeEmptyDirs(join(dir, entry.name));
    await rmdir(dir).catch(() => undefined); // not empty: a writer came back; its own cleanup removes it
  }

  async locate(key: string): Promise<string> {
    const file = this.path(key);
    await this.mustExist(key, file);
    return file;
  }

  async createMultipart(key: string, opts: { sizeBytes: number; partSizeBytes: number }): Promise<string> {
    this.path(key); // validates the key
    const uploadId = randomUUID();
    const dir = this.uploadDir(uploadId);
    await mkdir(join(dir, 'parts'), { recursive: true });
    const fh = await open(join(dir, 'data'), 'w');
    await fh.truncate(opts.sizeBytes); // sparse: takes no space until parts arrive
    await fh.close();
    const meta: MultipartMeta = { key, sizeBytes: opts.sizeBytes, partSizeBytes: opts.partSizeBytes };
    await writeFile(join(dir, 'meta.json'), JSON.stringify(meta));
    return uploadId;
  }

  async presignPart(): Promise<string | null> {
    return null; // the gateway receives parts itself and calls putPart
  }

  async putPart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    opts: { contentMd5?: string } = {},
  ): Promise<UploadPart> {
    const lock = `${uploadId}:${partNumber}`;
    const before = this.writing.get(lock) ?? Promise.resolve();
    const run = before.catch(() => undefined).then(() => this.writePart(key, uploadId, partNumber, body, opts));
    this.writing.set(lock, run);
    try {
      return await run;
    } finally {
      if (this.writing.get(lock) === run) this.writing.delete(lock);
    }
  }

  /**
   * A part not received before is written straight at its offset: until its record exists it
   * is not received, whatever the bytes there. A part received before is written aside first,
   * checked, and only then copied over the good one.
   */
  private async writePart(
    key: string,
    uploadId: string,
    partNumber: number,
    body: Readable,
    opts: { contentMd5?: string },
  ): Promise<UploadPart> {
    const meta = await this.meta(key, uploadId);
    const partCount = Math.ceil(meta.sizeBytes / meta.partSizeBytes);
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > partCount) {
      throw new AppError('UPLOAD.BAD_REQUEST', `part number must be 1..${partCount}`);
    }
    const dir = this.uploadDir(uploadId);
    const record = join(dir, 'parts', `${partNumber}.json`);
    const replacing = await stat(record).then(
      () => true,
      () => false,
    );
    const start = (partNumber - 1) * meta.partSizeBytes;
    const expected = Math.min(meta.partSizeBytes, meta.sizeBytes - start);
    // The MD5 runs on a worker thread beside the write; the size check stays in the stream.
    const md5 = offThreadHash('md5');
    let sizeBytes = 0;
    const guard = hashTap(md5, (chunk) => {
      sizeBytes += chunk.length;
      return sizeBytes > expected
        ? new AppError('UPLOAD.BAD_REQUEST', `part ${partNumber} must be ${expected} bytes`)
        : null;
    });
    const aside = replacing ? join(dir, `incoming-${partNumber}-${randomUUID()}`) : null;
    const data = join(dir, 'data');
    const hwm = WRITE_HIGH_WATER_MARK;
    try {
      await pipeline(
        body,
        guard,
        aside
          ? createWriteStream(aside, { highWaterMark: hwm })
          : createWriteStream(data, { flags: 'r+', start, highWaterMark: hwm }),
      );
      if (sizeBytes !== expected)
        throw new AppError('UPLOAD.BAD_REQUEST', `part ${partNumber} must be ${expected} bytes, got ${sizeBytes}`);
      const digest = Buffer.from(await md5.digest(), 'hex');
      if (opts.contentMd5 && opts.contentMd5 !== digest.toString('base64')) {
        throw new AppError('UPLOAD.BAD_DIGEST', `part ${partNumber}: its bytes do not match the Content-MD5 sent`);
      }
      if (aside)
        await pipeline(
          createReadStream(aside, { highWaterMark: hwm }),
          createWriteStream(data, { flags: 'r+', start, highWaterMark: hwm }),
        );
      const part: UploadPart = { partNumber, etag: digest.toString('hex'), sizeBytes };
      // Recorded only once every byte is written and checked (and atomically: a crash leaves the
      // old record or the new one).
      await writeFile(`${record}.tmp`, JSON.stringify(part));
      await rename(`${record}.tmp`, record);
      return part;
    } catch (err) {
      md5.abandon();
      throw diskError(err);
    } finally {
      if (aside) await rm(aside, { force: true });
    }
  }

  async listParts(key: string, uploadId: string): Promise<UploadPart[]> {
    await this.meta(key, uploadId);
    const dir = join(this.uploadDir(uploadId), 'parts');
    const parts = await Promise.all(
      (await readdir(dir))
        .filter((f) => f.endsWith('.json'))
        .map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as UploadPart),
    );
    return parts.sort((a, b) => a.partNumber - b.partNumber);
  }

  async completeMultipart(key: string, uploadId: string, parts: { partNumber: number; etag: string }[]): Promise<void> {
    const meta = await this.meta(key, uploadId);
    const partCount = Math.ceil(meta.sizeBytes / meta.partSizeBytes);
    const have = new Map((await this.listParts(key, uploadId)).map((p) => [p.partNumber, p.etag]));
    const missing = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !have.has(n));
    if (missing.length) throw new AppError('UPLOAD.INVALID_STATE', `missing parts: ${missing.slice(0, 20).join(', ')}`);
    for (const p of parts) {
      if (have.get(p.partNumber) !== p.etag.replaceAll('"', '')) {
        throw new AppError('UPLOAD.BAD_REQUEST', `part ${p.partNumber}: the ETag does not match the stored part`);
      }
    }
    const file = this.path(key);
    await mkdir(dirname(file), { recursive: true });
    // Sizes add up to the file's: no part is missing or short.
    const total = [...(await this.listParts(key, uploadId))].reduce((n, p) => n + p.sizeBytes, 0);
    if (total !== meta.sizeBytes) {
      throw new AppError('UPLOAD.INVALID_STATE', `the parts hold ${total} bytes, not ${meta.sizeBytes}`);
    }
    await rename(join(this.uploadDir(uploadId), 'data'), file);
    await rm(this.uploadDir(uploadId), { recursive: true, force: true });
  }

  async abortMultipart(_key: string, uploadId: string): Promise<void> {
    await rm(this.uploadDir(uploadId), { recursive: true, force: true });
  }

  async removeAbandoned(before: Date): Promise<number> {
    let removed = 0;
    const sweep = async (dir: string, isDir: boolean) => {
      let names: string[];
      try {
        names = await readdir(dir);
      } catch {
        return;
      }
      for (const name of names) {
        const path = join(dir, name);
        const s = await stat(path).catch(() => null);
        if (!s || s.isDirectory() !== isDir || s.mtimeMs >= before.getTime()) continue;
        await rm(path, { recursive: true, force: true });
        removed++;
      }
    };
    await sweep(join(this.root, '.tmp'), false);
    await sweep(join(this.root, '.multipart'), true);
    return removed;
  }

  private uploadDir(uploadId: string): string {
    if (!/^[0-9a-f-]{36}$/.test(uploadId)) throw new AppError('STORAGE.BAD_KEY', 'bad upload id');
    return join(this.root, '.multipart', uploadId);
  }

  private async meta(key: string, uploadId: string): Promise<MultipartMeta> {
    let meta: MultipartMeta;
    try {
      meta = JSON.parse(await readFile(join(this.uploadDir(uploadId), 'meta.json'), 'utf8')) as MultipartMeta;
    } catch {
      throw new AppError('UPLOAD.NOT_FOUND', 'no such upload (it was completed or aborted)');
    }
    if (meta.key !== key) throw new AppError('UPLOAD.NOT_FOUND', 'no such upload');
    return meta;
  }

  private async mustExist(key: string, file: string): Promise<void> {
    try {
      await stat(file);
    } catch {
      throw new AppError('STORAGE.NOT_FOUND', `no object ${key}`);
    }
  }

  private path(key: string): string {
    const file = resolve(join(this.root, key));
    // Keys come from our own code, but a key must never escape the root.
    if (!file.startsWith(this.root + sep)) throw new AppError('STORAGE.BAD_KEY', `bad object key ${key}`);
    return file;
  }
}

/** The key a multipart upload's meta.json names ('' when it is unreadable). */
function keyOfMeta(meta: string): string {
  try {
    const key = (JSON.parse(meta) as Partial<MultipartMeta>).key;
    return typeof key === 'string' ? key : '';
  } catch {
    return '';
  }
}
