import type { z } from 'zod';
import { analystProviderEnvSchema, refineAnalystProviderEnv, type AnalystProviderEnv } from '@speech/llm-analyst';
import { refineSttProviderEnv, sttProviderEnvSchema, type SttProviderEnv } from '@speech/stt';

/** Adds the STT_PROVIDER and LLM_PROVIDER keys (and their cross-key checks) to a service's config schema. */
export function withModelProviders<S extends z.ZodRawShape>(base: z.ZodObject<S>) {
  return base
    .extend(sttProviderEnvSchema.shape)
    .extend(analystProviderEnvSchema.shape)
    .superRefine((c, ctx) => {
      // The merged object holds both key sets; zod cannot prove that for a generic base.
      const env = c as unknown as SttProviderEnv & AnalystProviderEnv;
      refineSttProviderEnv(env, ctx);
      refineAnalystProviderEnv(env, ctx);
    });
}
