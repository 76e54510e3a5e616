import type { Statement } from 'better-sqlite3';
import {
  AvroCodec,
  deadLetterTopic,
  isTopicName,
  messageKey,
  TOPICS,
  type EventOf,
  type TopicName,
} from '@speech/contracts';
import type { SqliteDatabase, UnitOfWork, UnitParticipant } from '@speech/persistence';
import type { Logger } from '@speech/platform';
import { deadLetterHeaders, deliver, DeliveryStopped, eventHeaders } from './delivery';
import {
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

interface Outgoing {
  topic: string;
  key: string;
  headers: Record<string, string>;
  value: Buffer;
}

interface Subscription {
  groupId: string;
  /** The physical topic: an event topic, or a dead-letter topic. */
  topic: string;
  /** Decodes (inside the delivery guard) and handles one message. */
  handle: (msg: StoredMessage, ctx: MessageContext) => Promise<void>;
  /** Dead letters are not dead-lettered again: they are retried, then logged and skipped. */
  deadLetterOnFailure: boolean;
  concurrency: number;
  /** This process's alone (SubscribeOptions.ephemeral): from the head on, its position never stored. */
  ephemeral: boolean;
  /** The next offset to handle, per partition (what is committed). */
  next: number[];
  busy: boolean[];
  active: number;
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS bus_log (
    topic TEXT NOT NULL, partition INTEGER NOT NULL, offset INTEGER NOT NULL,
    key TEXT NOT NULL, headers TEXT NOT NULL, value BLOB NOT NULL,
    PRIMARY KEY (topic, partition, offset)
  ) WITHOUT ROWID;
  -- The next offset of each partition, kept apart from the log: compaction may empty a
  -- partition's log, and offsets must never be handed out twice.
  CREATE TABLE IF NOT EXISTS bus_heads (
    topic TEXT NOT NULL, partition INTEGER NOT NULL, next INTEGER NOT NULL,
    PRIMARY KEY (topic, partition)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS bus_commits (
    group_id TEXT NOT NULL, topic TEXT NOT NULL, partition INTEGER NOT NULL, next INTEGER NOT NULL,
    PRIMARY KEY (group_id, topic, partition)
  ) WITHOUT ROWID;
`;

export interface SqliteEventBusOptions {
  database: SqliteDatabase;
  codec?: AvroCodec;
  retry?: RetryPolicy;
  log: Logger;
  /** Commits between compactions of the log (deleting what every group has consumed). */
  compactEvery?: number;
  /**
   * Topics after whose messages the log is compacted at once, whatever the count: after a
   * recording's deletion (audio.deleted) what every group has read of it leaves the file.
   */
  compactAfter?: readonly string[];
}

/**
 * The single-process EventBus, an event log in the platform's SQLite database with Kafka's
 * semantics: topics split into partitions by key, a committed position per group and
 * partition, per-key order, retry with backoff, then a dead-letter topic.
 *
 * A handler runs in a unit of work (SqliteDatabase.run): its document writes, the events it
 * publishes and the commit of its message's offset are one transaction, so in this mode a
 * message's effects happen exactly once. Events published outside a handler are appended in
 * a transaction of their own, or with the caller's unit of work (Transactor.run).
 */
export class SqliteEventBus implements EventBus {
  private readonly codec: AvroCodec;
  private readonly retry: RetryPolicy;
  private readonly db: SqliteDatabase;
  private readonly subs: Subscription[] = [];
  private readonly heads = new Map<string, number[]>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly abort = new AbortController();
  private readonly stmts: Record<
    'head' | 'insert' | 'setHead' | 'next' | 'commit' | 'committed' | 'earliest',
    Statement
  >;
  private running = false;
  private commits = 0;

  constructor(private readonly opts: SqliteEventBusOptions) {
    this.db = opts.database;
    this.codec = opts.codec ?? new AvroCodec();
    this.retry = opts.retry ?? DEFAULT_RETRY;
    this.db.db.exec(SCHEMA);
    const p = (sql: string) => this.db.db.prepare(sql);
    this.stmts = {
      head: p('SELECT next FROM bus_heads WHERE topic = ? AND partition = ?'),
      insert: p('INSERT INTO bus_log (topic, partition, offset, key, headers, value) VALUES (?, ?, ?, ?, ?, ?)'),
      setHead: p(
        'INSERT INTO bus_heads (topic, partition, next) VALUES (?, ?, ?) ON CONFLICT (topic, partition) DO UPDATE SET next = excluded.next',
      ),
      next: p(
        'SELECT offset, key, headers, value FROM bus_log WHERE topic = ? AND partition = ? AND offset >= ? ORDER BY offset LIMIT 1',
      ),
      commit: p(
        'INSERT INTO bus_commits (group_id, topic, partition, next) VALUES (?, ?, ?, ?) ' +
          'ON CONFLICT (group_id, topic, partition) DO UPDATE SET next = excluded.next',
      ),
      committed: p('SELECT next FROM bus_commits WHERE group_id = ? AND topic = ? AND partition = ?'),
      earliest: p('SELECT min(offset) AS o FROM bus_log WHERE topic = ? AND partition = ?'),
    };
  }

  async publish<T extends TopicName>(event: EventOf<T>): Promise<void> {
    this.append({
      topic: event.type,
      key: messageKey(event),
      headers: eventHeaders(event),
      value: this.codec.encode(event),
    });
  }

  subscribe<T extends TopicName>(groupId: string, topic: T, handler: Handler<T>, opts: SubscribeOptions = {}): void {
    const h = handler as unknown as Handler<TopicName>;
    this.addSubscription(
      groupId,
      topic,
      (msg, ctx) => h(this.codec.decode(topic, msg.value), ctx),
      !opts.ephemeral,
      opts.concurrency,
      opts.ephemeral,
    );
  }

  subscribeDeadLetters(
    groupId: string,
    topics: readonly TopicName[],
    handler: (dl: DeadLetter) => Promise<void>,
  ): void {
    for (const topic of topics) {
      this.addSubscription(
        groupId,
        deadLetterTopic(topic),
        (msg) => handler({ topic, key: msg.key, headers: msg.headers }),
        false,
        1,
      );
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
      this.headsOf(sub.topic).forEach((head, p) => (lag += head - sub.next[p]));
    }
    return lag;
  }

  /** Dead-lettered messages of a topic, for inspection and tests. */
  deadLetters(topic: TopicName): { key: string; headers: Record<string, string> }[] {
    const rows = this.db.db
      .prepare('SELECT key, headers FROM bus_log WHERE topic = ? ORDER BY partition, offset')
      .all(deadLetterTopic(topic)) as { key: string; headers: string }[];
    return rows.map((r) => ({ key: r.key, headers: JSON.parse(r.headers) as Record<string, string> }));
  }

  // --- the log ----------------------------------------------------------------------------

  private partitionCount(topic: string): number {
    return isTopicName(topic) ? TOPICS[topic].partitions : 1;
  }

  private headsOf(topic: string): number[] {
    let heads = this.heads.get(topic);
    if (!heads) {
      heads = Array.from(
        { length: this.partitionCount(topic) },
        (_, p) => (this.stmts.head.get(topic, p) as { next: number } | undefined)?.next ?? 0,
      );
      this.heads.set(topic, heads);
    }
    return heads;
  }

  /** Appends with the current unit of work, or in a transaction of its own. */
  private append(msg: Outgoing): void {
    const unit = this.db.current();
    if (unit) this.outbox(unit).push(msg);
    else this.db.autocommit((u) => this.outbox(u).push(msg));
  }

  private outbox(unit: UnitOfWork): Outgoing[] {
    return unit.join(this, () => new Outbox(this, unit)).messages;
  }

  /** @internal inside the commit transaction: offsets are handed out here, never twice. */
  write(msg: Outgoing): { partition: number; offset: number } {
    const partition = partitionFor(msg.key, this.partitionCount(msg.topic));
    const offset = (this.stmts.head.get(msg.topic, partition) as { next: number } | undefined)?.next ?? 0;
    this.stmts.insert.run(msg.topic, partition, offset, msg.key, JSON.stringify(msg.headers), msg.value);
    this.stmts.setHead.run(msg.topic, partition, offset + 1);
    return { partition, offset };
  }

  /** @internal after the commit: consumers learn of the new messages. */
  appended(topic: string, partition: number, offset: number): void {
    const heads = this.headsOf(topic);
    heads[partition] = Math.max(heads[partition], offset + 1);
    if (this.running) for (const sub of this.subs) if (sub.topic === topic) this.pump(sub);
  }

  // --- consumption ------------------------------------------------------------------------

  private addSubscription(
    groupId: string,
    topic: string,
    handle: Subscription['handle'],
    deadLetterOnFailure: boolean,
    concurrency = 1,
    ephemeral = false,
  ): void {
    if (this.running) throw new Error('subscribe before start()');
    const heads = this.headsOf(topic);
    const next = heads.map((head, p) => {
      if (ephemeral) return head;
      const committed = (this.stmts.committed.get(groupId, topic, p) as { next: number } | undefined)?.next;
      if (committed !== undefined) return committed;
      // A new group starts from the earliest retained message (auto.offset.reset=earliest).
      return (this.stmts.earliest.get(topic, p) as { o: number | null }).o ?? head;
    });
    this.subs.push({
      groupId,
      topic,
      handle,
      deadLetterOnFailure,
      concurrency,
      ephemeral,
      next,
      busy: heads.map(() => false),
      active: 0,
    });
  }

  /** Starts a worker on every partition that has work and a free slot. */
  private pump(sub: Subscription): void {
    const heads = this.headsOf(sub.topic);
    for (let p = 0; p < heads.length && sub.active < sub.concurrency; p++) {
      if (sub.busy[p] || sub.next[p] >= heads[p]) continue;
      sub.busy[p] = true;
      sub.active++;
      // Outside the caller's unit of work: a commit's after-hook may be what woke us.
      const run = this.db.outside(() =>
        this.drain(sub, p).finally(() => {
          sub.busy[p] = false;
          sub.active--;
          this.inFlight.delete(run);
          if (this.running) this.pump(sub);
        }),
      );
      this.inFlight.add(run);
    }
  }

  private async drain(sub: Subscription, p: number): Promise<void> {
    while (this.running && sub.next[p] < this.headsOf(sub.topic)[p]) {
      const row = this.stmts.next.get(sub.topic, p, sub.next[p]) as
        { offset: number; key: string; headers: string; value: Buffer } | undefined;
      if (!row) {
        sub.next[p] = this.headsOf(sub.topic)[p]; // compacted away meanwhile: nothing left to read
        return;
      }
      const msg: StoredMessage = { ...row, headers: JSON.parse(row.headers) as Record<string, string> };
      try {
        await this.deliver(sub, p, msg);
      } catch (err) {
        if (err instanceof DeliveryStopped) return; // stopped mid-delivery: the position stays uncommitted
        throw err;
      }
      sub.next[p] = msg.offset + 1;
      if (++this.commits % (this.opts.compactEvery ?? 500) === 0 || this.opts.compactAfter?.includes(sub.topic))
        this.compact();
    }
  }

  private async deliver(sub: Subscription, p: number, msg: StoredMessage): Promise<void> {
    const commit = (unit: UnitOfWork) => {
      if (!sub.ephemeral) unit.addStep(() => this.stmts.commit.run(sub.groupId, sub.topic, p, msg.offset + 1));
    };
    const outcome = await deliver({
      retry: this.retry,
      signal: this.abort.signal,
      log: this.opts.log.child({ topic: sub.topic, group: sub.groupId, key: msg.key }),
      handle: (attempt) =>
        this.db.run(async () => {
          const ctx: MessageContext = {
            topic: sub.topic,
            partition: p,
            offset: String(msg.offset),
            key: msg.key,
            headers: msg.headers,
            attempt,
            signal: this.abort.signal,
            commitProgress: () => this.db.commitProgress(),
          };
          await sub.handle(msg, ctx);
          // Stopping: whatever the handler made of its aborted work (a failure it recorded, say)
          // is not committed; the message is delivered again after the restart.
          if (this.abort.signal.aborted) throw new DeliveryStopped();
          const unit = this.db.current();
          if (unit) commit(unit);
        }),
      deadLetter: sub.deadLetterOnFailure
        ? async (error) =>
            this.db.autocommit((unit) => {
              const from = { group: sub.groupId, topic: sub.topic, partition: p, offset: String(msg.offset) };
              this.outbox(unit).push({
                topic: deadLetterTopic(sub.topic),
                key: msg.key,
                headers: deadLetterHeaders(msg.headers, from, error),
                value: msg.value,
              });
              commit(unit);
            })
        : null,
    });
    if (outcome === 'skipped') this.db.autocommit(commit);
  }

  /** Deletes what every group of this process has consumed: the file stays as large as the backlog. */
  private compact(): void {
    const byTopic = new Map<string, Subscription[]>();
    for (const s of this.subs) byTopic.set(s.topic, [...(byTopic.get(s.topic) ?? []), s]);
    const del = this.db.db.prepare('DELETE FROM bus_log WHERE topic = ? AND partition = ? AND offset < ?');
    this.db.db.transaction(() => {
      for (const [topic, subs] of byTopic) {
        this.headsOf(topic).forEach((_, p) => del.run(topic, p, Math.min(...subs.map((s) => s.next[p]))));
      }
    })();
  }
}

/** One unit's published messages (UnitParticipant): written at its commit, announced after. */
class Outbox implements UnitParticipant {
  readonly messages: Outgoing[] = [];

  constructor(
    private readonly bus: SqliteEventBus,
    private readonly unit: UnitOfWork,
  ) {}

  validate(): boolean {
    return true;
  }

  flush(): void {
    for (const m of this.messages) {
      const { partition, offset } = this.bus.write(m);
      this.unit.afterCommit.push(() => this.bus.appended(m.topic, partition, offset));
    }
  }
}
