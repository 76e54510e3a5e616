import { setTimeout as sleep } from 'node:timers/promises';
import {
  Kafka,
  logLevel,
  type Admin,
  type KafkaConfig,
  type SASLOptions,
  type Consumer,
  type IHeaders,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import { deadLetterTopic, messageKey, TOPICS, TOPIC_NAMES, type EventOf, type TopicName } from '@speech/contracts';
import { describeError } from '@speech/kernel';
import type { Logger } from '@speech/platform';
import {
  backoffMs,
  DEFAULT_RETRY,
  type DeadLetter,
  type EventBus,
  type Handler,
  type RetryPolicy,
  type SubscribeOptions,
} from './event-bus.port';
import type { EventCodec } from './schema-registry-codec';

/** TLS and SASL to the brokers, as managed Kafka services require. */
export interface KafkaSecurityConfig {
  /** TLS on every broker connection; `ca` (PEM) replaces the system's CAs when given. */
  tls?: { ca?: string; rejectUnauthorized?: boolean };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

export interface KafkaEventBusOptions {
  brokers: string[];
  clientId: string;
  /** Unset: plaintext without authentication (the native stack, a cluster inside the pod network). */
  security?: KafkaSecurityConfig;
  codec: EventCodec;
  log: Logger;
  retry?: RetryPolicy;
  /**
   * Prepended to every topic name and consumer group id: several deployments (or tests) can
   * share a cluster without sharing consumer groups (and their rebalances).
   */
  topicPrefix?: string;
  /** Consumer group session: a member silent for timeoutMs is dropped (defaults 30 s, heartbeats every 3 s). */
  session?: { timeoutMs?: number; heartbeatMs?: number };
  /** Topic creation at start-up. Partitions default to the catalogue's counts. */
  topics?: { partitions?: number; replicationFactor?: number };
}

/** kafkajs's `ssl` and `sasl` client options from ours. */
export function kafkaConnectionSecurity(security: KafkaSecurityConfig | undefined): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  if (!security) return {};
  const { tls, sasl } = security;
  return {
    ...(tls
      ? { ssl: { rejectUnauthorized: tls.rejectUnauthorized ?? true, ...(tls.ca ? { ca: [tls.ca] } : {}) } }
      : {}),
    ...(sasl
      ? { sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password } as SASLOptions }
      : {}),
  };
}

interface Sub {
  topic: TopicName;
  handler: Handler<TopicName>;
}

/** kafkajs logs go into pino, at the matching level (docs/ARCHITECTURE.md, "Config and logs"). */
function pinoLogCreator(log: Logger) {
  return () =>
    ({ namespace, level, log: entry }: LogEntry) => {
      const { message, ...extra } = entry;
      const child = log.child({ component: 'kafkajs', namespace });
      if (level === logLevel.ERROR) child.error(extra, message);
      else if (level === logLevel.WARN) child.warn(extra, message);
      else if (level === logLevel.INFO) child.info(extra, message);
      else child.debug(extra, message);
    };
}

function headerString(v: IHeaders[string]): string {
  if (v === undefined) return '';
  if (Array.isArray(v)) return v.map((x) => x.toString()).join(',');
  return v.toString();
}

/**
 * The EventBus on Kafka (kafkajs): idempotent producer, one consumer group per service,
 * offsets committed only after the handler succeeded (at-least-once), retry with backoff
 * inside the partition (keeps per-key order), then a dead-letter topic that keeps the
 * original headers. Correlation ids travel in headers. Shutdown is graceful.
 */
