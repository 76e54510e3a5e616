/**
 * Base error with a stable namespaced code and a retriable flag (STYLE.md "Errors").
 * Consumers decide retry / dead-letter / fail from `retriable`, never from instanceof chains.
 */
export class AppError extends Error {
  readonly code: string;
  readonly retriable: boolean;

  constructor(code: string, message: string, opts: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.retriable = opts.retriable ?? false;
  }
}

/** Reads code/retriable from any error shape (ours, kafkajs's, the SDKs'). */
export function describeError(err: unknown): { code: string; message: string; retriable: boolean } {
  if (err && typeof err === 'object') {
    const e = err as { code?: unknown; message?: unknown; retriable?: unknown };
    return {
      code: typeof e.code === 'string' ? e.code : 'INTERNAL',
      message: typeof e.message === 'string' ? e.message : String(err),
      // Unknown errors are retried: a transient fault is more common than a poison message,
      // and the retry budget bounds the cost.
      retriable: typeof e.retriable === 'boolean' ? e.retriable : true,
    };
  }
  return { code: 'INTERNAL', message: String(err), retriable: true };
}
