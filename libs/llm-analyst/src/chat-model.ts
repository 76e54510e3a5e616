/**
 * The one thing the LLM analyst needs from a provider: a chat completion constrained to a JSON
 * schema (OpenAI structured outputs, `strict: true`). Implemented with the `openai` SDK for
 * OpenAI and OpenAI-compatible servers (`OpenAI`) and for Azure OpenAI (`AzureOpenAI`, which
 * routes to `/openai/deployments/<deployment>/chat/completions?api-version=…` with an `api-key`
 * header), with `@azure/openai`'s types for Azure's content-filter annotations.
 *
 * The SDK's own retries are off (maxRetries 0): ours honour Retry-After only up to a cap (the
 * SDK would sleep through a one-hour Retry-After), classify errors into AppError codes with
 * `retriable` for the analyzer's bus retry, and are testable without real waits.
 */
// Azure's additions to the openai types (content_filter_results on a choice, prompt filter
// results). Type-only, through the CommonJS build's declarations: the repository's
// moduleResolution ("node") does not read the package's `exports` map for "@azure/openai/types".
import type { ContentFilterResultsForChoiceOutput } from '@azure/openai/dist/commonjs/types/index';
import { AppError, type ClientRetryOptions, type ErrorKind } from '@speech/kernel';
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AzureOpenAI,
} from 'openai';
import type { TokenUsage } from '@speech/analysis';
import { DEFAULT_LLM_RETRY_POLICY, abortedError, retryAfterMs, withRetries, type RetryPolicy } from './resilience';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatRequest {
  messages: ChatMessage[];
  /** response_format.json_schema.name */
  schemaName: string;
  /** A strict-mode JSON schema. */
  schema: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface ChatAnswer {
  content: string | null;
  refusal: string | null;
  finishReason: string | null;
  usage: TokenUsage | null;
  /** The model that answered, as the service reports it (e.g. "gpt-4o-2024-08-06"). */
  model: string | null;
}

export interface ChatModel {
  /** 'openai' | 'azure-openai' */
  readonly provider: string;
  /** Configured model, or the Azure deployment. */
  readonly model: string;
  complete(req: ChatRequest): Promise<ChatAnswer>;
}

export type LlmErrorCode =
  | 'ANALYSIS.LLM_UNAUTHORIZED'
  | 'ANALYSIS.LLM_BAD_REQUEST'
  | 'ANALYSIS.LLM_NOT_FOUND'
  | 'ANALYSIS.LLM_QUOTA'
  | 'ANALYSIS.LLM_THROTTLED'
  | 'ANALYSIS.LLM_UNAVAILABLE'
  | 'ANALYSIS.LLM_TIMEOUT'
  | 'ANALYSIS.CONTENT_FILTERED'
  | 'ANALYSIS.REFUSED'
  | 'ANALYSIS.INVALID_OUTPUT';

const KIND: Record<LlmErrorCode, ErrorKind> = {
  'ANALYSIS.LLM_UNAUTHORIZED': 'infrastructure',
  'ANALYSIS.LLM_BAD_REQUEST': 'engine',
  'ANALYSIS.LLM_NOT_FOUND': 'infrastructure',
  'ANALYSIS.LLM_QUOTA': 'engine',
  'ANALYSIS.LLM_THROTTLED': 'engine',
  'ANALYSIS.LLM_UNAVAILABLE': 'engine',
  'ANALYSIS.LLM_TIMEOUT': 'engine',
  'ANALYSIS.CONTENT_FILTERED': 'input',
  'ANALYSIS.REFUSED': 'input',
  'ANALYSIS.INVALID_OUTPUT': 'engine',
};

/** An LLM failure: `retriable` says whether the analyzer should try again later. */
export class LlmError extends AppError {
  declare readonly code: LlmErrorCode;
  readonly status: number | null;
  readonly retryAfterMs: number | null;

  constructor(
    code: LlmErrorCode,
    message: string,
    opts: { retriable?: boolean; status?: number | null; retryAfterMs?: number | null; cause?: unknown } = {},
  ) {
    super(code, message, { retriable: opts.retriable ?? false, cause: opts.cause, kind: KIND[code] });
    this.name = 'LlmError';
    this.status = opts.status ?? null;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
}

/** An SDK error as an LlmError (or ANALYSIS.ABORTED). */
export function llmErrorFrom(provider: string, err: unknown, signal?: AbortSignal): AppError {
  if (err instanceof AppError) return err;
  if (err instanceof APIUserAbortError || signal?.aborted) return abortedError(signal);
  if (err instanceof APIConnectionTimeoutError) {
    return new LlmError('ANALYSIS.LLM_TIMEOUT', `${provider} did not answer in time`, { retriable: true, cause: err });
  }
  if (err instanceof APIError) {
    const status = typeof err.status === 'number' ? err.status : null;
    const code = typeof err.code === 'string' ? err.code : null;
    const detail = `${provider} HTTP ${status ?? '-'}${code ? ` ${code}` : ''}: ${err.message}`;
    const base = { status, retryAfterMs: retryAfterMs(err.headers), cause: err };
    if (status === null)
      return new LlmError('ANALYSIS.LLM_UNAVAILABLE', `${provider} unreachable: ${err.message}`, {
        ...base,
        retriable: true,
      });
    if (code === 'content_filter' || code === 'content_policy_violation') {
      return new LlmError(
        'ANALYSIS.CONTENT_FILTERED',
        `${detail} (the transcript tripped the provider's content filter)`,
        { ...base, retriable: false },
      );
    }
    if (status === 401 || status === 403)
      return new LlmError('ANALYSIS.LLM_UNAUTHORIZED', detail, { ...base, retriable: false });
    if (status === 404)
      return new LlmError('ANALYSIS.LLM_NOT_FOUND', `${detail} (check LLM_MODEL / AZURE_OPENAI_DEPLOYMENT)`, {
        ...base,
        retriable: false,
      });
    if (status === 429 && code === 'insufficient_quota')
      return new LlmError('ANALYSIS.LLM_QUOTA', detail, { ...base, retriable: false });
    if (status === 429) return new LlmError('ANALYSIS.LLM_THROTTLED', detail, { ...base, retriable: true });
    if (status === 408 || status === 409 || status >= 500)
      return new LlmError('ANALYSIS.LLM_UNAVAILABLE', detail, { ...base, retriable: true });
    return new LlmError('ANALYSIS.LLM_BAD_REQUEST', detail, { ...base, retriable: false });
  }
  return new LlmError(
    'ANALYSIS.LLM_UNAVAILABLE',
    `${provider} request failed: ${(err as Error)?.message ?? String(err)}`,
    {
      retriable: true,
      cause: err,
    },
  );
}

export interface OpenAiChatModelOptions extends ClientRetryOptions {
  provider: 'openai' | 'azure-openai';
  /** An `OpenAI` or `AzureOpenAI` client. */
  client: OpenAI;
  /** Model name (OpenAI) or deployment (Azure; also sent as `model`, which Azure ignores). */
  model: string;
  temperature?: number;
  maxOutputTokens?: number;
  /** Per request. Default 120 s. */
  timeoutMs?: number;
}

export class OpenAiChatModel implements ChatModel {
  readonly provider: string;
  readonly model: string;
  private readonly policy: RetryPolicy;

  constructor(private readonly opts: OpenAiChatModelOptions) {
    this.provider = opts.provider;
    this.model = opts.model;
    this.policy = { ...DEFAULT_LLM_RETRY_POLICY, ...opts.retry };
  }

  complete(req: ChatRequest): Promise<ChatAnswer> {
    return withRetries(() => this.once(req), {
      policy: this.policy,
      signal: req.signal,
      sleep: this.opts.sleep,
      random: this.opts.random,
    });
  }

  private async once(req: ChatRequest): Promise<ChatAnswer> {
    let completion: OpenAI.Chat.Completions.ChatCompletion;
    const timeoutMs = this.opts.timeoutMs ?? 120_000;
    const started = Date.now();
    try {
      completion = await this.opts.client.chat.completions.create(
        {
          model: this.model,
          messages: req.messages,
          response_format: {
            type: 'json_schema',
            json_schema: { name: req.schemaName, strict: true, schema: req.schema },
          },
          ...(this.opts.temperature === undefined ? {} : { temperature: this.opts.temperature }),
          ...(this.opts.maxOutputTokens === undefined ? {} : { max_completion_tokens: this.opts.maxOutputTokens }),
        },
        { signal: req.signal, timeout: timeoutMs, maxRetries: 0 },
      );
    } catch (err) {
      // The SDK reports its own timeout as a plain connection error when the abort reason does
      // not look like one (e.g. under Jest's globals); the clock tells them apart.
      if (err instanceof APIConnectionError && !req.signal?.aborted && Date.now() - started >= timeoutMs) {
        throw new LlmError('ANALYSIS.LLM_TIMEOUT', `${this.provider} did not answer within ${timeoutMs} ms`, {
          retriable: true,
          cause: err,
        });
      }
      throw llmErrorFrom(this.provider, err, req.signal);
    }
    const choice = completion.choices[0];
    if (!choice)
      throw new LlmError('ANALYSIS.LLM_UNAVAILABLE', `${this.provider} answered without a choice`, { retriable: true });
    if (choice.finish_reason === 'content_filter') {
      throw new LlmError(
        'ANALYSIS.CONTENT_FILTERED',
        `${this.provider} filtered the answer${filteredCategories(choice.content_filter_results)}`,
        {
          retriable: false,
        },
      );
    }
    const u = completion.usage;
    return {
      content: choice.message.content,
      refusal: choice.message.refusal ?? null,
      finishReason: choice.finish_reason ?? null,
      usage: u
        ? { promptTokens: u.prompt_tokens, completionTokens: u.completion_tokens, totalTokens: u.total_tokens }
        : null,
      model: completion.model ?? null,
    };
  }
}

function filteredCategories(results: ContentFilterResultsForChoiceOutput | undefined): string {
  if (!results) return '';
  const hits = Object.entries(results)
    .filter(([, r]) => r && typeof r === 'object' && 'filtered' in r && (r as { filtered?: boolean }).filtered === true)
    .map(([k]) => k);
  return hits.length ? ` (${hits.join(', ')})` : '';
}

export function openAiClient(opts: { apiKey: string; baseUrl: string; fetch?: typeof fetch }): OpenAI {
  return new OpenAI({
    apiKey: opts.apiKey,
    baseURL: opts.baseUrl,
    maxRetries: 0,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}

/**
 * An AzureOpenAI client for one deployment. The base URL is passed explicitly (not `endpoint`)
 * so the SDK does not pick up OPENAI_BASE_URL from the environment, which may point elsewhere
 * (e.g. an OpenAI-compatible STT server).
 */
export function azureOpenAiClient(opts: {
  endpoint: string;
  apiKey: string;
  deployment: string;
  apiVersion: string;
  fetch?: typeof fetch;
}): AzureOpenAI {
  return new AzureOpenAI({
    baseURL: `${opts.endpoint.replace(/\/+$/, '')}/openai`,
    apiKey: opts.apiKey,
    deployment: opts.deployment,
    apiVersion: opts.apiVersion,
    maxRetries: 0,
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
  });
}
