import { z } from 'zod';
import { env, parseConfig } from '@speech/platform';
import { authSettings, edgeSettings, pipelineSettings, withModelProviders } from '@speech/runtime';

const baseSchema = z.object({
  PORT: env.int(8080),
  HOST: env.str('0.0.0.0'),
  DATA_DIR: env.str('./data'),
  LOG_LEVEL: env.logLevel(),
  /** The `sub` of the token printed at start-up. */
  DEMO_USER: env.str('demo'),
  /** Commits between compactions of the event log (what every group has consumed is deleted). */
  EVENT_LOG_COMPACT_EVERY: env.int(500),
  ...authSettings,
  ...pipelineSettings,
  ...edgeSettings,
});

/** The single process's keys, plus the STT_PROVIDER and LLM_PROVIDER keys (see README). */
export const standaloneConfigSchema = withModelProviders(baseSchema);

export type StandaloneConfig = z.infer<typeof standaloneConfigSchema>;

export function loadStandaloneConfig(source: NodeJS.ProcessEnv = process.env): StandaloneConfig {
  return parseConfig(standaloneConfigSchema, source);
}
