/**
 * What kind of failure an error is, which decides what happens to the work that met it:
 *
 * | kind             | example                                   | retried?                          | HTTP |
 * | ---------------- | ----------------------------------------- | --------------------------------- | ---- |
 * | `input`          | not audio, a bad request, a refused token | never: the same input fails again | 4xx  |
 * | `engine`         | a speech or language model failed, timed out, was throttled | within the work's own attempts (STT_MAX_ATTEMPTS, ANALYSIS_MAX_ATTEMPTS), then it fails with its reason | 502 |
 * | `infrastructure` | the object store, the database or the broker away, a full disk | on the bus's longer budget (minutes), so an outage delays work instead of failing it | 503 (507 for a full disk) |
 *
 * (docs/ARCHITECTURE.md, "Errors".) `retriable: false` on an engine or infrastructure error says
 * another attempt cannot help (a missing binary, a wrong API key): it fails at once.
 */
export type ErrorKind = 'input' | 'engine' | 'infrastructure';

/**
 * Base error with a stable namespaced code (`STT.ENGINE_TIMEOUT`), a kind and a retriable flag.
 * Consumers decide retry, dead-letter or fail from those, never from instanceof chains.
 */
export class AppError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly retriable: boolean;

  constructor(code: string, message: string, opts: { kind?: ErrorKind; retriable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    // Without a kind, the flag tells: a failure worth retrying is the infrastructure's.
    this.kind = opts.kind ?? (opts.retriable ? 'infrastructure' : 'input');
    this.retriable = opts.retriable ?? this.kind !== 'input';
  }
}

export interface DescribedError {
  code: string;
  message: string;
  kind: ErrorKind;
  retriable: boolean;
}

/** Reads code, kind and retriable from any error shape (ours, kafkajs's, the SDKs'). */
export function describeError(err: unknown): DescribedError {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; retriable?: unknown; kind?: unknown };
    const kind: ErrorKind =
      e.kind === 'input' || e.kind === 'engine' || e.kind === 'infrastructure' ? e.kind : 'infrastructure';
    return {
      code: typeof e.code === 'string' ? e.code : 'INTERNAL',
      message: typeof e.message === 'string' ? e.message : String(err),
      kind,
      // Unknown errors (a driver's, the network's) are retried: a transient fault is more common
      // than a poison message, and the retry budget bounds the cost.
      retriable: typeof e.retriable === 'boolean' ? e.retriable : true,
    };
  }
  return { code: 'INTERNAL', message: String(err), kind: 'infrastructure', retriable: true };
}

/**
 * The one rule for what a piece of work does after `attempt` tries failed with `err`, given its
 * own attempts for engine failures: try again (throw, so the bus retries with backoff) or give
 * up (record the failure with its reason). Infrastructure failures always go back to the bus,
 * whose budget is long and ends in a dead letter, never in a failed recording.
 */
export function afterFailure(err: DescribedError, attempt: number, engineAttempts: number): 'retry' | 'give-up' {
  if (!err.retriable) return 'give-up';
  if (err.kind === 'engine') return attempt < engineAttempts ? 'retry' : 'give-up';
  return err.kind === 'infrastructure' ? 'retry' : 'give-up';
}
