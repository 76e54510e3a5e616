/**
 * Retries of transient failures with exponential backoff and jitter that honour the server's
 * Retry-After, abortable sleeps, and a small semaphore: what every client of a remote model API
 * shares (libs/stt's cloud adapters, libs/analysis's LLM clients). Each caller names the error
 * an abort raises, so codes stay its own (STT.ABORTED, ANALYSIS.ABORTED).
 */

export interface RequestRetryPolicy {
  /** Attempts per request, the first one included. */
  maxAttempts: number;
  /** Backoff before the 2nd attempt; doubles per attempt (before jitter). */
  baseDelayMs: number;
  /** Cap of the computed backoff. */
  maxDelayMs: number;
  /** A server asking for a longer wait than this is not waited for here (the bus retries later). */
  maxRetryAfterMs: number;
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** The error an aborted wait or request raises. */
export type AbortedError = (signal?: AbortSignal) => Error;

/** setTimeout as a promise that rejects with `aborted(signal)` when the signal fires. */
export function sleeper(aborted: AbortedError): Sleep {
  return (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(aborted(signal));
      const onAbort = (): void => {
        clearTimeout(timer);
        reject(aborted(signal));
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
}

/**
 * Exponential backoff with "equal jitter": half the exponential delay is kept, the other half
 * is random, so synchronized workers spread out but never retry immediately.
 */
export function backoffDelayMs(
  attempt: number,
  policy: RequestRetryPolicy,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp / 2 + random() * (exp / 2));
}

/**
 * The wait a response asks for: `retry-after-ms` (OpenAI and Azure send it), else `Retry-After`
 * as delta-seconds or an HTTP-date. Null when absent or unparseable.
 */
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

/** The test seams of a wait between attempts: how to sleep, and the jitter's randomness. */
export interface RetrySeams {
  sleep?: Sleep;
  random?: () => number;
}

/** The test seams of a client of a remote API: its fetch, and how it waits. */
export interface HttpSeams {
  fetch?: typeof fetch;
  sleep?: Sleep;
}

/** A remote API client's retries: changes to its policy, and the seams of its waits. */
export interface ClientRetryOptions extends RetrySeams {
  retry?: Partial<RequestRetryPolicy>;
}

export interface RetryOptions extends RetrySeams {
  policy: RequestRetryPolicy;
  /** What an abort raises. */
  aborted: AbortedError;
  signal?: AbortSignal;
  /** Called before each wait (logging, tests). */
  onRetry?: (info: { attempt: number; delayMs: number; error: unknown }) => void;
}

/**
 * Runs `op` until it succeeds, throws a non-retriable error, or the attempts are spent. An
 * error's `retryAfterMs` replaces the computed backoff.
 */
export async function withRetries<T>(op: (attempt: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  const sleep = opts.sleep ?? sleeper(opts.aborted);
  for (let attempt = 1; ; attempt++) {
    if (opts.signal?.aborted) throw opts.aborted(opts.signal);
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

  constructor(
    readonly limit: number,
    private readonly aborted: AbortedError = () => new Error('aborted'),
  ) {
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
    if (signal?.aborted) return Promise.reject(this.aborted(signal));
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
        reject(this.aborted(signal));
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
