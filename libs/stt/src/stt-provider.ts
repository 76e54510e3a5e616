/**
 * Chooses the speech-to-text engine from configuration (STT_PROVIDER). Services merge
 * `sttProviderEnvSchema.shape` into their own config schema, add
 * `.superRefine(refineSttProviderEnv)` to report missing credentials at start-up, and call
 * `createSpeechToText(cfg, { workDir })`.
 *
 *   STT_PROVIDER=whisper       offline (default): Whisper (engines/whisper) at WHISPER_URL, or, unset, an
 *                              engine the single process supervises on WHISPER_PORT (WHISPER_MODEL,
 *                              WHISPER_MODEL_DIR, WHISPER_THREADS, WHISPER_CONCURRENCY)
 *   STT_PROVIDER=pocketsphinx  offline, the older engine: POCKETSPHINX_MODEL_DIR
 *   STT_PROVIDER=azure         Azure AI Speech: AZURE_SPEECH_KEY + AZURE_SPEECH_REGION or AZURE_SPEECH_ENDPOINT
 *   STT_PROVIDER=openai        POST {OPENAI_BASE_URL}/audio/transcriptions: OPENAI_API_KEY, STT_MODEL
 *   STT_PROVIDER=azure-openai  an Azure OpenAI Whisper deployment: AZURE_OPENAI_ENDPOINT,
 *                              AZURE_OPENAI_API_KEY, AZURE_OPENAI_STT_DEPLOYMENT, AZURE_OPENAI_API_VERSION
 *
 * OPENAI_* and AZURE_OPENAI_* are shared with the LLM analyst's schema (libs/llm-analyst
 * `analystProviderEnvSchema`): both take them from libs/platform `openAiEnvShape`, so merging
 * both schemas is safe.
 */
import type { HttpSeams } from '@speech/kernel';
import { configNeeds, openAiEnvShape, refineWith, throwConfigProblems, type ConfigProblem } from '@speech/platform';
import { z } from 'zod';
import { AzureSpeechToText, type AzureRecognizerFactory } from './azure-speech.adapter';
import { OpenAiTranscriptionSpeechToText } from './openai-transcription.adapter';
import { DEFAULT_POCKETSPHINX_MODEL_DIR, PocketsphinxSpeechToText } from './pocketsphinx.adapter';
import type { Sleep } from './resilience';
import type { SpeechToText, TranscribeInput, TranscribeResult } from './speech-to-text.port';
import { NOMINAL_SPEED_FACTOR, SpeedBudget } from './stt-timeout';
import { readWavInfo } from './wav';
import { SupervisedSpeechToText, WHISPER_MODELS, WhisperEngineSupervisor, type EngineLog } from './whisper-engine';

export const STT_PROVIDERS = ['whisper', 'pocketsphinx', 'azure', 'openai', 'azure-openai'] as const;
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
  /** Which engine transcribes chunks: whisper (offline, default), pocketsphinx (offline), azure, openai, azure-openai. */
  STT_PROVIDER: z.enum(STT_PROVIDERS).default('whisper'),
  /**
   * BCP-47 language for uploads that name none (e.g. en-US). Cloud providers only; unset: Azure
   * uses en-US, OpenAI detects the language. pocketsphinx has an English model only.
   */
  STT_LANGUAGE: str().optional(),
  /** Transcription model for openai / azure-openai; must support response_format=verbose_json. */
  STT_MODEL: str().default('whisper-1'),
  /**
   * The least time one chunk's transcription gets, for every engine (default 60 s). Above it the
   * budget is 3 × the chunk's length × the engine's measured speed (libs/stt stt-timeout.ts).
   */
  STT_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
  /** Attempts per chunk inside the adapter (429/5xx/timeouts), before the stt-worker's own retries. */
  STT_REQUEST_ATTEMPTS: int(4, 1),
  /** Cloud requests in flight at once per process (below STT_CONCURRENCY it caps the API, not the worker). */
  STT_REQUEST_CONCURRENCY: int(4, 1),
  /**
   * The Whisper engine's base URL (its own service: e.g. http://whisper:8087). Unset: the single
   * process starts and supervises an engine on 127.0.0.1:WHISPER_PORT.
   */
  WHISPER_URL: z.url().optional(),
  /** Port of the supervised engine (single process). */
  WHISPER_PORT: int(8090, 1),
  /** tiny.en (English, default) or base (multilingual, detects the language). */
  WHISPER_MODEL: z.enum(WHISPER_MODELS).default('tiny.en'),
  /** A CTranslate2 Whisper model folder to load instead of the installed one (supervised engine). */
  WHISPER_MODEL_DIR: str().optional(),
  /** CPU threads per transcription in the supervised engine (1 beat 2 on 2 shared cores). */
  WHISPER_THREADS: int(1, 1),
  /** Transcriptions the supervised engine runs at once. */
  WHISPER_CONCURRENCY: int(1, 1),
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

  ...openAiEnvShape,
  /** The Whisper deployment for STT_PROVIDER=azure-openai (the chat deployment is AZURE_OPENAI_DEPLOYMENT). */
  AZURE_OPENAI_STT_DEPLOYMENT: str().optional(),
});

export type SttProviderEnv = z.infer<typeof sttProviderEnvSchema>;

/** What a provider still lacks; empty when the configuration is complete. */
export function sttProviderEnvProblems(cfg: SttProviderEnv): ConfigProblem[] {
  const { problems, need } = configNeeds(cfg, 'STT_PROVIDER');
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
    case 'whisper':
      break;
  }
  return problems;
}

