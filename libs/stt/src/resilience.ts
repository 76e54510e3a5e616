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
import { SttError, type SttErrorCode } from './stt-error';

export interface RetryPolicy {
  /** Attempts per transcription, the first one included. */
  maxAttempts: number;
  /** Backoff before the 2nd attempt; doubles per attempt (before jitter). */
  baseDelayMs: number;
  /** Cap of the computed backoff. */
  maxDelayMs: number;
  /** A server asking for a longer wait than this is not waited for here (the bus retries later). */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 500,
  maxDelayMs: 20_000,
  maxRetryAfterMs: 60_000,
};

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

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
    },
  ) {
    super(code, message, { retriable: opts.retriable, cause: opts.cause });
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
export const abortableSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortedError(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortedError(signal));
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      },
      Math.max(0, ms),
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Exponential backoff with "equal jitter": half the exponential delay is kept, the other half
 * is random, so synchronized workers spread out but never retry immediately.
 */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * The wait a response asks for: `retry-after-ms` (OpenAI and Azure send it), else `Retry-After`
 * as delta-seconds or an HTTP-date. Null when absent or unparseable.
 */
export function retryAfterMs(headers: { get(name: string): string | null }, now: number = Date.now()): number | null {
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Math.round(Number(ms)));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export interface RetryOptions {
  policy: RetryPolicy;
  signal?: AbortSignal;
  sleep?: Sleep;
  random?: () => number;
  /** Called before each wait (logging, tests). */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * Runs `op` until it succeeds, throws a non-retriable error, or the attempts are spent. An
 * error's `retryAfterMs` replaces the computed backoff.
 */
export async function withRetries<T>(op: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const sleep = opts.sleep ?? abortableSleep;
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw abortedError(opts.signal);
    try {
      return await op(attempt);
    } catch (err) {
      const e = (err ?? {}) as { retriable?: unknown; retryAfterMs?: unknown };
      if (e.retriable !== true || attempt >= opts.policy.maxAttempts || opts.signal?.aborted) throw err;
      const asked = typeof e.retryAfterMs === 'number' ? e.retryAfterMs : null;
      if (asked !== null && asked > opts.policy.maxRetryAfterMs) throw err;
      const delayMs = asked ?? backoffDelayMs(attempt, opts.policy, opts.random);
      opts.onRetry?.({ attempt, delayMs, error: err });
      await sleep(delayMs, opts.signal);
    }
  }
}

/** A counting semaphore: at most `limit` holders; waiters are served in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly waiters: Array<{ grant: () => void; reject: (err: unknown) => void }> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`semaphore limit must be a positive integer, not ${limit}`);
  }

  get inUse(): number {
    return this.active;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Resolves with a release function, called exactly once when done. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortedError(signal));
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve(this.releaser());
        },
        reject,
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(abortedError(signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await fn();
    } finally {
      release();
    }
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next)
        next.grant(); // the slot passes straight to the next waiter
      else this.active--;
    };
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
