import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { testStackEnv } from '@speech/harness';
import { objectStorePrefixContract, objectStoreRangeContract } from './object-store.contract';
import { S3ObjectStore } from './s3-object-store';

async function text(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

describe('S3ObjectStore on an S3-compatible server', () => {
  let store: S3ObjectStore;

  beforeEach(async () => {
    const env = testStackEnv();
    store = new S3ObjectStore({
      bucket: `test-${randomUUID()}`,
      region: env.AWS_REGION,
      endpoint: env.S3_ENDPOINT,
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    });
    await store.ensureBucket();
  });
  afterEach(() => store.close());

  it('streams an object in and out, with ranged reads', async () => {
    // 20 MiB through a stream: more than one multipart part.
    const part = Buffer.alloc(1024 * 1024, 'a');
    const body = Readable.from(
      (function* () {
        for (let i = 0; i < 20; i++)
          yield i === 19 ? Buffer.concat([part.subarray(0, part.length - 5), Buffer.from('hello')]) : part;
      })(),
    );
    const info = await store.put('big/object', body, { contentType: 'application/octet-stream' });
    expect(info.sizeBytes).toBe(20 * 1024 * 1024);
    expect((await store.head('big/object'))?.sizeBytes).toBe(20 * 1024 * 1024);
    expect(await text(await store.get('big/object', { start: 20 * 1024 * 1024 - 5 }))).toBe('hello');
    expect(await text(await store.get('big/object', { start: 0, end: 2 }))).toBe('aaa');
  });

  it('stores small documents, deletes them, and reports missing ones', async () => {
    await store.putBuffer('doc.json', '{"a":1}', { contentType: 'application/json' });
    expect((await store.getBuffer('doc.json')).toString()).toBe('{"a":1}');
    await store.delete('doc.json');
    expect(await store.head('doc.json')).toBeNull();
    await expect(store.get('doc.json')).rejects.toMatchObject({ code: 'STORAGE.NOT_FOUND', retriable: false });
  });

  it('hands out pre-signed URLs that read the object (this is how ffmpeg reads from S3)', async () => {
    await store.putBuffer('audio/x', 'RIFF-bytes');
    const url = await store.locate('audio/x');
    const res = await fetch(url, { headers: { range: 'bytes=0-3' } });
    expect(res.status).toBe(206);
    expect(await res.text()).toBe('RIFF');
  });

  it('completes a multipart upload whose parts were PUT to pre-signed URLs, resuming from the part list', async () => {
    const key = 'uploads/resumable';
    const id = await store.createMultipart(key, { contentType: 'audio/mpeg' });
    const parts = [Buffer.alloc(5 * 1024 * 1024, 1), Buffer.from('tail')];
    // First sitting: part 1 only.
    const r1 = await fetch(await store.presignPart(key, id, 1), { method: 'PUT', body: parts[0] });
    expect(r1.status).toBe(200);
    // A new client asks what is there, and sends the rest.
    const have = await store.listParts(key, id);
    expect(have.map((p) => p.partNumber)).toEqual([1]);
    const r2 = await fetch(await store.presignPart(key, id, 2), { method: 'PUT', body: parts[1] });
    const etag2 = (r2.headers.get('etag') ?? '').replaceAll('"', '');
    await store.completeMultipart(key, id, [have[0], { partNumber: 2, etag: etag2 }]);
    expect((await store.head(key))?.sizeBytes).toBe(5 * 1024 * 1024 + 4);
  });
});

objectStoreRangeContract('S3', async () => {
  const env = testStackEnv();
  const store = new S3ObjectStore({
    bucket: `test-${randomUUID()}`,
    region: env.AWS_REGION,
    endpoint: env.S3_ENDPOINT,
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
  });
  await store.ensureBucket();
  return { store, close: () => store.close() };
});

objectStorePrefixContract('S3', async () => {
  const env = testStackEnv();
  const store = new S3ObjectStore({
    bucket: `test-${randomUUID()}`,
    region: env.AWS_REGION,
    endpoint: env.S3_ENDPOINT,
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
  });
  await store.ensureBucket();
  return { store, close: () => store.close() };
});
