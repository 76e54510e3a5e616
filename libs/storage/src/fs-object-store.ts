import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import { AppError } from '@speech/contracts';
import type { ByteRange, ObjectInfo, ObjectStore } from './object-store.port';

/** The filesystem ObjectStore: one file per key under a root folder; writes are atomic renames. */
export class FsObjectStore implements ObjectStore {
  private readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  async put(key: string, body: Readable): Promise<ObjectInfo> {
    const file = this.path(key);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.part`;
    const md5 = createHash('md5');
    let sizeBytes = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        md5.update(chunk);
        sizeBytes += chunk.length;
        cb(null, chunk);
      },
    });
    try {
      await pipeline(body, tap, createWriteStream(tmp));
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    return { sizeBytes, etag: md5.digest('hex') };
  }

  async putBuffer(key: string, body: Buffer | string): Promise<ObjectInfo> {
    const file = this.path(key);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.part`;
    await writeFile(tmp, body);
    await rename(tmp, file);
    const buf = typeof body === 'string' ? Buffer.from(body) : body;
    return { sizeBytes: buf.length, etag: createHash('md5').update(buf).digest('hex') };
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

  async locate(key: string): Promise<string> {
    const file = this.path(key);
    await this.mustExist(key, file);
    return file;
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
