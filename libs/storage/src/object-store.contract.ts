import { Readable } from 'node:stream';
import type { MultipartUploads, ObjectStore } from './object-store.port';

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/**
 * Ranged reads, the same for every ObjectStore adapter: the player's byte ranges
 * (`GET /audios/:id/audio`) go straight to `get(key, range)`, so the filesystem store and S3
 * must agree on what a range returns.
 */
export function objectStoreRangeContract(
  name: string,
  open: () => Promise<{ store: ObjectStore; close?: () => Promise<void> | void }>,
): void {
  describe(`ObjectStore ranged reads: ${name}`, () => {
    let store: ObjectStore;
    let close: (() => Promise<void> | void) | undefined;
    // 3 MiB of a repeating pattern, so any slice is distinct from its neighbours.
    const body = Buffer.from(Array.from({ length: 3 * 1024 * 1024 }, (_, i) => (i * 7 + (i >> 10)) % 251));
    const key = 'audio/range-contract/source';

    beforeEach(async () => {
      ({ store, close } = await open());
      await store.put(key, Readable.from([body]), { contentType: 'audio/mpeg' });
    });
    afterEach(async () => {
      await close?.();
    });

    it('reads the whole object without a range', async () => {
      expect((await bytesOf(await store.get(key))).equals(body)).toBe(true);
    });

    it('reads inclusive ranges: from the start, the middle, the last byte, and open-ended', async () => {
      const cases: [number, number | undefined][] = [
        [0, 0],
        [0, 99],
        [1_000_000, 2_000_000],
        [body.length - 1, body.length - 1],
        [body.length - 500, undefined],
      ];
      for (const [start, end] of cases) {
        const got = await bytesOf(await store.get(key, { start, end }));
        expect(got.equals(body.subarray(start, end === undefined ? undefined : end + 1))).toBe(true);
      }
    });

    it('reports the size ranges are checked against', async () => {
      expect((await store.head(key))?.sizeBytes).toBe(body.length);
    });

    it('refuses a missing object as STORAGE.NOT_FOUND, ranged or not', async () => {
      await expect(store.get('audio/none/source', { start: 0, end: 1 })).rejects.toMatchObject({
        code: 'STORAGE.NOT_FOUND',
      });
    });
  });
}

/**
 * Listing and deleting under a prefix, the same for every adapter: a recording's deletion
 * (audio.deleted) removes everything under `objectKeys.prefix(audioId)` with it.
 */
export function objectStorePrefixContract(
  name: string,
  open: () => Promise<{ store: ObjectStore & MultipartUploads; close?: () => Promise<void> | void }>,
): void {
  describe(`ObjectStore prefixes: ${name}`, () => {
    let store: ObjectStore & MultipartUploads;
    let close: (() => Promise<void> | void) | undefined;
    beforeEach(async () => {
      ({ store, close } = await open());
    });
    afterEach(async () => {
      await close?.();
    });

    it('lists every key under a prefix (nested too) and no other, and deletes just those', async () => {
      const mine = [
        'audio/p1/source',
        'audio/p1/chunks/0-000000.wav',
        'audio/p1/chunks/1-000001.wav',
        'audio/p1/x.json',
      ];
      const others = ['audio/p10/source', 'audio/p2/chunks/0-000000.wav'];
      for (const k of [...mine, ...others]) await store.putBuffer(k, k);
      const listed: string[] = [];
      for await (const k of store.list('audio/p1/')) listed.push(k);
      expect(listed.sort()).toEqual([...mine].sort());

      expect(await store.deletePrefix('audio/p1/')).toBe(mine.length);
      for (const k of mine) expect(await store.head(k)).toBeNull();
      for (const k of others) expect(await store.head(k)).not.toBeNull();
      const after: string[] = [];
      for await (const k of store.list('audio/p1/')) after.push(k);
      expect(after).toEqual([]);
      // Idempotent: a second delete finds nothing and is no error.
      expect(await store.deletePrefix('audio/p1/')).toBe(0);
    });

    it('pages through more keys than one listing returns (S3: 1000)', async () => {
      const keys = Array.from({ length: 1203 }, (_, i) => `audio/many/chunks/0-${String(i).padStart(6, '0')}.wav`);
      for (let i = 0; i < keys.length; i += 50)
        await Promise.all(keys.slice(i, i + 50).map((k) => store.putBuffer(k, 'x')));
      let n = 0;
      for await (const k of store.list('audio/many/')) if (k.startsWith('audio/many/chunks/')) n++;
      expect(n).toBe(keys.length);
      expect(await store.deletePrefix('audio/many/')).toBe(keys.length);
      expect(await store.head(keys[1202] as string)).toBeNull();
    }, 120_000); // 1,203 durable writes: far more than Jest's default 5 s on a loaded machine

    it('aborts a multipart upload in progress under the prefix', async () => {
      const key = 'audio/up1/source';
      const uploadId = await store.createMultipart(key, { sizeBytes: 5, partSizeBytes: 5 });
      await store.putPart(key, uploadId, 1, Readable.from([Buffer.from('hello')]));
      await store.deletePrefix('audio/up1/');
      await expect(store.listParts(key, uploadId)).rejects.toBeTruthy();
    });
  });
}
