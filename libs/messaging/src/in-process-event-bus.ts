import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  AvroCodec,
  deadLetterTopic,
  describeError,
  isTopicName,
  messageKey,
  TOPICS,
  type EventOf,
  type TopicName,
} from '@speech/contracts';
import type { Logger } from '@speech/platform';
import {
  backoffMs,
  DEFAULT_RETRY,
  type DeadLetter,
  type EventBus,
  type Handler,
  type MessageContext,
  type RetryPolicy,
  type SubscribeOptions,
} from './event-bus.port';
import { partitionFor } from './partition';

interface StoredMessage {
  offset: number;
  key: string;
  headers: Record<string, string>;
  value: Buffer;
}

/** One topic partition: an append-only log, optionally mirrored to a file under dataDir. */
class PartitionLog {
  private messages: StoredMessage[] = [];
  private base = 0;
  next = 0;

  constructor(private readonly file: string | null) {
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n')) {
        if (!line) continue;
        try {
          const m = JSON.parse(line) as { o: number; k: string; h: Record<string, string>; v: string };
          this.messages.push({ offset: m.o, key: m.k, headers: m.h, value: Buffer.from(m.v, 'base64') });
        } catch {
          // A torn last line after a kill -9: the producer never got its acknowledgement, so the
          // message was not published. Everything before it is intact.
        }
      }
      this.base = this.messages[0]?.offset ?? 0;
      this.next = (this.messages.at(-1)?.offset ?? -1) + 1;
    }
  }

  append(key: string, headers: Record<string, string>, value: Buffer): StoredMessage {
    const msg = { offset: this.next++, key, headers, value };
    if (this.file) {
      appendFileSync(
        this.file,
        JSON.stringify({ o: msg.offset, k: key, h: headers, v: value.toString('base64') }) + '\n',
      );
    }
    this.messages.push(msg);
    return msg;
  }

  get(offset: number): StoredMessage | undefined {
    return this.messages[offset - this.base];
  }

  get earliest(): number {
    return this.base;
  }

  /** Drops what every group has consumed; rewrites the file so it stops growing. */
  truncateBefore(offset: number): void {
    const n = Math.min(offset, this.next) - this.base;
    if (n <= 0) return;
    this.messages = this.messages.slice(n);
    this.base += n;
    if (this.file) {
      const tmp = `${this.file}.tmp`;
      writeFileSync(
        tmp,
        this.messages
          .map((m) => JSON.stringify({ o: m.offset, k: m.key, h: m.headers, v: m.value.toString('base64') }) + '\n')
          .join(''),
      );
      renameSync(tmp, this.file);
    }
  }
}

interface Subscription {
  groupId: string;
  /** The physical topic: an event topic, or a dead-letter topic. */
  topic: string;
  /** Decodes (inside the guard) and handles one message. */
  handle: (msg: StoredMessage, ctx: MessageContext) => Promise<void>;
  /** Dead letters are not dead-lettered again: they are retried, then logged and skipped. */
  deadLetterOnFailure: boolean;
  concurrency: number;
  committed: number[];
  busy: boolean[];
  active: number;
}

export interface InProcessEventBusOptions {
  codec?: AvroCodec;
  /** Where logs and committed offsets live; omit for a memory-only bus (unit tests). */
  dataDir?: string;
  retry?: RetryPolicy;
  log: Logger;
  /** Messages between compactions of a partition log. */
  compactEvery?: number;
}

/**
 * The single-process EventBus with Kafka's delivery semantics: topics split into partitions
 * by key, one consumer position per group and partition, at-least-once delivery (a position
 * is committed only after the handler succeeded), per-key order, retry with backoff, then a
 * dead-letter topic. With a dataDir, logs and positions survive a crash or kill -9, and
 * consumption resumes where it stopped.
 */
