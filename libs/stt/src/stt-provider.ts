/**
 * Chooses the speech-to-text engine from configuration (STT_PROVIDER). Services merge
 * `sttProviderEnvSchema.shape` into their own config schema, add
 * `.superRefine(refineSttProviderEnv)` to report missing credentials at start-up, and call
 * `createSpeechToText(cfg, { workDir })`.
 *
 *   STT_PROVIDER=pocketsphinx  offline (default): POCKETSPHINX_MODEL_DIR
 *   STT_PROVIDER=azure         Azure AI Speech: AZURE_SPEECH_KEY + AZURE_SPEECH_REGION or AZURE_SPEECH_ENDPOINT
 *   STT_PROVIDER=openai        POST {OPENAI_BASE_URL}/audio/transcriptions: OPENAI_API_KEY, STT_MODEL
 *   STT_PROVIDER=azure-openai  an Azure OpenAI Whisper deployment: AZURE_OPENAI_ENDPOINT,
 *                              AZURE_OPENAI_API_KEY, AZURE_OPENAI_STT_DEPLOYMENT, AZURE_OPENAI_API_VERSION
 *
 * OPENAI_* and AZURE_OPENAI_* are shared with the LLM analyst's schema (libs/analysis
 * `analystProviderEnvSchema`) and defined identically, so merging both schemas is safe.
 */
import { AppError } from '@speech/contracts';
import { z } from 'zod';
import { AzureSpeechToText, type AzureRecognizerFactory } from './azure-speech.adapter';
import { OpenAiTranscriptionSpeechToText } from './openai-transcription.adapter';
import { DEFAULT_POCKETSPHINX_MODEL_DIR, PocketsphinxSpeechToText } from './pocketsphinx.adapter';
import type { Sleep } from './resilience';
import type { SpeechToText } from './speech-to-text.port';

export const STT_PROVIDERS = ['pocketsphinx', 'azure', 'openai', 'azure-openai'] as const;
export type SttProvider = (typeof STT_PROVIDERS)[number];

const str = () => z.string().trim().min(1);
const int = (def: number, min = 0) => z.coerce.number().int().min(min).default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Env keys of the STT providers. Plain object (no refinements), so `.extend(shape)` works. */
export const sttProviderEnvSchema = z.object({
  /** Which engine transcribes chunks: pocketsphinx (offline, default), azure, openai, azure-openai. */
  STT_PROVIDER: z.enum(STT_PROVIDERS).default('pocketsphinx'),
  /**
   * BCP-47 language for uploads that name none (e.g. en-US). Cloud providers only; unset: Azure
   * uses en-US, OpenAI detects the language. pocketsphinx has an English model only.
   */
  STT_LANGUAGE: str().optional(),
  /** Transcription model for openai / azure-openai; must support response_format=verbose_json. */
  STT_MODEL: str().default('whisper-1'),
  /** Per request (cloud providers). Unset: max(60 s, 2 × the chunk's length). */
  STT_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  /** Attempts per chunk inside the adapter (429/5xx/timeouts), before the stt-worker's own retries. */
  STT_REQUEST_ATTEMPTS: int(4, 1),
  /** Cloud requests in flight at once per process (below STT_CONCURRENCY it caps the API, not the worker). */
  STT_REQUEST_CONCURRENCY: int(4, 1),
  /** Offline acoustic and language model (pocketsphinx). */
  POCKETSPHINX_MODEL_DIR: str().default(DEFAULT_POCKETSPHINX_MODEL_DIR),

  /** Azure AI Speech resource key. */
  AZURE_SPEECH_KEY: str().optional(),
  /** Azure AI Speech region, e.g. westeurope. */
  AZURE_SPEECH_REGION: str().optional(),
  /** Custom Azure AI Speech endpoint (private link, sovereign cloud, container); wins over the region. */
  AZURE_SPEECH_ENDPOINT: z.url().optional(),
  /**
   * Diarize every chunk with ConversationTranscriber (mono recordings). Default false; the
   * stt-worker can also ask per chunk (CloudTranscribeInput.diarize).
   */
  AZURE_SPEECH_DIARIZE: bool(false),

  /** OpenAI-compatible API root (shared with LLM_PROVIDER=openai). */
  OPENAI_BASE_URL: z.url().default('https://api.openai.com/v1'),
  /** Bearer key for OPENAI_BASE_URL (shared with LLM_PROVIDER=openai). */
  OPENAI_API_KEY: str().optional(),
  /** Azure OpenAI resource endpoint, e.g. https://my-resource.openai.azure.com (shared with the LLM). */
  AZURE_OPENAI_ENDPOINT: z.url().optional(),
  /** Azure OpenAI key, sent as `api-key` (shared with the LLM). */
  AZURE_OPENAI_API_KEY: str().optional(),
  /** Azure OpenAI REST api-version (shared with the LLM). */
  AZURE_OPENAI_API_VERSION: str().default('2024-10-21'),
  /** The Whisper deployment for STT_PROVIDER=azure-openai (the chat deployment is AZURE_OPENAI_DEPLOYMENT). */
  AZURE_OPENAI_STT_DEPLOYMENT: str().optional(),
});

