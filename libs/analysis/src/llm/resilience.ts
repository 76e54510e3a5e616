/**
 * Retry with exponential backoff + jitter (honouring Retry-After) and a small semaphore for the
 * LLM requests. The same policy as libs/stt's cloud adapters; a copy because a domain library
 * may not import an adapter library (STYLE.md module boundaries).
 */
import { AppError } from '@speech/contracts';

export interface RetryPolicy {
  /** Attempts per request, the first one included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A longer Retry-After is not slept through: the error goes up, retriable, to the bus. */
  maxRetryAfterMs: number;
}

export const DEFAULT_LLM_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export function abortedError(signal?: AbortSignal): AppError {
  return new AppError('ANALYSIS.ABORTED', 'analysis was aborted', { cause: signal?.reason });
}

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

/** Half the exponential delay kept, the other half random ("equal jitter"). */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/** `retry-after-ms`, else `Retry-After` in seconds or as an HTTP-date; null when absent. */
export function retryAfterMs(
  headers: { get(name: string): string | null } | undefined,
  now: number = Date.now(),
): number | null {
  if (!headers) return null;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Math.round(Number(ms)));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return null;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.round(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export async function withRetries<T>(
  op: (attempt: number) => Promise<T>,
  opts: { policy: RetryPolicy; signal?: AbortSignal; sleep?: Sleep; random?: () => number },
): Promise<T> {
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
      await sleep(asked ?? backoffDelayMs(attempt, opts.policy, opts.random), opts.signal);
    }
  }
}

/** At most `limit` tasks at once, served in arrival order. */
export class Semaphore {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError(`semaphore limit must be a positive integer, not ${limit}`);
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.queue.push(resolve));
    else this.active++;
    try {
      return await fn();
    } finally {
      const next = this.queue.shift();
      if (next)
        next(); // the slot passes straight on
      else this.active--;
    }
  }
}
