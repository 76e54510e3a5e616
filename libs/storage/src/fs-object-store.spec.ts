import { mkdtempSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { FsObjectStore } from './fs-object-store';
import { objectStorePrefixContract, objectStoreRangeContract } from './object-store.contract';

describe('FsObjectStore', () => {
  let root: string;
  let store: FsObjectStore;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'fs-store-'));
    store = new FsObjectStore(root);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('leaves nothing behind when a write fails half-way', async () => {
    const failing = new Readable({
      read() {
        this.push(Buffer.alloc(1024));
        this.destroy(new Error('the client went away'));
      },
    });
    await expect(store.put('audio/a/source', failing)).rejects.toThrow('the client went away');
    expect(readdirSync(join(root, '.tmp'))).toEqual([]);
    expect(await store.head('audio/a/source')).toBeNull();
  });

  it('removes abandoned multipart uploads and temporary files older than the cutoff, and only those', async () => {
    const old = await store.createMultipart('audio/old/source', { sizeBytes: 10, partSizeBytes: 10 });
    const fresh = await store.createMultipart('audio/new/source', { sizeBytes: 10, partSizeBytes: 10 });
    const past = new Date(Date.now() - 3 * 3600_000);
    utimesSync(join(root, '.multipart', old), past, past);
    const cutoff = new Date(Date.now() - 3600_000);
    expect(await store.removeAbandoned(cutoff)).toBe(1);
    expect(readdirSync(join(root, '.multipart'))).toEqual([fresh]);
    await expect(store.listParts('audio/old/source', old)).rejects.toMatchObject({ code: 'UPLOAD.NOT_FOUND' });
  });

  it('keeps a received part when the same part is sent again wrong', async () => {
    const id = await store.createMultipart('audio/p/source', { sizeBytes: 8, partSizeBytes: 8 });
    const good = await store.putPart('audio/p/source', id, 1, Readable.from([Buffer.from('goodpart')]));
    await expect(
      store.putPart('audio/p/source', id, 1, Readable.from([Buffer.from('badpart!')]), {
        contentMd5: 'AAAAAAAAAAAAAAAAAAAAAA==',
      }),
    ).rejects.toMatchObject({ code: 'UPLOAD.BAD_DIGEST' });
    await expect(store.putPart('audio/p/source', id, 1, Readable.from([Buffer.from('short')]))).rejects.toMatchObject({
      code: 'UPLOAD.BAD_REQUEST',
    });
    expect(await store.listParts('audio/p/source', id)).toEqual([good]);
    await store.completeMultipart('audio/p/source', id, [{ partNumber: 1, etag: good.etag }]);
    expect((await store.getBuffer('audio/p/source')).toString()).toBe('goodpart');
  });
});

objectStoreRangeContract('filesystem', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fs-store-range-'));
  return { store: new FsObjectStore(root), close: () => rmSync(root, { recursive: true, force: true }) };
});

objectStorePrefixContract('filesystem', async () => {
  const root = mkdtempSync(join(tmpdir(), 'fs-store-prefix-'));
  return { store: new FsObjectStore(root), close: () => rmSync(root, { recursive: true, force: true }) };
});
