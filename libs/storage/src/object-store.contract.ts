import { Readable } from 'node:stream';
import type { ObjectStore } from './object-store.port';

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
