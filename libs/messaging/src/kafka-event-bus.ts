import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Kafka,
  logLevel,
  PartitionAssigners,
  type Admin,
  type KafkaConfig,
  type SASLOptions,
  type Consumer,
  type IHeaders,
  type KafkaMessage,
  type LogEntry,
  type Producer,
} from 'kafkajs';
import { deadLetterTopic, messageKey, TOPICS, TOPIC_NAMES, type EventOf, type TopicName } from '@speech/contracts';
import type { Logger } from '@speech/platform';
import { coPartitionedAssigner } from './co-partitioned-assigner';
import { deadLetterHeaders, deliver, eventHeaders, HEADER } from './delivery';
import {
  DEFAULT_RETRY,
  type DeadLetter,
  type EventBus,
  type Handler,
  type MessageContext,
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

/** What a group does with the messages of one physical topic: its handlers, in order. */
interface Route {
  handlers: ((message: KafkaMessage, ctx: Omit<MessageContext, 'attempt'> & { attempt: number }) => Promise<void>)[];
  /** The logical topic whose dead-letter topic takes a message that fails for good; null for dead letters. */
  deadLetterOf: TopicName | null;
}

interface Group {
  routes: Map<string, Route>;
  concurrency: number;
  /** SubscribeOptions.ephemeral: a group of this instance alone, from the newest message on. */
  ephemeral: boolean;
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
 * offsets committed only after the handler succeeded (at-least-once). Each message goes
 * through the same delivery engine as the single process's (delivery.ts): retry with backoff
 * inside the partition (keeps per-key order), then a dead-letter topic with the same headers.
 * Dead letters are followed by ordinary groups on the `.dlq` topics. Shutdown is graceful.
 */
export class KafkaEventBus implements EventBus {
  private readonly kafka: Kafka;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly groups = new Map<string, Group>();
  private running = false;
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
    await this.topicsOnce(); // a publish before start() finds its topic too
    await this.connectProducer();
    const value = await this.opts.codec.encode(event);
    await this.producer.send({
      topic: this.topicName(event.type),
      acks: -1,
      messages: [
        {
          key: messageKey(event),
          value,
          headers: eventHeaders(event),
        },
      ],
    });
  }

  subscribe<T extends TopicName>(groupId: string, topic: T, handler: Handler<T>, opts: SubscribeOptions = {}): void {
    const g = this.group(groupId, opts.ephemeral ?? false);
    g.concurrency = Math.max(g.concurrency, opts.concurrency ?? 1);
    this.route(g, this.topicName(topic), opts.ephemeral ? null : topic).handlers.push(async (message, ctx) => {
      // Decoded inside the delivery: a message that does not decode is a poison message, dead-lettered.
      const event = await this.opts.codec.decode(topic, message.value ?? Buffer.alloc(0));
      await handler(event as EventOf<T>, ctx);
    });
  }

  /** Adds to the group: several calls (one per topic set, or per consumer) all receive their letters. */
  subscribeDeadLetters(
    groupId: string,
    topics: readonly TopicName[],
    handler: (dl: DeadLetter) => Promise<void>,
  ): void {
    const g = this.group(groupId);
    for (const topic of topics) {
      this.route(g, this.topicName(deadLetterTopic(topic)), null).handlers.push((_message, ctx) =>
        handler({ topic, key: ctx.key, headers: ctx.headers }),
      );
    }
  }

  private group(groupId: string, ephemeral = false): Group {
    if (this.running) throw new Error('subscribe before start()');
    const g = this.groups.get(groupId) ?? { routes: new Map(), concurrency: 1, ephemeral };
    if (g.ephemeral !== ephemeral) throw new Error(`group ${groupId}: ephemeral and durable subscriptions do not mix`);
    this.groups.set(groupId, g);
    return g;
  }

  private route(g: Group, physical: string, deadLetterOf: TopicName | null): Route {
    const r = g.routes.get(physical) ?? { handlers: [], deadLetterOf };
    g.routes.set(physical, r);
    return r;
  }

  private topicsReady: Promise<void> | null = null;

  /** ensureTopics, once per bus (again after a failure). */
  private topicsOnce(): Promise<void> {
    this.topicsReady ??= this.ensureTopics().catch((err: unknown) => {
      this.topicsReady = null;
      throw err;
    });
    return this.topicsReady;
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
    this.running = true;
    await this.topicsOnce();
    await this.connectProducer();
    for (const [groupId, g] of this.groups) {
      const consumer = this.kafka.consumer({
        // An ephemeral group is this instance's own: a fresh id each start, its offsets unused.
        groupId: this.prefix + groupId + (g.ephemeral ? `.${randomUUID()}` : ''),
        allowAutoTopicCreation: false,
        sessionTimeout: this.opts.session?.timeoutMs ?? 30_000,
        heartbeatInterval: this.heartbeatMs,
        // One recording's events on every topic to one member (co-partitioned-assigner.ts);
        // round robin only while members of an older release are still in the group.
        partitionAssigners: [coPartitionedAssigner, PartitionAssigners.roundRobin],
      });
      this.consumers.push(consumer);
      await consumer.connect();
      await consumer.subscribe({ topics: [...g.routes.keys()], fromBeginning: !g.ephemeral });
      await consumer.run({
        partitionsConsumedConcurrently: g.concurrency,
        // eachMessage resolving = its offset may be committed: at-least-once. Throwing (the bus
        // is stopping) leaves it uncommitted, so it is delivered again.
        eachMessage: async ({ topic, partition, message, heartbeat }) => {
          const route = g.routes.get(topic);
          if (route) await this.deliverOne(groupId, route, { topic, partition, message, heartbeat });
        },
      });
    }
  }

  /** One message through the shared delivery engine (retry, backoff, dead letter): as the single process does. */
  private async deliverOne(
    groupId: string,
    route: Route,
    m: { topic: string; partition: number; message: KafkaMessage; heartbeat: () => Promise<void> },
  ): Promise<void> {
    const { topic, partition, message, heartbeat } = m;
    const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, headerString(v)]));
    const key = message.key?.toString() ?? '';
    const deadLetterOf = route.deadLetterOf;
    await deliver({
      retry: this.retry,
      signal: this.abort.signal,
      log: this.opts.log.child({ topic, group: groupId, key, correlationId: headers[HEADER.correlationId] }),
      handle: async (attempt) => {
        // A handler may run for minutes (cutting an hour of audio, listing a 100 GB file's
        // packets): keep the group membership alive meanwhile, or the broker hands the
        // partition to another member and the work starts over there.
        const keepAlive = setInterval(() => void heartbeat().catch(() => undefined), this.heartbeatMs);
        try {
          const ctx = { topic, partition, offset: message.offset, key, headers, attempt, signal: this.abort.signal };
          for (const h of route.handlers) await h(message, ctx);
        } finally {
          clearInterval(keepAlive);
        }
      },
      deadLetter: deadLetterOf
        ? async (error) => {
            const from = { group: groupId, topic, partition, offset: message.offset };
            await this.producer.send({
              topic: this.topicName(deadLetterTopic(deadLetterOf)),
              acks: -1,
              messages: [{ key: message.key, value: message.value, headers: deadLetterHeaders(headers, from, error) }],
            });
          }
        : null,
      // A backoff may be as long as the session timeout: wait in slices, with heartbeats.
      wait: async (ms, signal) => {
        for (let left = ms; left > 0; left -= this.heartbeatMs) {
          await sleep(Math.min(left, this.heartbeatMs), undefined, { signal });
          await heartbeat();
        }
      },
    });
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
