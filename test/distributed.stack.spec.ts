import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Transcript } from '@speech/contracts';
import type { AnalysisResult } from '@speech/analysis';
import { startServices, type RunningServices } from '../scripts/services';
import { Api, FIXTURES, freePort } from './support/platform';
import { testStackEnv } from './stack/test-stack';
import { SignJWT } from 'jose';

jest.setTimeout(10 * 60_000);

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
      },
      basePort: await freePort(),
      gatewayPort: await freePort(),
      logDir,
    });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('dist-user')
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(secret));
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
});
