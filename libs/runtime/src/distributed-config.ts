import { z } from 'zod';
import { env, parseConfig } from '@speech/platform';
import { withModelProviders } from './model-providers-config';
import { pipelineSettings } from './pipeline-settings';

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
  SCHEMA_REGISTRY_URL: z.url(),
  MONGODB_URL: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// URL'),
  /** Each service gets its own database: `<prefix>-<service>`. */
  MONGODB_DB_PREFIX: env.str('speech'),
  S3_BUCKET: env.str('speech'),
  S3_ENDPOINT: z.url().optional(),
  AWS_REGION: env.str('us-east-1'),
  AWS_ACCESS_KEY_ID: env.optional(),
  AWS_SECRET_ACCESS_KEY: env.optional(),
  AUTH_JWT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  AUTH_JWKS_URL: z.url().optional(),
  /** upload-gateway: where the query service answers. */
  QUERY_URL: z.url().default('http://localhost:8086'),
  WORK_DIR: env.str('/tmp/speech'),
  ...pipelineSettings,
});

/** Plus the STT_PROVIDER and LLM_PROVIDER keys (see README). */
export const distributedConfigSchema = withModelProviders(baseSchema);

export type DistributedConfig = z.infer<typeof distributedConfigSchema>;

export function loadDistributedConfig(source: NodeJS.ProcessEnv = process.env): DistributedConfig {
  return parseConfig(distributedConfigSchema, source);
}