/** For `schema.superRefine(refineSttProviderEnv)` in a service's config schema. */
export const refineSttProviderEnv = refineWith(sttProviderEnvProblems);

/** Where pocketsphinx may write, and test seams. */
export interface SpeechToTextDeps extends HttpSeams {
  /** Writable directory for pocketsphinx's model copies (DATA_DIR/stt, WORK_DIR). */
  workDir?: string;
  createAzureRecognizer?: AzureRecognizerFactory;
}

/**
 * The configured engine. Throws CONFIG.INVALID when the provider's keys are missing. For
 * STT_PROVIDER=whisper this talks to WHISPER_URL (or the supervised engine's address): use
 * `startSpeechToText` where the process should run the engine itself.
 */
export function createSpeechToText(cfg: SttProviderEnv, deps: SpeechToTextDeps = {}): SpeechToText {
  throwConfigProblems(sttProviderEnvProblems(cfg));
  const speed = new SpeedBudget({ floorMs: cfg.STT_TIMEOUT_MS, nominalFactor: nominalFactor(cfg) });
  const common = {
    defaultLanguage: cfg.STT_LANGUAGE,
    timeoutMs: (audioMs: number) => speed.budgetMs(audioMs),
    retry: { maxAttempts: cfg.STT_REQUEST_ATTEMPTS },
    concurrency: cfg.STT_REQUEST_CONCURRENCY,
    sleep: deps.sleep,
  };
  return new MeasuredSpeechToText(build(cfg, deps, common), speed);
}

function nominalFactor(cfg: SttProviderEnv): number {
  if (cfg.STT_PROVIDER === 'whisper')
    return NOMINAL_SPEED_FACTOR[cfg.WHISPER_MODEL === 'base' ? 'whisper-base' : 'whisper'] as number;
  if (cfg.STT_PROVIDER === 'pocketsphinx') return NOMINAL_SPEED_FACTOR.pocketsphinx as number;
  return NOMINAL_SPEED_FACTOR.cloud as number;
}

/** The Whisper engine's base URL: WHISPER_URL, or where the supervised engine listens. */
export function whisperUrl(cfg: Pick<SttProviderEnv, 'WHISPER_URL' | 'WHISPER_PORT'>): string {
  return (cfg.WHISPER_URL ?? `http://127.0.0.1:${cfg.WHISPER_PORT}`).replace(/\/+$/, '');
}

function build(
  cfg: SttProviderEnv,
  deps: SpeechToTextDeps,
  common: {
    defaultLanguage: string | undefined;
    timeoutMs: (audioMs: number) => number;
    retry: { maxAttempts: number };
    concurrency: number;
    sleep: Sleep | undefined;
  },
): SpeechToText {
  switch (cfg.STT_PROVIDER) {
    case 'whisper':
      return new OpenAiTranscriptionSpeechToText({
        ...common,
        name: 'whisper',
        // The engine serves one model; the field names it for any other Whisper server behind the URL.
        target: { kind: 'openai', baseUrl: `${whisperUrl(cfg)}/v1`, apiKey: 'local' },
        model: cfg.WHISPER_MODEL,
        fetch: deps.fetch,
      });
    case 'pocketsphinx':
      return new PocketsphinxSpeechToText({
        modelDir: cfg.POCKETSPHINX_MODEL_DIR,
        workDir: deps.workDir,
        timeoutMs: common.timeoutMs,
      });
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

/** Feeds every finished transcription's wall time into the speed budget the adapter times out by. */
export class MeasuredSpeechToText implements SpeechToText {
  readonly name: string;

  constructor(
    private readonly inner: SpeechToText,
    readonly speed: SpeedBudget,
  ) {
    this.name = inner.name;
  }

  async transcribe(input: TranscribeInput): Promise<TranscribeResult> {
    const started = Date.now();
    const result = await this.inner.transcribe(input);
    const elapsedMs = Date.now() - started;
    // The header only (44 bytes): the adapters read it too, so a bad file has failed above already.
    const { durationMs } = await readWavInfo(input.wavPath);
    this.speed.record(durationMs, elapsedMs);
    return result;
  }

  /** The adapter underneath (tests, and callers that need its own methods). */
  get adapter(): SpeechToText {
    return this.inner;
  }
}

export interface RunningSpeechToText {
  stt: SpeechToText;
  /** The supervised Whisper engine, when this process runs one; stop it on shutdown. */
  engine: WhisperEngineSupervisor | null;
  stop(): Promise<void>;
}

/**
 * The configured engine for a process that may run it itself: STT_PROVIDER=whisper without
 * WHISPER_URL starts the Whisper engine as a supervised child (restarted with backoff, stopped by
 * `stop()`), and every transcription waits for its readiness. Otherwise as createSpeechToText.
 */
export function startSpeechToText(
  cfg: SttProviderEnv,
  deps: SpeechToTextDeps & { log: EngineLog },
): RunningSpeechToText {
  const stt = createSpeechToText(cfg, deps);
  if (cfg.STT_PROVIDER !== 'whisper' || cfg.WHISPER_URL) return { stt, engine: null, stop: async () => undefined };
  const engine = new WhisperEngineSupervisor({
    port: cfg.WHISPER_PORT,
    model: cfg.WHISPER_MODEL,
    modelDir: cfg.WHISPER_MODEL_DIR,
    threads: cfg.WHISPER_THREADS,
    concurrency: cfg.WHISPER_CONCURRENCY,
    log: deps.log,
  });
  engine.start();
  return { stt: new SupervisedSpeechToText(stt, engine), engine, stop: () => engine.stop() };
}
