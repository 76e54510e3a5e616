/**
 * The shared retry policy and semaphore (libs/contracts resilience) for the LLM requests,
 * aborting with ANALYSIS.ABORTED.
 */
import {
  AppError,
  Semaphore as SharedSemaphore,
  sleeper,
  withRetries as retry,
  type RetryOptions,
  type RequestRetryPolicy as RetryPolicy,
  type Sleep,
} from '@speech/kernel';

export { backoffDelayMs, retryAfterMs, type RequestRetryPolicy as RetryPolicy, type Sleep } from '@speech/kernel';

export const DEFAULT_LLM_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 4,
  baseDelayMs: 1000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
};

export function abortedError(signal?: AbortSignal): AppError {
  return new AppError('ANALYSIS.ABORTED', 'analysis was aborted', { cause: signal?.reason });
}

export const abortableSleep: Sleep = sleeper(abortedError);

export function withRetries<T>(op: (attempt: number) => Promise<T>, opts: Omit<RetryOptions, 'aborted'>): Promise<T> {
  return retry(op, { ...opts, aborted: abortedError });
}

/** At most `limit` tasks at once, served in arrival order. */
export class Semaphore extends SharedSemaphore {
  constructor(limit: number) {
    super(limit, abortedError);
  }
}
