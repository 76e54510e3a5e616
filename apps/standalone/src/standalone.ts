import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { createAnalyst } from '@speech/llm-analyst';
import { probeAudio } from '@speech/audio';
import { InProcessEventBus } from '@speech/messaging';
import { NedbDocumentStore } from '@speech/persistence';
import {
  createHttpApp,
  finishHttpApp,
  Lifecycle,
  serveHttp,
  signToken,
  TokenVerifier,
  type Logger,
} from '@speech/platform';
import { FsObjectStore } from '@speech/storage';
import { createSpeechToText } from '@speech/stt';
import { createAnalyzer } from '@speech/analyzer';
import { createFfmpegChunker } from '@speech/chunker';
import { createMerger } from '@speech/merger';
import { createQueryService, DEFAULT_DASHBOARD_DIR } from '@speech/query';
import { createSttWorker } from '@speech/stt-worker';
import { mountUploadGateway } from '@speech/upload-gateway';
import type { StandaloneConfig } from './config';

export interface RunningPlatform {
  url: string;
  server: Server;
  bus: InProcessEventBus;
  demoToken: string | null;
  stop(): Promise<void>;
}

/**
 * Every service in one process: in-process bus, filesystem object store, embedded
 * document store, offline STT and analyst. All state lives under DATA_DIR, so a restart
 * (or a kill -9) resumes where it stopped.
 */
export async function startStandalone(cfg: StandaloneConfig, log: Logger): Promise<RunningPlatform> {
  const dataDir = resolve(cfg.DATA_DIR);
  mkdirSync(dataDir, { recursive: true });
  const lifecycle = new Lifecycle(log);

  const secret = cfg.AUTH_JWKS_URL ? undefined : (cfg.AUTH_JWT_SECRET ?? localSecret(dataDir, 'jwt-secret'));
  const verifier = new TokenVerifier({ jwtSecret: secret, jwksUrl: cfg.AUTH_JWKS_URL });
  const docs = new NedbDocumentStore(join(dataDir, 'db'));
  const store = new FsObjectStore(join(dataDir, 'objects'));
  const bus = new InProcessEventBus({ dataDir: join(dataDir, 'bus'), log: log.child({ component: 'bus' }) });
  const stt = createSpeechToText(cfg, { workDir: join(dataDir, 'stt') });
  const analyst = createAnalyst(cfg, { logger: log.child({ component: 'analyst' }) });

  const chunker = await createFfmpegChunker({ bus, store, docs, log: log.child({ service: 'chunker' }) }, cfg);
  const sttWorker = await createSttWorker({
    bus,
    store,
    docs,
    stt,
    log: log.child({ service: 'stt-worker' }),
    config: { maxAttempts: cfg.STT_MAX_ATTEMPTS, concurrency: Math.max(1, cfg.STT_CONCURRENCY) },
  });
  const merger = await createMerger({ bus, store, docs, log: log.child({ service: 'merger' }) });
  const analyzer = await createAnalyzer({
    bus,
    store,
    docs,
    analyst,
    log: log.child({ service: 'analyzer' }),
    config: { maxAttempts: cfg.ANALYSIS_MAX_ATTEMPTS },
  });
  const query = await createQueryService({
    bus,
    store,
    docs,
    verifier,
    log: log.child({ service: 'query' }),
    dashboardDir: DEFAULT_DASHBOARD_DIR,
  });
  for (const s of [chunker, sttWorker, merger, analyzer, query]) s.subscribe();

  const app = createHttpApp({
    log,
    service: 'standalone',
    checks: [{ name: 'document-store', check: async () => void (await docs.collection('dashboard').count({})) }],
  });
  await mountUploadGateway(app, {
    bus,
    store,
    docs,
    recordings: query.model,
    verifier,
    probe: probeAudio,
    log: log.child({ service: 'upload-gateway' }),
    config: {
      maxUploadBytes: cfg.MAX_UPLOAD_BYTES,
      rateLimitPerMinute: cfg.RATE_LIMIT_PER_MINUTE,
      uploadSigningKey: localSecret(dataDir, 'upload-signing-key'),
    },
  });
  query.mount(app);
  finishHttpApp(app, log);

  await bus.start();
  lifecycle.onStop('document-store', () => docs.close());
  lifecycle.onStop('event-bus', () => bus.stop());

  const server = await serveHttp(app, { port: cfg.PORT, host: cfg.HOST }, lifecycle);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.PORT;
  const url = `http://localhost:${port}`;
  const demoToken = secret ? await signToken(secret, cfg.DEMO_USER) : null;
  return { url, server, bus, demoToken, stop: () => lifecycle.stop() };
}

/** A secret generated once and kept in DATA_DIR (the JWT secret when none is configured). */
function localSecret(dataDir: string, name: string): string {
  const file = join(dataDir, name);
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}
