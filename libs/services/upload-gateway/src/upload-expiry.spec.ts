import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '@speech/platform';
import { FsObjectStore } from '@speech/storage';
import { inMemoryPlatform } from '@speech/testing';
import { audiosCollection, type AudioRecord } from './audio-repository';
import { expireAbandonedUploads } from './upload-gateway';

const HOUR = 3600_000;

describe('abandoned resumable uploads (UPLOAD_EXPIRY_HOURS)', () => {
  const platform = inMemoryPlatform();
  const root = mkdtempSync(join(tmpdir(), 'upload-expiry-'));
  const store = new FsObjectStore(root);
  afterAll(async () => {
    await platform.close();
    rmSync(root, { recursive: true, force: true });
  });

  const recordOf = (id: string, over: Partial<AudioRecord>): AudioRecord => ({
    _id: id,
    userId: 'u1',
    filename: `${id}.wav`,
    contentType: 'audio/wav',
    sizeBytes: 8,
    sha256: '',
    objectKey: `audio/${id}/source`,
    metadata: null,
    createdAt: Date.now(),
    status: 'uploading',
    upload: null,
    ...over,
  });

  it('aborts the uploads nobody completed in time, removes their records, and keeps the rest', async () => {
    const audios = await audiosCollection(platform.docs);
    const open = async (id: string, createdAt: number) => {
      const key = `audio/${id}/source`;
      const uploadId = await store.createMultipart(key, { sizeBytes: 8, partSizeBytes: 8 });
      await audios.insert(recordOf(id, { createdAt, upload: { uploadId, partSizeBytes: 8, partCount: 1 } }));
      return { key, uploadId };
    };
    const stale = await open('stale', Date.now() - 3 * HOUR);
    const fresh = await open('fresh', Date.now() - HOUR / 2);
    // An old recording whose upload was completed is not an abandoned one.
    await audios.insert(recordOf('done', { createdAt: Date.now() - 30 * HOUR, status: 'uploaded' }));

    await expireAbandonedUploads({ store, log: silentLogger(), config: { uploadExpiryMs: 2 * HOUR } }, audios);

    expect(await audios.get('stale')).toBeNull();
    await expect(store.listParts(stale.key, stale.uploadId)).rejects.toMatchObject({ code: 'UPLOAD.NOT_FOUND' });
    expect(await audios.get('fresh')).toMatchObject({ status: 'uploading' });
    expect(await store.listParts(fresh.key, fresh.uploadId)).toEqual([]);
    expect(await audios.get('done')).toMatchObject({ status: 'uploaded' });
  });
});
