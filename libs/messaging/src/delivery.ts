import { setTimeout as sleep } from 'node:timers/promises';
import { type Envelope } from '@speech/contracts';
import { describeError } from '@speech/kernel';
import type { Logger } from '@speech/platform';
import { backoffMs, type RetryPolicy } from './event-bus.port';

/** Message headers, the same on every bus (a consumer of the dead-letter topics relies on them). */
export const HEADER = {
  correlationId: 'correlation-id',
  eventType: 'event-type',
  eventId: 'event-id',
  dlqGroup: 'dlq-group',
  dlqErrorCode: 'dlq-error-code',
  dlqError: 'dlq-error',
  dlqOriginalTopic: 'dlq-original-topic',
  dlqOriginalPartition: 'dlq-original-partition',
  dlqOriginalOffset: 'dlq-original-offset',
} as const;

export function eventHeaders(event: Envelope): Record<string, string> {
  return {
    [HEADER.correlationId]: event.correlationId,
    [HEADER.eventType]: event.type,
    [HEADER.eventId]: event.eventId,
  };
}

/** A failed message's headers on its dead-letter topic: the original ones, plus why and where from. */
export function deadLetterHeaders(
  headers: Record<string, string>,
  from: { group: string; topic: string; partition: number; offset: string },
  error: { code: string; message: string },
): Record<string, string> {
  return {
    ...headers,
    [HEADER.dlqGroup]: from.group,
    [HEADER.dlqErrorCode]: error.code,
    [HEADER.dlqError]: error.message.slice(0, 1000),
    [HEADER.dlqOriginalTopic]: from.topic,
    [HEADER.dlqOriginalPartition]: String(from.partition),
    [HEADER.dlqOriginalOffset]: from.offset,
  };
}

/** The bus is stopping: the message was not handled and must not be committed. */
export class DeliveryStopped extends Error {
  constructor() {
    super('the bus is stopping');
  }
}

export interface DeliveryOptions {
  /** Decodes and handles the message (attempt 1, 2, …); resolving means it may be committed. */
  handle(attempt: number): Promise<void>;
  retry: RetryPolicy;
  signal: AbortSignal;
  log: Logger;
  /** Sends the message to its dead-letter topic; null for dead letters themselves (logged, skipped). */
  deadLetter: ((error: { code: string; message: string }) => Promise<void>) | null;
  /** Waits between attempts; a bus whose members must heartbeat (Kafka) waits in slices. */
  wait?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * One message through its handler: retriable failures are retried with backoff within the
 * policy's budget, then (or at once, for an error with `retriable: false`) the message goes to
 * its dead-letter topic, so one poison message neither crash-loops nor stalls its partition.
 * Both buses deliver through this; only how they wait and dead-letter differs.
 */
export async function deliver(opts: DeliveryOptions): Promise<'handled' | 'dead-lettered' | 'skipped'> {
  const wait = opts.wait ?? ((ms, signal) => sleep(ms, undefined, { signal }));
  for (let attempt = 1; ; attempt++) {
    try {
      await opts.handle(attempt);
      return 'handled';
    } catch (err) {
      if (opts.signal.aborted) throw new DeliveryStopped();
      const e = describeError(err);
      const log = opts.log.child({ attempt, errorCode: e.code });
      const giveUp = !e.retriable || attempt >= opts.retry.maxAttempts;
      if (giveUp && !opts.deadLetter) {
        log.error({ err }, 'dead-letter handler failed for good; skipping the message');
        return 'skipped';
      }
      if (giveUp && opts.deadLetter) {
        log.error({ err }, 'handler failed for good; dead-lettering the message');
        await opts.deadLetter(e);
        return 'dead-lettered';
      }
      log.warn({ err }, 'handler failed; retrying');
      try {
        await wait(backoffMs(opts.retry, attempt), opts.signal);
      } catch {
        throw new DeliveryStopped();
      }
    }
  }
}
