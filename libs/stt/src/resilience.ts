/**
 * What every cloud STT adapter shares: a small semaphore (requests in flight per process),
 * retries of transient failures with exponential backoff and jitter that honour the server's
 * Retry-After, abortable sleeps, and the mapping of HTTP statuses to SttError codes that say
 * whether a retry can help.
 *
 * Two retry layers exist on purpose: this one absorbs short throttling (a 429 with
 * `Retry-After: 2`) inside one transcription, without re-downloading the chunk; the stt-worker's
 * bus retry (STT_MAX_ATTEMPTS) handles longer outages. A Retry-After longer than
 * `maxRetryAfterMs` is therefore not slept through here: the error goes up, still retriable.
 */
import {
  retryAfterMs,
  Semaphore as SharedSemaphore,
  sleeper,
  withRetries as retry,
  type RetryOptions as SharedRetryOptions,
  type RequestRetryPolicy as RetryPolicy,
  type ErrorKind,
  type Sleep,
} from '@speech/kernel';
import { SttError, type SttErrorCode } from './stt-error';

export { backoffDelayMs, retryAfterMs, type RequestRetryPolicy as RetryPolicy, type Sleep } from '@speech/kernel';

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

/**
 * An SttError from a cloud provider: the HTTP status (null when there was no response) and
 * the wait the server asked for. `code`/`retriable` keep the SttError contract.
 */
export class SttProviderError extends SttError {
  readonly provider: string;
  readonly status: number | null;
  readonly retryAfterMs: number | null;

  constructor(
    code: SttErrorCode,
    message: string,
    opts: {
      provider: string;
      retriable?: boolean;
      status?: number | null;
      retryAfterMs?: number | null;
      cause?: unknown;
      kind?: ErrorKind;
    },
  ) {
    super(code, message, { retriable: opts.retriable, cause: opts.cause, kind: opts.kind });
    this.name = 'SttProviderError';
    this.provider = opts.provider;
    this.status = opts.status ?? null;
    this.retryAfterMs = opts.retryAfterMs ?? null;
  }
}

export function abortedError(signal: AbortSignal | undefined): SttError {
  return new SttError('STT.ABORTED', 'transcription was aborted', { cause: signal?.reason });
}

/** setTimeout as a promise that rejects with STT.ABORTED when the signal fires. */
export const abortableSleep: Sleep = sleeper(abortedError);

export type RetryOptions = Omit<SharedRetryOptions, 'aborted'>;

/** The shared retry loop (libs/contracts), aborting with STT.ABORTED. */
export function withRetries<T>(op: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  return retry(op, { ...opts, aborted: abortedError });
}

/** The shared semaphore, aborting with STT.ABORTED. */
export class Semaphore extends SharedSemaphore {
  constructor(limit: number) {
    super(limit, abortedError);
  }
}

/** Message and code from an OpenAI-style error body `{ error: { message, code, type } }`, or the raw text. */
export function providerErrorDetail(body: string): string {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: unknown; code?: unknown } | string; message?: unknown };
    const err = parsed.error;
    if (typeof err === 'string') return err;
    const message =
      typeof err?.message === 'string' ? err.message : typeof parsed.message === 'string' ? parsed.message : null;
    const code = typeof err?.code === 'string' ? err.code : null;
    if (message) return code ? `${message} (${code})` : message;
  } catch {
    // not JSON
  }
  return body.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/**
 * An HTTP error response as an SttProviderError. Retriable: 408, 409, 425, 429 and 5xx.
 * Not retriable: 400 (the request itself is wrong: audio, language, parameters), 401/403
 * (credentials or permissions), 404 (model or deployment), 413 and other 4xx.
 */
export function sttErrorFromHttp(
  provider: string,
  status: number,
  body: string,
  headers: { get(name: string): string | null },
): SttProviderError {
  const detail = providerErrorDetail(body);
  const base = { provider, status, retryAfterMs: retryAfterMs(headers) };
  const say = (what: string): string => `${provider} ${what} (HTTP ${status})${detail ? `: ${detail}` : ''}`;
  if (status === 408 || status === 409 || status === 425 || status === 429 || status >= 500) {
    const what =
      status === 429 ? 'is throttling requests' : status >= 500 ? 'failed on its side' : 'asked to try again';
    return new SttProviderError('STT.ENGINE_FAILED', say(what), { ...base, retriable: true });
  }
  if (status === 401 || status === 403) {
    return new SttProviderError('STT.ENGINE_FAILED', say('rejected the credentials or the permission'), {
      ...base,
      retriable: false,
    });
  }
  if (status === 404)
    return new SttProviderError('STT.MODEL_MISSING', say('does not know the model or deployment'), {
      ...base,
      retriable: false,
    });
  if (status === 413)
    return new SttProviderError('STT.BAD_AUDIO', say('refused the audio as too large'), { ...base, retriable: false });
  if (status === 400 && /language/i.test(detail) && /(support|invalid|unknown)/i.test(detail)) {
    return new SttProviderError('STT.UNSUPPORTED_LANGUAGE', say('does not support the language'), {
      ...base,
      retriable: false,
    });
  }
  if (status === 400 && /(audio|file|format|decod|corrupt|too short|duration)/i.test(detail)) {
    return new SttProviderError('STT.BAD_AUDIO', say('could not use the audio'), { ...base, retriable: false });
  }
  return new SttProviderError('STT.ENGINE_FAILED', say('rejected the request'), { ...base, retriable: false });
}
