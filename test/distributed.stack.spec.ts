import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transcript } from '@speech/contracts';
import type { AnalysisResult } from '@speech/analysis';
import { MongoDocumentStore } from '@speech/persistence';
import { startServices, type RunningServices } from '@speech/harness';
import { Api, FIXTURES, freePort } from '@speech/harness';
import { testStackEnv } from '@speech/harness';
import { signToken } from '@speech/platform';

jest.setTimeout(10 * 60_000);

/** A live-update stream (GET /events) read as a browser's EventSource would: the views it was sent. */
function sseViews(baseUrl: string, token: string) {
  const views: { audioId: string; status: string }[] = [];
  const abort = new AbortController();
  let open: () => void = () => undefined;
  const opened = new Promise<void>((ok) => (open = ok));
  void (async () => {
    const res = await fetch(`${baseUrl}/events?access_token=${token}`, { signal: abort.signal });
    if (res.status !== 200 || !res.body) throw new Error(`GET /events → ${res.status}`);
    open();
    let buf = '';
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += Buffer.from(chunk).toString('utf8');
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, end);
        buf = buf.slice(end + 2);
        const data = frame.split('\n').find((l) => l.startsWith('data: '));
        if (frame.includes('event: recording') && data) views.push(JSON.parse(data.slice(6)) as (typeof views)[0]);
      }
    }
  })().catch(() => undefined);
  return {
    views,
    opened,
    close: () => abort.abort(),
    async until(cond: () => boolean, timeoutMs: number) {
      const deadline = Date.now() + timeoutMs;
      while (!cond()) {
        if (Date.now() > deadline)
          throw new Error(`${baseUrl}: the stream saw only ${JSON.stringify(views.map((v) => [v.audioId, v.status]))}`);
        await new Promise((r) => setTimeout(r, 250));
      }
    },
  };
}

/**
 * The distributed mode: six services as separate processes on Kafka + a schema registry,
 * a MongoDB-wire database and S3, driven through the gateway's public API.
 */
describe('distributed mode (six processes on Kafka, registry, MongoDB wire, S3)', () => {
  const run = randomUUID().slice(0, 8);
  const logDir = mkdtempSync(join(tmpdir(), 'speech-dist-'));
  const secret = randomUUID() + randomUUID();
  let services: RunningServices;
  let api: Api;

  beforeAll(async () => {
    services = await startServices({
      env: {
        ...testStackEnv(),
        // Everything this test makes has its own names: topics, databases, bucket.
        KAFKA_TOPIC_PREFIX: `e2e-${run}.`,
        MONGODB_DB_PREFIX: `e2e-${run}`,
        S3_BUCKET: `e2e-${run}`,
        AUTH_JWT_SECRET: secret,
        LOG_LEVEL: 'warn',
        STT_CONCURRENCY: '2',
        // Recordings over 90 s are cut as 1-minute time ranges, shared by the two chunkers.
        CHUNK_RANGE_MS: '60000',
      },
      replicas: { chunker: 2, query: 2 },
      gatewayPort: await freePort(),
      logDir,
    });
    const token = await signToken(secret, 'dist-user', '1h');
    api = new Api(services.gatewayUrl, token);
  });

  afterAll(async () => {
    await services?.stop();
    rmSync(logDir, { recursive: true, force: true });
  });

  it('takes a call from upload to analysis through the gateway', async () => {
    const res = await api.upload(join(FIXTURES, 'support-outage.stereo.mp3'));
    expect(res.status).toBe(201);
    const { audioId } = (await res.json()) as { audioId: string };
    await api.waitFor(audioId, 'ready', 120_000);
    expect((await api.post(`/analyze/${audioId}`)).status).toBe(409);
    expect((await api.post(`/transcribe/${audioId}`)).status).toBe(202);
    await api.waitFor(audioId, 'transcribed', 300_000);
    const transcript = await api.json<Transcript>(`/audios/${audioId}/transcript`);
    expect(new Set(transcript.segments.map((s) => s.speaker))).toEqual(new Set(['agent', 'customer']));
    expect(transcript.text).toContain('network outage');
    expect((await api.post(`/analyze/${audioId}`)).status).toBe(202);
    await api.waitFor(audioId, 'analyzed', 120_000);
    const analysis = await api.json<AnalysisResult>(`/audios/${audioId}/analysis`);
    expect(analysis.issues.some((i) => i.type === 'product')).toBe(true);
    expect(analysis.quiz.length).toBeGreaterThanOrEqual(3);
    // The dashboard is served through the gateway too.
    const page = await fetch(`${services.gatewayUrl}/`);
    expect(await page.text()).toContain('<html');
  });

  it('tells the live clients of every query replica about every recording, whichever replica applied it', async () => {
    // Each replica applies only its share of the partitions; both streams must see every change.
    const token = await signToken(secret, 'live-user', '1h');
    const streams = ['query', 'query-2'].map((name) => sseViews(`http://127.0.0.1:${services.ports[name]}`, token));
    await Promise.all(streams.map((s) => s.opened));
    const mine = new Api(services.gatewayUrl, token);
    const ids: string[] = [];
    for (const fixture of ['support-outage', 'sales-discovery', 'product-names']) {
      const res = await mine.upload(join(FIXTURES, `${fixture}.stereo.mp3`), { autoTranscribe: 'false' });
      expect(res.status).toBe(201);
      ids.push(((await res.json()) as { audioId: string }).audioId);
    }
    for (const id of ids) await mine.waitFor(id, 'ready', 180_000);
    try {
      for (const s of streams) {
        await s.until(() => ids.every((id) => s.views.some((v) => v.audioId === id && v.status === 'ready')), 60_000);
      }
    } finally {
      streams.forEach((s) => s.close());
    }
  });

  it('cuts a 20-minute call as time ranges on both chunker instances, tiling each channel', async () => {
    const long = join(logDir, 'long.mp3');
    execFileSync('ffmpeg', ['-v', 'error', '-stream_loop', '16', '-i', join(FIXTURES, 'support-outage.stereo.mp3'), '-t', '1200', '-c', 'copy', long]); // prettier-ignore
    const res = await api.upload(long);
    expect(res.status).toBe(201);
    const { audioId } = (await res.json()) as { audioId: string };
    const view = await api.waitFor(audioId, 'ready', 300_000);
    expect(view.durationMs).toBeGreaterThan(1_190_000);

    const docs = await MongoDocumentStore.connect(testStackEnv().MONGODB_URL!, `e2e-${run}-chunker`);
    try {
      const ranges = await docs
        .collection<{ _id: string; cutBy: string; chunkCount: number }>('chunk_ranges')
        .find({ audioId });
      expect(ranges).toHaveLength(20);
      // Both instances took ranges from the work topic.
      expect(new Set(ranges.map((r) => r.cutBy)).size).toBe(2);
      const chunks = await docs
        .collection<{ _id: string; channel: number; index: number; startMs: number; endMs: number }>('chunks')
        .find({ audioId }, { sort: { channel: 1, index: 1 } });
      expect(chunks).toHaveLength(view.chunkCount!);
      for (const ch of [0, 1]) {
        const mine = chunks.filter((c) => c.channel === ch);
        expect(mine.filter((c, i) => c.startMs !== (i === 0 ? 0 : mine[i - 1]!.endMs))).toEqual([]);
        expect(mine.at(-1)!.endMs).toBe(view.durationMs);
      }
    } finally {
      await docs.close();
    }
  });
});