export class InProcessEventBus implements EventBus {
  private readonly codec: AvroCodec;
  private readonly retry: RetryPolicy;
  private readonly logs = new Map<string, PartitionLog[]>();
  private readonly subs: Subscription[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private running = false;
  private commits = 0;

  constructor(private readonly opts: InProcessEventBusOptions) {
    this.codec = opts.codec ?? new AvroCodec();
    this.retry = opts.retry ?? DEFAULT_RETRY;
    if (opts.dataDir) mkdirSync(join(opts.dataDir, 'offsets'), { recursive: true });
  }

  async publish<T extends TopicName>(event: EventOf<T>): Promise<void> {
    const value = this.codec.encode(event);
    const key = messageKey(event);
    this.append(event.type, key, { 'correlation-id': event.correlationId, 'event-type': event.type }, value);
  }

  subscribe<T extends TopicName>(groupId: string, topic: T, handler: Handler<T>, opts: SubscribeOptions = {}): void {
    if (this.running) throw new Error('subscribe before start()');
    const parts = this.partitions(topic);
    const h = handler as unknown as Handler<TopicName>;
    this.subs.push({
      groupId,
      topic,
      handle: (msg, ctx) => h(this.codec.decode(topic, msg.value), ctx),
      deadLetterOnFailure: true,
      concurrency: opts.concurrency ?? 1,
      committed: this.loadOffsets(groupId, topic, parts),
      busy: parts.map(() => false),
      active: 0,
    });
  }

  subscribeDeadLetters(
    groupId: string,
    topics: readonly TopicName[],
    handler: (dl: DeadLetter) => Promise<void>,
  ): void {
    if (this.running) throw new Error('subscribe before start()');
    for (const topic of topics) {
      const dlq = deadLetterTopic(topic);
      const parts = this.partitions(dlq);
      this.subs.push({
        groupId,
        topic: dlq,
        handle: (msg) => handler({ topic, key: msg.key, headers: msg.headers }),
        deadLetterOnFailure: false,
        concurrency: 1,
        committed: this.loadOffsets(groupId, dlq, parts),
        busy: parts.map(() => false),
        active: 0,
      });
    }
  }

  async start(): Promise<void> {
    this.running = true;
    for (const sub of this.subs) this.pump(sub);
  }

  async stop(): Promise<void> {
    this.running = false;
    this.abort.abort();
    while (this.inFlight.size) await Promise.allSettled([...this.inFlight]);
  }

  /** Messages not yet consumed by a group: what a test or a health check waits on. */
  lag(groupId?: string): number {
    let lag = 0;
    for (const sub of this.subs) {
      if (groupId && sub.groupId !== groupId) continue;
      this.partitions(sub.topic).forEach((log, p) => (lag += log.next - sub.committed[p]));
    }
    return lag;
  }

  /** Raw dead-lettered messages of a topic, for inspection and tests. */
  deadLetters(topic: TopicName): { key: string; headers: Record<string, string> }[] {
    const out: { key: string; headers: Record<string, string> }[] = [];
    for (const log of this.logs.get(deadLetterTopic(topic)) ?? []) {
      for (let o = log.earliest; o < log.next; o++) {
        const m = log.get(o);
        if (m) out.push({ key: m.key, headers: m.headers });
      }
    }
    return out;
  }

  private append(topic: string, key: string, headers: Record<string, string>, value: Buffer): void {
    const parts = this.partitions(topic);
    parts[partitionFor(key, parts.length)].append(key, headers, value);
    if (this.running) for (const sub of this.subs) if (sub.topic === topic) this.pump(sub);
  }

  private partitions(topic: string): PartitionLog[] {
    let parts = this.logs.get(topic);
    if (!parts) {
      const count = isTopicName(topic) ? TOPICS[topic].partitions : 1;
      const dir = this.opts.dataDir ? join(this.opts.dataDir, 'topics', topic) : null;
      if (dir) mkdirSync(dir, { recursive: true });
      parts = Array.from({ length: count }, (_, p) => new PartitionLog(dir ? join(dir, `${p}.log`) : null));
      this.logs.set(topic, parts);
    }
    return parts;
  }

  /** Starts a worker on every partition that has work and a free slot. */
  private pump(sub: Subscription): void {
    const parts = this.partitions(sub.topic);
    for (let p = 0; p < parts.length && sub.active < sub.concurrency; p++) {
      if (sub.busy[p] || sub.committed[p] >= parts[p].next) continue;
      sub.busy[p] = true;
      sub.active++;
      const run = this.drain(sub, p, parts[p]).finally(() => {
        sub.busy[p] = false;
        sub.active--;
        this.inFlight.delete(run);
        if (this.running) this.pump(sub);
      });
      this.inFlight.add(run);
    }
  }

  private async drain(sub: Subscription, p: number, log: PartitionLog): Promise<void> {
    while (this.running && sub.committed[p] < log.next) {
      const msg = log.get(sub.committed[p]);
      if (msg) await this.deliver(sub, p, msg);
      if (!this.running) return; // stopped mid-delivery: leave the position uncommitted.
      sub.committed[p] = (msg?.offset ?? sub.committed[p]) + 1;
      this.saveOffsets(sub);
    }
  }

  private async deliver(sub: Subscription, p: number, msg: StoredMessage): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const ctx: MessageContext = {
        topic: sub.topic,
        partition: p,
        offset: String(msg.offset),
        key: msg.key,
        headers: msg.headers,
        attempt,
      };
      try {
        // Decode inside the guard: a poison message is dead-lettered, not a crash loop.
        await sub.handle(msg, ctx);
        return;
      } catch (err) {
        if (!this.running) return;
        const e = describeError(err);
        const log = this.opts.log.child({ topic: sub.topic, group: sub.groupId, key: msg.key, attempt });
        if ((!e.retriable || attempt >= this.retry.maxAttempts) && !sub.deadLetterOnFailure) {
          log.error({ err }, 'dead-letter handler failed for good; skipping the message');
          return;
        }
        if (!e.retriable || attempt >= this.retry.maxAttempts) {
          log.error({ err }, 'handler failed for good; dead-lettering the message');
          this.append(
            deadLetterTopic(sub.topic),
            msg.key,
            {
              ...msg.headers,
              'dlq-group': sub.groupId,
              'dlq-error-code': e.code,
              'dlq-error': e.message.slice(0, 1000),
              'dlq-original-offset': String(msg.offset),
            },
            msg.value,
          );
          return;
        }
        log.warn({ err }, 'handler failed; retrying');
        try {
          await sleep(backoffMs(this.retry, attempt), undefined, { signal: this.abort.signal });
        } catch {
          return;
        }
      }
    }
  }

  private offsetsFile(groupId: string, topic: string): string | null {
    return this.opts.dataDir ? join(this.opts.dataDir, 'offsets', `${groupId}__${topic}.json`) : null;
  }

  private loadOffsets(groupId: string, topic: string, parts: PartitionLog[]): number[] {
    const file = this.offsetsFile(groupId, topic);
    const saved = file && existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as number[]) : [];
    // A new group starts from the earliest retained message (auto.offset.reset=earliest).
    return parts.map((log, p) => Math.max(saved[p] ?? 0, log.earliest));
  }

  private saveOffsets(sub: Subscription): void {
    const file = this.offsetsFile(sub.groupId, sub.topic);
    if (file) {
      writeFileSync(`${file}.tmp`, JSON.stringify(sub.committed));
      renameSync(`${file}.tmp`, file);
    }
    if (++this.commits % (this.opts.compactEvery ?? 500) === 0) this.compact();
  }

  private compact(): void {
    for (const [topic, parts] of this.logs) {
      const subs = this.subs.filter((s) => s.topic === topic);
      if (!subs.length) continue;
      parts.forEach((log, p) => log.truncateBefore(Math.min(...subs.map((s) => s.committed[p]))));
    }
  }
}
