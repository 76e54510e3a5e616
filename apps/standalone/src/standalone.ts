import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join, resolve } from 'node:path';
import { createAnalyst } from '@speech/llm-analyst';
import { probeAudio } from '@speech/audio';
import type { SqliteEventBus } from '@speech/messaging';
import {
  createHttpApp,
  finishHttpApp,
  Lifecycle,
  serveHttp,
  signToken,
  TokenVerifier,
  accessControl,
  type Logger,
} from '@speech/platform';
import { accessLimitsOf, openEmbeddedInfrastructure, serveOptionsOf } from '@speech/runtime';
import { startSpeechToText } from '@speech/stt';
import { createAnalyzer } from '@speech/analyzer';
import { createFfmpegChunker } from '@speech/chunker';
import { createMerger } from '@speech/merger';
import { createQueryService, DEFAULT_DASHBOARD_DIR } from '@speech/query';
import { createSttWorker } from '@speech/stt-worker';
import { mountUploadGateway } from '@speech/upload-gateway';
import type { StandaloneConfig } from './config';

export interface RunningPlatform {
  url: string;
  /** The supervised Whisper engine's pid, when this process runs one. */
  enginePid: () => number | null;
  server: Server;
  bus: SqliteEventBus;
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
  const verifier = new TokenVerifier({
    jwtSecret: secret,
    jwksUrl: cfg.AUTH_JWKS_URL,
    maxLifetimeSeconds: cfg.AUTH_MAX_TOKEN_HOURS * 3600,
  });
  const access = accessControl(verifier, accessLimitsOf(cfg));
  let url = cfg.PUBLIC_URL ?? `http://localhost:${cfg.PORT}`;
  const infra = await openEmbeddedInfrastructure(dataDir, log);
  const { docs, store, bus, database: tx } = infra;
  // STT_PROVIDER=whisper (the default) without WHISPER_URL: the engine runs as our supervised child.
  // Registered first, so it stops last: after the bus, with no chunk in flight.
  const speech = startSpeechToText(cfg, {
    workDir: join(dataDir, 'stt'),
    log: log.child({ component: 'whisper-engine' }),
  });
  lifecycle.onStop('speech-engine', () => speech.stop());
  const stt = speech.stt;
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
    tx,
    access,
    log: log.child({ service: 'query' }),
    dashboardDir: DEFAULT_DASHBOARD_DIR,
  });
  for (const s of [chunker, sttWorker, merger, analyzer, query]) s.subscribe();

  const app = createHttpApp({
    log,
    service: 'standalone',
    checks: [{ name: 'document-store', check: async () => void (await docs.collection('dashboard').count({})) }],
    metricsToken: cfg.METRICS_TOKEN,
  });
  const gateway = await mountUploadGateway(app, {
    bus,
    store,
    docs,
    tx,
    recordings: query.model,
    access,
    probe: probeAudio,
    log: log.child({ service: 'upload-gateway' }),
    config: {
      maxUploadBytes: cfg.MAX_UPLOAD_BYTES,
      publicUrl: () => url,
      uploadSigningKey: localSecret(dataDir, 'upload-signing-key'),
      uploadExpiryMs: cfg.UPLOAD_EXPIRY_HOURS * 3600_000,
    },
  });
  query.mount(app);
  finishHttpApp(app, log);

  await bus.start();
  lifecycle.onStop('database', () => infra.close());
  lifecycle.onStop('announcement-relay', async () => gateway.close());
  lifecycle.onStop('event-bus', () => bus.stop());

  const server = await serveHttp(app, serveOptionsOf(cfg), lifecycle);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.PORT;
  url = cfg.PUBLIC_URL ?? `http://localhost:${port}`;
  // A ready token only where this process made its own secret: a laptop, not a deployment that
  // configured one or an identity provider. Short-lived; `npm run token` mints another.
  const demoToken = !cfg.AUTH_JWT_SECRET && secret ? await signToken(secret, cfg.DEMO_USER, '12h') : null;
  return { url, server, bus, demoToken, enginePid: () => speech.engine?.pid ?? null, stop: () => lifecycle.stop() };
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
