import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { KafkaSecurityConfig } from '@speech/messaging';
import { env, parseConfig } from '@speech/platform';
import { withModelProviders } from './model-providers-config';
import { authSettings } from './auth-settings';
import { edgeSettings } from './edge-settings';
import { pipelineSettings } from './pipeline-settings';

const KAFKA_SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;

/** zod's url() alone accepts `minio:9000` (scheme "minio"): the services speak HTTP(S) only. */
const httpUrl = () => z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });

/** The environment every distributed service reads (one schema; each service uses what it needs). */
const baseSchema = z.object({
  PORT: env.int(8080),
  HOST: env.str('0.0.0.0'),
  LOG_LEVEL: env.logLevel(),
  KAFKA_BROKERS: z
    .string()
    .min(1, 'is required (e.g. localhost:9092)')
    .transform((s) =>
      s
        .split(',')
        .map((b) => b.trim())
        .filter(Boolean),
    ),
  KAFKA_CLIENT_ID: env.optional(),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().positive().optional(),
  KAFKA_REPLICATION_FACTOR: env.int(1),
  /** TLS to the brokers (managed Kafka: Confluent Cloud, MSK, Aiven, Event Hubs …). */
  KAFKA_TLS: env.bool(false),
  /** PEM bundle of the CA that signed the brokers' certificates; unset: the system's CAs. */
  KAFKA_TLS_CA_FILE: env.optional(),
  /** Only for a test cluster with self-signed certificates and no CA file at hand. */
  KAFKA_TLS_REJECT_UNAUTHORIZED: env.bool(true),
  KAFKA_SASL_MECHANISM: z.enum(KAFKA_SASL_MECHANISMS).optional(),
  KAFKA_SASL_USERNAME: env.optional(),
  KAFKA_SASL_PASSWORD: env.optional(),
  SCHEMA_REGISTRY_URL: httpUrl(),
  /** HTTP basic auth for the registry (Confluent Cloud: the registry API key and secret). */
  SCHEMA_REGISTRY_USERNAME: env.optional(),
  SCHEMA_REGISTRY_PASSWORD: env.optional(),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL'),
  /** Each service gets its own database: `<prefix>-<service>`. */
  MONGODB_DB_PREFIX: env.str('speech'),
  S3_BUCKET: env.str('speech'),
  S3_ENDPOINT: httpUrl().optional(),
  AWS_REGION: env.str('us-east-1'),
  AWS_ACCESS_KEY_ID: env.optional(),
  AWS_SECRET_ACCESS_KEY: env.optional(),
  /** upload-gateway: where the query service answers. */
  QUERY_URL: httpUrl().default('http://localhost:8086'),
  WORK_DIR: env.str('/tmp/speech'),
  ...authSettings,
  ...pipelineSettings,
  ...edgeSettings,
});

type BaseConfig = z.infer<typeof baseSchema>;

/** Keys that only make sense together: reported at start-up, not at the first broker connection. */
function refineConnections(c: BaseConfig, ctx: z.RefinementCtx): void {
  const issue = (key: keyof BaseConfig, message: string) => ctx.addIssue({ code: 'custom', path: [key], message });
  if (c.KAFKA_SASL_MECHANISM) {
    if (!c.KAFKA_SASL_USERNAME)
      issue('KAFKA_SASL_USERNAME', `required when KAFKA_SASL_MECHANISM=${c.KAFKA_SASL_MECHANISM}`);
    if (!c.KAFKA_SASL_PASSWORD)
      issue('KAFKA_SASL_PASSWORD', `required when KAFKA_SASL_MECHANISM=${c.KAFKA_SASL_MECHANISM}`);
  } else if (c.KAFKA_SASL_USERNAME || c.KAFKA_SASL_PASSWORD) {
    issue('KAFKA_SASL_MECHANISM', `required with KAFKA_SASL_USERNAME/PASSWORD (${KAFKA_SASL_MECHANISMS.join(', ')})`);
  }
  if (c.KAFKA_TLS_CA_FILE && !c.KAFKA_TLS) issue('KAFKA_TLS', 'must be true when KAFKA_TLS_CA_FILE is set');
  if (Boolean(c.SCHEMA_REGISTRY_USERNAME) !== Boolean(c.SCHEMA_REGISTRY_PASSWORD)) {
    issue(
      c.SCHEMA_REGISTRY_USERNAME ? 'SCHEMA_REGISTRY_PASSWORD' : 'SCHEMA_REGISTRY_USERNAME',
      'SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD go together',
    );
  }
}

/** Plus the STT_PROVIDER and LLM_PROVIDER keys (see README). */
export const distributedConfigSchema = withModelProviders(baseSchema).superRefine((c, ctx) =>
  refineConnections(c, ctx),
);

export type DistributedConfig = z.infer<typeof distributedConfigSchema>;

export function loadDistributedConfig(source: NodeJS.ProcessEnv = process.env): DistributedConfig {
  return parseConfig(distributedConfigSchema, source);
}

/** The KafkaEventBus `security` option from the config (undefined: plaintext, no SASL). */
export function kafkaSecurity(cfg: DistributedConfig): KafkaSecurityConfig | undefined {
  if (!cfg.KAFKA_TLS && !cfg.KAFKA_SASL_MECHANISM) return undefined;
  return {
    tls: cfg.KAFKA_TLS
      ? {
          ca: cfg.KAFKA_TLS_CA_FILE ? readFileSync(cfg.KAFKA_TLS_CA_FILE, 'utf8') : undefined,
          rejectUnauthorized: cfg.KAFKA_TLS_REJECT_UNAUTHORIZED,
        }
      : undefined,
    sasl:
      cfg.KAFKA_SASL_MECHANISM && cfg.KAFKA_SASL_USERNAME && cfg.KAFKA_SASL_PASSWORD
        ? { mechanism: cfg.KAFKA_SASL_MECHANISM, username: cfg.KAFKA_SASL_USERNAME, password: cfg.KAFKA_SASL_PASSWORD }
        : undefined,
  };
}

/** The schema registry's basic auth from the config. */
export function schemaRegistryAuth(cfg: DistributedConfig): { username: string; password: string } | undefined {
  return cfg.SCHEMA_REGISTRY_USERNAME && cfg.SCHEMA_REGISTRY_PASSWORD
    ? { username: cfg.SCHEMA_REGISTRY_USERNAME, password: cfg.SCHEMA_REGISTRY_PASSWORD }
    : undefined;
}
