import { KafkaEventBus, SchemaRegistryCodec } from '@speech/messaging';
import { immediateTransactor, MongoDocumentStore } from '@speech/persistence';
import type { ServiceDefinition, ServiceInfra } from '@speech/service-kit';
import {
  createHttpApp,
  createLogger,
  finishHttpApp,
  Lifecycle,
  serveHttp,
  TokenVerifier,
  accessControl,
  type AccessControl,
  type Logger,
} from '@speech/platform';
import { S3ObjectStore } from '@speech/storage';
import { kafkaSecurity, loadDistributedConfig, schemaRegistryAuth, type DistributedConfig } from './distributed-config';
import { accessLimitsOf, serveOptionsOf } from './edge-settings';

export interface DistributedContext {
  cfg: DistributedConfig;
  log: Logger;
  /** Kafka (through the schema registry), MongoDB and S3, as a service is given them. */
  infra: ServiceInfra;
  /** Authentication and rate limits for a service with routes. */
  access: () => AccessControl;
}

/**
 * The composition root shared by every distributed service: parse config once, connect
 * Kafka (through the schema registry), MongoDB and S3, let the service subscribe and mount
 * routes, start consuming, serve HTTP, and stop gracefully on SIGTERM.
 */
export function runService(service: string, define: (ctx: DistributedContext) => Promise<ServiceDefinition>): void {
  const log = createLogger({ name: service, level: process.env.LOG_LEVEL });
  start(service, define, log).catch((err: unknown) => {
    log.fatal({ err }, 'failed to start');
    process.exit(1);
  });
}

async function start(
  service: string,
  define: (ctx: DistributedContext) => Promise<ServiceDefinition>,
  log: Logger,
): Promise<void> {
  const cfg = loadDistributedConfig();
  const lifecycle = new Lifecycle(log);
  lifecycle.installSignalHandlers();

  const codec = new SchemaRegistryCodec(cfg.SCHEMA_REGISTRY_URL, {
    topicPrefix: cfg.KAFKA_TOPIC_PREFIX,
    auth: schemaRegistryAuth(cfg),
  });
  await codec.registerAll();
  const bus = new KafkaEventBus({
    brokers: cfg.KAFKA_BROKERS,
    clientId: cfg.KAFKA_CLIENT_ID ?? service,
    security: kafkaSecurity(cfg),
    codec,
    log,
    topicPrefix: cfg.KAFKA_TOPIC_PREFIX,
    topics: { partitions: cfg.KAFKA_TOPIC_PARTITIONS, replicationFactor: cfg.KAFKA_REPLICATION_FACTOR },
  });
  const docs = await MongoDocumentStore.connect(cfg.MONGODB_URL, `${cfg.MONGODB_DB_PREFIX}-${service}`);
  lifecycle.onStop('mongodb', () => docs.close());
  const store = new S3ObjectStore({
    bucket: cfg.S3_BUCKET,
    region: cfg.AWS_REGION,
    endpoint: cfg.S3_ENDPOINT,
    accessKeyId: cfg.AWS_ACCESS_KEY_ID,
    secretAccessKey: cfg.AWS_SECRET_ACCESS_KEY,
  });
  await store.ensureBucket();
  // Only the services with routes build one: the others need no secret or identity provider.
  const access = () =>
    accessControl(
      new TokenVerifier({
        jwtSecret: cfg.AUTH_JWT_SECRET,
        jwksUrl: cfg.AUTH_JWKS_URL,
        maxLifetimeSeconds: cfg.AUTH_MAX_TOKEN_HOURS * 3600,
        claims: { rolesClaim: cfg.AUTH_ROLES_CLAIM, teamsClaim: cfg.AUTH_TEAMS_CLAIM },
      }),
      accessLimitsOf(cfg),
    );

  const infra: ServiceInfra = { bus, docs, store, tx: immediateTransactor, log };
  const def = await define({ cfg, log, infra, access });
  def.subscribe();
  // Closers run in reverse: the service's own stop comes after the bus has stopped delivering.
  lifecycle.onStop(service, () => def.stop?.() ?? Promise.resolve());
  await bus.start();
  lifecycle.onStop('kafka', () => bus.stop());

  const app = createHttpApp({
    log,
    service,
    checks: [{ name: 'mongodb', check: () => docs.ping() }],
    metricsToken: cfg.METRICS_TOKEN,
  });
  await def.mount?.(app);
  finishHttpApp(app, log);
  await serveHttp(app, serveOptionsOf(cfg), lifecycle);
  log.info({ port: cfg.PORT }, `${service} ready`);
}
