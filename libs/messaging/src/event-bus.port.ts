import type { EventOf, TopicName } from '@speech/contracts';

export interface MessageContext {
  topic: string;
  partition: number;
  offset: string;
  key: string;
  headers: Record<string, string>;
  /** 1 on first delivery, then 2, 3 … while retrying. */
  attempt: number;
  /** Aborted when the bus stops: long work may stop early (its message is delivered again). */
  signal?: AbortSignal;
  /**
   * Makes what the handler did so far durable (its writes and the events it published) without
   * committing the message, so a long handler that crashes resumes from there. The single
   * process holds a handler's effects until it ends; Kafka's bus writes as it goes, so there
   * this does nothing.
   */
  commitProgress?: () => Promise<void>;
}

export type Handler<T extends TopicName> = (event: EventOf<T>, ctx: MessageContext) => Promise<void>;

/** A message a group gave up on, as the dead-letter topic holds it. */
export interface DeadLetter {
  /** The topic the message was first published to. */
  topic: TopicName;
  key: string;
  /** The original headers, plus dlq-group, dlq-error-code and dlq-error. */
  headers: Record<string, string>;
}

export interface SubscribeOptions {
  /** Messages of different partitions handled at once by this subscription (default 1). */
  concurrency?: number;
  /**
   * This process's own subscription, for notifications to its clients (live updates): it starts
   * at the newest message, keeps no position and never dead-letters. Every instance that makes
   * one receives every message published after it started; a restart misses what came meanwhile.
   */
  ephemeral?: boolean;
}

/**
 * The EventBus port: at-least-once delivery, per-key order, a failing handler retried with
 * backoff and then dead-lettered (`<topic>.dlq`). Every handler must be idempotent.
 * A handler that throws an error with `retriable: false` is dead-lettered at once.
 */
export interface EventBus {
  publish<T extends TopicName>(event: EventOf<T>): Promise<void>;
  subscribe<T extends TopicName>(groupId: string, topic: T, handler: Handler<T>, opts?: SubscribeOptions): void;
  /** Follows the dead-letter topics, so a poison message shows up as a failure, not a stall. */
  subscribeDeadLetters(groupId: string, topics: readonly TopicName[], handler: (dl: DeadLetter) => Promise<void>): void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface RetryPolicy {
  /** Attempts including the first. */
  maxAttempts: number;
  initialBackoffMs: number;
  maxBackoffMs: number;
}

/**
 * About two minutes of retries (0.25 s doubling to 30 s): long enough to ride out a broker
 * restart or an object store that is away for half a minute, short enough that a poison
 * message reaches its dead-letter topic soon.
 */
export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 10, initialBackoffMs: 250, maxBackoffMs: 30_000 };

/** Exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"). */
export function backoffMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxBackoffMs, policy.initialBackoffMs * 2 ** (attempt - 1));
  return Math.round(cap / 2 + (random() * cap) / 2);
}