export type SttProviderEnv = z.infer<typeof sttProviderEnvSchema>;

/** What a provider still lacks; empty when the configuration is complete. */
export function sttProviderEnvProblems(cfg: SttProviderEnv): Array<{ key: string; message: string }> {
  const problems: Array<{ key: string; message: string }> = [];
  const need = (key: keyof SttProviderEnv, why: string): void => {
    if (cfg[key] === undefined)
      problems.push({ key, message: `required when STT_PROVIDER=${cfg.STT_PROVIDER} (${why})` });
  };
  switch (cfg.STT_PROVIDER) {
    case 'azure':
      need('AZURE_SPEECH_KEY', 'Azure AI Speech key');
      if (!cfg.AZURE_SPEECH_REGION && !cfg.AZURE_SPEECH_ENDPOINT) {
        problems.push({
          key: 'AZURE_SPEECH_REGION',
          message: 'AZURE_SPEECH_REGION or AZURE_SPEECH_ENDPOINT is required when STT_PROVIDER=azure',
        });
      }
      break;
    case 'openai':
      need('OPENAI_API_KEY', 'bearer key');
      break;
    case 'azure-openai':
      need('AZURE_OPENAI_ENDPOINT', 'resource endpoint');
      need('AZURE_OPENAI_API_KEY', 'api-key');
      need('AZURE_OPENAI_STT_DEPLOYMENT', 'Whisper deployment name');
      break;
    case 'pocketsphinx':
      break;
  }
  return problems;
}

/** For `schema.superRefine(refineSttProviderEnv)` in a service's config schema. */
export function refineSttProviderEnv(cfg: SttProviderEnv, ctx: z.RefinementCtx): void {
  for (const p of sttProviderEnvProblems(cfg)) ctx.addIssue({ code: 'custom', path: [p.key], message: p.message });
}

export interface SpeechToTextDeps {
  /** Writable directory for pocketsphinx's model copies (DATA_DIR/stt, WORK_DIR). */
  workDir?: string;
  /** Test seams. */
  fetch?: typeof fetch;
  sleep?: Sleep;
  createAzureRecognizer?: AzureRecognizerFactory;
}

/** The configured engine. Throws CONFIG.INVALID when the provider's keys are missing. */
export function createSpeechToText(cfg: SttProviderEnv, deps: SpeechToTextDeps = {}): SpeechToText {
  const problems = sttProviderEnvProblems(cfg);
  if (problems.length) {
    throw new AppError(
      'CONFIG.INVALID',
      `invalid configuration:\n${problems.map((p) => `  ${p.key}: ${p.message}`).join('\n')}`,
    );
  }
  const common = {
    defaultLanguage: cfg.STT_LANGUAGE,
    timeoutMs: cfg.STT_TIMEOUT_MS,
    retry: { maxAttempts: cfg.STT_REQUEST_ATTEMPTS },
    concurrency: cfg.STT_REQUEST_CONCURRENCY,
    sleep: deps.sleep,
  };
  switch (cfg.STT_PROVIDER) {
    case 'pocketsphinx':
      return new PocketsphinxSpeechToText({ modelDir: cfg.POCKETSPHINX_MODEL_DIR, workDir: deps.workDir });
    case 'azure':
      return new AzureSpeechToText({
        ...common,
        key: cfg.AZURE_SPEECH_KEY as string,
        region: cfg.AZURE_SPEECH_REGION,
        endpoint: cfg.AZURE_SPEECH_ENDPOINT,
        diarize: cfg.AZURE_SPEECH_DIARIZE,
        createRecognizer: deps.createAzureRecognizer,
      });
    case 'openai':
      return new OpenAiTranscriptionSpeechToText({
        ...common,
        target: { kind: 'openai', baseUrl: cfg.OPENAI_BASE_URL, apiKey: cfg.OPENAI_API_KEY as string },
        model: cfg.STT_MODEL,
        fetch: deps.fetch,
      });
    case 'azure-openai':
      return new OpenAiTranscriptionSpeechToText({
        ...common,
        target: {
          kind: 'azure',
          endpoint: cfg.AZURE_OPENAI_ENDPOINT as string,
          deployment: cfg.AZURE_OPENAI_STT_DEPLOYMENT as string,
          apiVersion: cfg.AZURE_OPENAI_API_VERSION,
          apiKey: cfg.AZURE_OPENAI_API_KEY as string,
        },
        model: cfg.STT_MODEL,
        fetch: deps.fetch,
      });
  }
}
