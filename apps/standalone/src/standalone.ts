import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { Express } from 'express';
import { join, resolve } from 'node:path';
import { createAnalyst } from '@speech/llm-analyst';
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
import { defineAnalyzer } from '@speech/analyzer';
import { defineChunker } from '@speech/chunker';
import { defineMerger } from '@speech/merger';
import { defineQuery } from '@speech/query';
import { SqliteSearchIndex } from '@speech/search';
import type { ServiceDefinition, ServiceInfra } from '@speech/service-kit';
import { defineSttWorker } from '@speech/stt-worker';
import { defineUploadGateway } from '@speech/upload-gateway';
import type { StandaloneConfig } from './config';

export interface RunningPlatform {
  url: string;
  /** The supervised Whisper engine's pid, when this process runs one. */
  enginePid: () => number | null;
  server: Server;
  /** The HTTP app, every route mounted (api-routes.spec.ts compares them with the OpenAPI document). */
  app: Express;
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
    claims: { rolesClaim: cfg.AUTH_ROLES_CLAIM, teamsClaim: cfg.AUTH_TEAMS_CLAIM },
  });
  const access = accessControl(verifier, accessLimitsOf(cfg));
  let url = cfg.PUBLIC_URL ?? `http://localhost:${cfg.PORT}`;
  const infra = await openEmbeddedInfrastructure(dataDir, log, { compactEvery: cfg.EVENT_LOG_COMPACT_EVERY });
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

  // The six services, defined as each one's own process defines it, sharing one database.
  const infraOf = (service: string): ServiceInfra => ({ bus, store, docs, tx, log: log.child({ service }) });
  const query = await defineQuery(infraOf('query'), access, 'in-process', new SqliteSearchIndex(tx));
  const services: ServiceDefinition[] = [
    await defineChunker(infraOf('chunker'), cfg),
    await defineSttWorker(infraOf('stt-worker'), stt, cfg),
    await defineMerger(infraOf('merger'), cfg),
    await defineAnalyzer(infraOf('analyzer'), analyst, cfg),
    query,
    // Read-your-writes: the gateway reads the read model in process.
    await defineUploadGateway(
      infraOf('upload-gateway'),
      {
        recordings: query.model,
        access,
        publicUrl: () => url,
        uploadSigningKey: localSecret(dataDir, 'upload-signing-key'),
      },
      cfg,
    ),
  ];
  for (const s of services) s.subscribe();

  const app = createHttpApp({
    log,
    service: 'standalone',
    checks: [{ name: 'document-store', check: async () => void (await docs.collection('dashboard').count({})) }],
    metricsToken: cfg.METRICS_TOKEN,
  });
  // The gateway first: its GET /audios/:id answers for a recording the read model has not seen yet.
  for (const s of [...services].reverse()) await s.mount?.(app);
  finishHttpApp(app, log);

  lifecycle.onStop('database', () => infra.close());
  for (const s of services) lifecycle.onStop(s.name, () => s.stop?.() ?? Promise.resolve());
  await bus.start();
  lifecycle.onStop('event-bus', () => bus.stop());

  const server = await serveHttp(app, serveOptionsOf(cfg), lifecycle);
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : cfg.PORT;
  url = cfg.PUBLIC_URL ?? `http://localhost:${port}`;
  // A ready token only where this process made its own secret: a laptop, not a deployment that
  // configured one or an identity provider. Short-lived; `npm run token` mints another.
  const demoToken = !cfg.AUTH_JWT_SECRET && secret ? await signToken(secret, cfg.DEMO_USER, '12h') : null;
  return {
    url,
    server,
    app,
    bus,
    demoToken,
    enginePid: () => speech.engine?.pid ?? null,
    stop: () => lifecycle.stop(),
  };
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
