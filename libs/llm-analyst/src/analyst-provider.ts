/**
 * Chooses the analyst from configuration (LLM_PROVIDER). Services merge
 * `analystProviderEnvSchema.shape` into their config schema, add
 * `.superRefine(refineAnalystProviderEnv)` to report missing credentials at start-up, and call
 * `createAnalyst(cfg, { logger })`.
 *
 *   LLM_PROVIDER=local         the offline rule-based analyst (default)
 *   LLM_PROVIDER=openai        OPENAI_BASE_URL, OPENAI_API_KEY, LLM_MODEL (the `openai` SDK)
 *   LLM_PROVIDER=azure-openai  AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY, AZURE_OPENAI_DEPLOYMENT,
 *                              AZURE_OPENAI_API_VERSION (the SDK's AzureOpenAI client)
 *
 * OPENAI_* and AZURE_OPENAI_* are shared with the STT providers' schema (libs/stt
 * `sttProviderEnvSchema`): both take them from libs/platform `openAiEnvShape`, so merging both
 * schemas is safe.
 */
import type { HttpSeams } from '@speech/kernel';
import { configNeeds, openAiEnvShape, refineWith, throwConfigProblems, type ConfigProblem } from '@speech/platform';
import { z } from 'zod';
import { type Analyst, OfflineAnalyst } from '@speech/analysis';
import { OpenAiChatModel, azureOpenAiClient, openAiClient } from './chat-model';
import { DEFAULT_WINDOW_TOKENS, LlmAnalyst, type AnalystLogger } from './llm-analyst';

export const LLM_PROVIDERS = ['local', 'openai', 'azure-openai'] as const;
export type LlmProvider = (typeof LLM_PROVIDERS)[number];

const str = () => z.string().trim().min(1);
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);

/** Env keys of the analyst providers. Plain object (no refinements), so `.extend(shape)` works. */
export const analystProviderEnvSchema = z.object({
  /** Who analyses transcripts: local (offline rules, default), openai, azure-openai. */
  LLM_PROVIDER: z.enum(LLM_PROVIDERS).default('local'),
  /** Chat model for LLM_PROVIDER=openai; must support structured outputs (json_schema, strict). */
  LLM_MODEL: str().default('gpt-4o-mini'),
  /** Transcript tokens (≈ chars / 4) per map request; also the budget of the final request's input. */
  LLM_WINDOW_TOKENS: int(DEFAULT_WINDOW_TOKENS, 200),
  /** Model requests in flight at once, per process (map windows of one or several analyses). */
  LLM_CONCURRENCY: int(4, 1),
  /** Timeout per model request. */
  LLM_TIMEOUT_MS: int(120_000, 1),
  /** Attempts per request on 429/5xx/timeouts (Retry-After honoured up to 60 s), before the analyzer's retries. */
  LLM_REQUEST_ATTEMPTS: int(4, 1),
  /** Follow-up requests carrying the validation errors when an answer does not validate. */
  LLM_MAX_REPAIRS: int(1, 0),
  /** Sampling temperature; unset sends none (some models accept only their default). */
  LLM_TEMPERATURE: z.coerce.number().min(0).max(2).optional(),
  /** max_completion_tokens per request; unset lets the model decide. */
  LLM_MAX_OUTPUT_TOKENS: z.coerce.number().int().positive().optional(),

  ...openAiEnvShape,
  /** The chat deployment for LLM_PROVIDER=azure-openai. */
  AZURE_OPENAI_DEPLOYMENT: str().optional(),
});

export type AnalystProviderEnv = z.infer<typeof analystProviderEnvSchema>;

export function analystProviderEnvProblems(cfg: AnalystProviderEnv): ConfigProblem[] {
  const { problems, need } = configNeeds(cfg, 'LLM_PROVIDER');
  if (cfg.LLM_PROVIDER === 'openai') need('OPENAI_API_KEY', 'bearer key');
  if (cfg.LLM_PROVIDER === 'azure-openai') {
    need('AZURE_OPENAI_ENDPOINT', 'resource endpoint');
    need('AZURE_OPENAI_API_KEY', 'api-key');
    need('AZURE_OPENAI_DEPLOYMENT', 'chat deployment name');
  }
  return problems;
}

/** For `schema.superRefine(refineAnalystProviderEnv)` in a service's config schema. */
export const refineAnalystProviderEnv = refineWith(analystProviderEnvProblems);

/** The analyst's logger (pino's Logger fits), and test seams. */
export interface AnalystDeps extends HttpSeams {
  logger?: AnalystLogger;
}

/** The configured analyst. Throws CONFIG.INVALID when the provider's keys are missing. */
export function createAnalyst(cfg: AnalystProviderEnv, deps: AnalystDeps = {}): Analyst {
  throwConfigProblems(analystProviderEnvProblems(cfg));
  if (cfg.LLM_PROVIDER === 'local') return new OfflineAnalyst();
  const common = {
    temperature: cfg.LLM_TEMPERATURE,
    maxOutputTokens: cfg.LLM_MAX_OUTPUT_TOKENS,
    timeoutMs: cfg.LLM_TIMEOUT_MS,
    retry: { maxAttempts: cfg.LLM_REQUEST_ATTEMPTS },
    sleep: deps.sleep,
  };
  const model =
    cfg.LLM_PROVIDER === 'openai'
      ? new OpenAiChatModel({
          ...common,
          provider: 'openai',
          model: cfg.LLM_MODEL,
          client: openAiClient({
            apiKey: cfg.OPENAI_API_KEY as string,
            baseUrl: cfg.OPENAI_BASE_URL,
            fetch: deps.fetch,
          }),
        })
      : new OpenAiChatModel({
          ...common,
          provider: 'azure-openai',
          model: cfg.AZURE_OPENAI_DEPLOYMENT as string,
          client: azureOpenAiClient({
            endpoint: cfg.AZURE_OPENAI_ENDPOINT as string,
            apiKey: cfg.AZURE_OPENAI_API_KEY as string,
            deployment: cfg.AZURE_OPENAI_DEPLOYMENT as string,
            apiVersion: cfg.AZURE_OPENAI_API_VERSION,
            fetch: deps.fetch,
          }),
        });
  return new LlmAnalyst({
    model,
    windowTokens: cfg.LLM_WINDOW_TOKENS,
    concurrency: cfg.LLM_CONCURRENCY,
    maxRepairs: cfg.LLM_MAX_REPAIRS,
    logger: deps.logger,
  });
}