export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly groups = new Map<string, { subs: Sub[]; concurrency: number }>();
  private readonly deadLetterGroups = new Map<
    string,
    { topics: readonly TopicName[]; handler: (dl: DeadLetter) => Promise<void> }
  >();
  private readonly consumers: Consumer[] = [];
  private readonly retry: RetryPolicy;
  private readonly abort = new AbortController();
  private connected = false;
  private readonly prefix: string;

  constructor(private readonly opts: KafkaEventBusOptions) {
    this.kafka = new Kafka({
      clientId: opts.clientId,
      brokers: opts.brokers,
      ...kafkaConnectionSecurity(opts.security),
      logCreator: pinoLogCreator(opts.log),
      logLevel: logLevel.INFO,
      // Explicit, so kafkajs's NODE_ENV=test defaults never apply (docs/ARCHITECTURE.md, "Config and logs").
      retry: { initialRetryTime: 300, retries: 10, maxRetryTime: 30_000 },
    });
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
    this.admin = this.kafka.admin();
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.prefix = opts.topicPrefix ?? '';
  }

  /** The physical topic of a logical one. */
  topicName(topic: string): string {
    return `${this.prefix}${topic}`;
  }

  async publish<T extends TopicName>(event: EventOf<T>): Promise<void> {
    await this.connectProducer();
    const value = await this.opts.codec.encode(event);
    await this.producer.send({
      topic: this.topicName(event.type),
      acks: -1,
      messages: [
        {
          key: messageKey(event),
          value,
          headers: { 'correlation-id': event.correlationId, 'event-type': event.type, 'event-id': event.eventId },
        },
      ],
    });
  }

  subscribe<T extends TopicName>(groupId: string, topic: T, handler: Handler<T>, opts: SubscribeOptions = {}): void {
    const g = this.groups.get(groupId) ?? { subs: [], concurrency: 1 };
    g.subs.push({ topic, handler: handler as unknown as Handler<TopicName> });
    g.concurrency = Math.max(g.concurrency, opts.concurrency ?? 1);
    this.groups.set(groupId, g);
  }

  subscribeDeadLetters(
    groupId: string,
    topics: readonly TopicName[],
    handler: (dl: DeadLetter) => Promise<void>,
  ): void {
    this.deadLetterGroups.set(groupId, { topics, handler });
  }

  /** Creates every topic and its dead-letter topic (idempotent). */
  async ensureTopics(): Promise<void> {
    await this.admin.connect();
    try {
      const replicationFactor = this.opts.topics?.replicationFactor ?? 1;
      const all = TOPIC_NAMES.flatMap((t) => [
        {
          topic: this.topicName(t),
          numPartitions: this.opts.topics?.partitions ?? TOPICS[t].partitions,
          replicationFactor,
        },
        { topic: this.topicName(deadLetterTopic(t)), numPartitions: 1, replicationFactor },
      ]);
      // A broker that has just started may create the topics but not yet serve their metadata
      // ("does not host this topic-partition"), which kafkajs's wait for leaders does not retry.
      for (let attempt = 1; ; attempt++) {
        try {
          const existing = new Set(await this.admin.listTopics());
          const wanted = all.filter((t) => !existing.has(t.topic));
          if (wanted.length) await this.admin.createTopics({ topics: wanted, waitForLeaders: true });
          await this.admin.fetchTopicMetadata({ topics: all.map((t) => t.topic) });
          return;
        } catch (err) {
          if (attempt >= 20 || !(err as { retriable?: boolean }).retriable) throw err;
          this.opts.log.warn({ err, attempt }, 'topics not ready yet; retrying');
          await sleep(500);
        }
      }
    } finally {
      await this.admin.disconnect();
    }
  }

  private get heartbeatMs(): number {
    return this.opts.session?.heartbeatMs ?? 3_000;
  }

  async start(): Promise<void> {
    await this.ensureTopics();
    await this.connectProducer();
    await this.startDeadLetterConsumers();
    for (const [groupId, g] of this.groups) {
      const consumer = this.kafka.consumer({
        groupId: this.prefix + groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: this.opts.session?.timeoutMs ?? 30_000,
        heartbeatInterval: this.heartbeatMs,
      });
      this.consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics: g.subs.map((s) => this.topicName(s.topic)), fromBeginning: true });
      const byTopic = new Map(g.subs.map((s) => [this.topicName(s.topic), s]));
      await consumer.run({
        partitionsConsumedConcurrently: g.concurrency,
        // eachMessage resolving = its offset may be committed: at-least-once.
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          const sub = byTopic.get(topic);
          if (!sub) return;
          const headers = Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, headerString(v)]),
          );
          const key = message.key?.toString() ?? '';
          for (let attempt = 1; ; attempt++) {
            try {
              // Decode inside the guard: a poison message goes to the DLQ, not a crash loop.
              const event = await this.opts.codec.decode(sub.topic, message.value ?? Buffer.alloc(0));
              // A handler may run for minutes (cutting an hour of audio, listing a 100 GB file's
              // packets): keep the group membership alive meanwhile, or the broker hands the
              // partition to another member and the work starts over there.
              const keepAlive = setInterval(() => void heartbeat().catch(() => undefined), this.heartbeatMs);
              try {
                await sub.handler(event, { topic, partition, offset: message.offset, key, headers, attempt });
              } finally {
                clearInterval(keepAlive);
              }
              return;
            } catch (err) {
              const e = describeError(err);
              const log = this.opts.log.child({
                topic,
                group: groupId,
                key,
                attempt,
                correlationId: headers['correlation-id'],
              });
              if (this.abort.signal.aborted) throw err; // shutting down: do not commit
              if (!e.retriable || attempt >= this.retry.maxAttempts) {
                log.error({ err }, 'handler failed for good; dead-lettering the message');
                await this.producer.send({
                  topic: this.topicName(deadLetterTopic(sub.topic)),
                  messages: [
                    {
                      key: message.key,
                      value: message.value,
                      headers: {
                        ...headers,
                        'dlq-group': groupId,
                        'dlq-error-code': e.code,
                        'dlq-error': e.message.slice(0, 1000),
                        'dlq-original-topic': topic,
                        'dlq-original-partition': String(partition),
                        'dlq-original-offset': message.offset,
                      },
                    },
                  ],
                });
                return;
              }
              log.warn({ err }, 'handler failed; retrying');
              // Sleep in slices with heartbeats: a backoff may be as long as the session timeout.
              for (let left = backoffMs(this.retry, attempt); left > 0; left -= 3_000) {
                await sleep(Math.min(left, 3_000));
                await heartbeat();
              }
            }
          }
        },
      });
    }
  }

  private async startDeadLetterConsumers(): Promise<void> {
    for (const [groupId, { topics, handler }] of this.deadLetterGroups) {
      const consumer = this.kafka.consumer({ groupId: this.prefix + groupId, allowAutoTopicCreation: false });
      this.consumers.push(consumer);
      await consumer.connect();
      const byPhysical = new Map(topics.map((t) => [this.topicName(deadLetterTopic(t)), t]));
      await consumer.subscribe({ topics: [...byPhysical.keys()], fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ topic, message }) => {
          const original = byPhysical.get(topic);
          if (!original) return;
          const headers = Object.fromEntries(
            Object.entries(message.headers ?? {}).map(([k, v]) => [k, headerString(v)]),
          );
          try {
            await handler({ topic: original, key: message.key?.toString() ?? '', headers });
          } catch (err) {
            // A dead letter is not dead-lettered again: log it and move on.
            this.opts.log.error({ err, topic }, 'dead-letter handler failed; skipping the message');
          }
        },
      });
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.consumers.map((c) => c.disconnect()));
    if (this.connected) await this.producer.disconnect();
    this.connected = false;
  }

  private async connectProducer(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }
}
