import { randomUUID } from 'node:crypto';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Kafka, type Admin } from 'kafkajs';
import { type EventOf } from '@speech/contracts';
import { AppError } from '@speech/kernel';
import { silentLogger } from '@speech/platform';
import { anEvent, eventually } from '@speech/testing';
import { testStackEnv } from '@speech/harness';
import { eventBusContract } from './event-bus.contract';
import { CO_PARTITIONED } from './co-partitioned-assigner';
import { KafkaEventBus } from './kafka-event-bus';
import { SchemaRegistryCodec } from './schema-registry-codec';

jest.setTimeout(120_000);

// The same suite as the single process's bus (sqlite-event-bus.spec.ts): one behaviour, two adapters.
const contractBuses: KafkaEventBus[] = [];
eventBusContract('Kafka with a schema registry', () => ({
  open: async (scope) => {
    const env = testStackEnv();
    const prefix = `contract-${scope}.`;
    const bus = new KafkaEventBus({
      brokers: env.KAFKA_BROKERS.split(','),
      clientId: 'contract',
      codec: new SchemaRegistryCodec(env.SCHEMA_REGISTRY_URL, prefix),
      log: silentLogger(),
      topicPrefix: prefix,
      retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 },
      topics: { partitions: 3 },
    });
    contractBuses.push(bus);
    return bus;
  },
  closeAll: async () => void (await Promise.all(contractBuses.splice(0).map((b) => b.stop()))),
  // A consumer group's first join and rebalance take seconds.
  patienceMs: 60_000,
}));

describe('KafkaEventBus on Kafka with a schema registry', () => {
  const buses: KafkaEventBus[] = [];
  // Each test has its own topics (a random prefix), groups and subjects.
  const newBus = (prefix: string, session?: { timeoutMs: number; heartbeatMs: number }, partitions = 2) => {
    const env = testStackEnv();
    const bus = new KafkaEventBus({
      brokers: env.KAFKA_BROKERS.split(','),
      clientId: 'test',
      codec: new SchemaRegistryCodec(env.SCHEMA_REGISTRY_URL, prefix),
      log: silentLogger(),
      topicPrefix: prefix,
      retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 50 },
      topics: { partitions },
      ...(session && { session }),
    });
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.stop()));
  });
  const withAdmin = async <T>(work: (admin: Admin) => Promise<T>): Promise<T> => {
    const admin = new Kafka({ brokers: testStackEnv().KAFKA_BROKERS.split(','), logLevel: 0 }).admin();
    await admin.connect();
    try {
      return await work(admin);
    } finally {
      await admin.disconnect();
    }
  };

  it('delivers Avro events with the correlation id in headers, in order per key', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}.`;
    const bus = newBus(prefix);
    const seen: { audioId: string; index: number; corr: string }[] = [];
    const group = `g-${randomUUID()}`;
    bus.subscribe(group, 'chunk.created', async (e: EventOf<'chunk.created'>, ctx) => {
      seen.push({ audioId: e.audioId, index: e.payload.index, corr: ctx.headers['correlation-id'] });
    });
    await bus.start();
    for (let i = 0; i < 10; i++) await bus.publish(anEvent('chunk.created', `audio-${i % 2}`, { index: i }));
    await eventually('10 events', () => seen.length >= 10, 60_000);
    for (const a of ['audio-0', 'audio-1']) {
      const idx = seen.filter((s) => s.audioId === a).map((s) => s.index);
      expect(idx).toEqual([...idx].sort((x, y) => x - y));
    }
    expect(seen[0].corr).toBe(`corr-${seen[0].audioId}`);
    // The consumer group carries the deployment's prefix too, so deployments never share one.
    const groups = await withAdmin(async (admin) => (await admin.listGroups()).groups.map((g) => g.groupId));
    expect(groups).toContain(`${prefix}${group}`);
    expect(groups).not.toContain(group);
  });

  it('gives the events of one recording, on every topic, to the same member of a group', async () => {
    // Two replicas of one service: each key must be handled by one of them on all three topics
    // (the read model's single writer per recording; the round-robin assignor splits them).
    const prefix = `t${randomUUID().slice(0, 8)}.`;
    const group = `g-${randomUUID()}`;
    const topics = ['audio.uploaded', 'chunk.created', 'audio.chunked'] as const;
    const handledBy = new Map<string, Set<string>>();
    const seen = { count: 0 };
    const replicas = ['r1', 'r2'].map((name) => {
      // Three partitions: with two, round robin over the topics' partitions happens to co-partition.
      const bus = newBus(prefix, undefined, 3);
      for (const topic of topics)
        bus.subscribe(group, topic, async (e) => {
          handledBy.set(e.audioId, (handledBy.get(e.audioId) ?? new Set()).add(name));
          seen.count++;
        });
      return bus;
    });
    await Promise.all(replicas.map((b) => b.start()));
    // Publish once the group has settled with both members, so no rebalance moves a key meanwhile.
    await withAdmin((admin) =>
      eventually(
        'both members in a stable group',
        async () => {
          const [g] = (await admin.describeGroups([`${prefix}${group}`])).groups;
          return g?.state === 'Stable' && g.members.length === 2 && g.protocol === CO_PARTITIONED;
        },
        60_000,
      ),
    );
    const keys = [...Array(12).keys()].map((i) => `rec-${i}`);
    for (const topic of topics) for (const k of keys) await replicas[0]!.publish(anEvent(topic, k));
    await eventually('every event handled', () => seen.count >= keys.length * topics.length, 60_000);
    const members = new Set([...handledBy.values()].flatMap((s) => [...s]));
    expect(members).toEqual(new Set(['r1', 'r2']));
    expect(keys.filter((k) => handledBy.get(k)!.size !== 1)).toEqual([]);
  });

  it('keeps its group membership through a handler that runs longer than the session timeout', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}.`;
    const bus = newBus(prefix, { timeoutMs: 6_000, heartbeatMs: 1_000 });
    const calls: string[] = [];
    bus.subscribe(`g-${randomUUID()}`, 'audio.chunked', async (e) => {
      calls.push(e.audioId);
      if (e.audioId === 'long') await new Promise((r) => setTimeout(r, 10_000)); // > the 6 s session
    });
    await bus.start();
    await bus.publish(anEvent('audio.chunked', 'long'));
    await bus.publish(anEvent('audio.chunked', 'next'));
    await eventually('the next event', () => calls.includes('next'), 60_000);
    await new Promise((r) => setTimeout(r, 2_000)); // a redelivery would show up by now
    // Handled once: the broker never gave the partition away mid-handler, so the commit held.
    expect(calls.filter((c) => c === 'long')).toHaveLength(1);
  });

  it('retries, then dead-letters a poison event with its original headers and the reason', async () => {
    const prefix = `t${randomUUID().slice(0, 8)}.`;
    const bus = newBus(prefix);
    const ok: string[] = [];
    bus.subscribe(`g-${randomUUID()}`, 'audio.chunked', async (e) => {
      if (e.audioId === 'poison') throw new AppError('TEST.POISON', 'cannot handle this one', { retriable: true });
      ok.push(e.audioId);
    });
    await bus.start();
    await bus.publish(anEvent('audio.chunked', 'poison'));
    await bus.publish(anEvent('audio.chunked', 'fine'));
    await eventually('the good event', () => ok.includes('fine'), 60_000);

    const kafka = new Kafka({ brokers: testStackEnv().KAFKA_BROKERS.split(','), logLevel: 0 });
    const consumer = kafka.consumer({ groupId: `dlq-${randomUUID()}` });
    const dead: { key: string; headers: Record<string, string> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: `${prefix}audio.chunked.dlq`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        dead.push({
          key: message.key?.toString() ?? '',
          headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)])),
        });
      },
    });
    try {
      await eventually('the dead letter', () => dead.length > 0, 60_000);
    } finally {
      await consumer.disconnect();
    }
    expect(dead[0]).toMatchObject({
      key: 'poison',
      headers: {
        'correlation-id': 'corr-poison',
        'dlq-error-code': 'TEST.POISON',
        'dlq-error': 'cannot handle this one',
      },
    });
    expect(ok).toEqual(['fine']);
  });

  it('lets a consumer built for v2 of a schema read v1 messages (BACKWARD compatibility)', async () => {
    const env = testStackEnv();
    const registry = new SchemaRegistry({ host: env.SCHEMA_REGISTRY_URL });
    const subject = `compat-${randomUUID()}-value`;
    const v1 = { type: 'record', name: 'Greeting', namespace: 'test', fields: [{ name: 'text', type: 'string' }] };
    const v2 = {
      ...v1,
      fields: [...v1.fields, { name: 'language', type: 'string', default: 'en-US' }],
    };
    const { id: id1 } = await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v1) }, { subject });
    const message = await registry.encode(id1, { text: 'hello' });
    // v2 adds a field with a default: the registry accepts it as BACKWARD compatible…
    await registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v2) }, { subject });
    // …and a v2 reader decodes the v1 message, filling the default.
    const decoded = await registry.decode(message, { [SchemaType.AVRO]: { readerSchema: v2 as never } });
    expect(decoded).toEqual({ text: 'hello', language: 'en-US' });
    // A v3 that removes a field without a default… is refused.
    const v3 = { ...v1, fields: [{ name: 'other', type: 'int' }] };
    await expect(
      registry.register({ type: SchemaType.AVRO, schema: JSON.stringify(v3) }, { subject }),
    ).rejects.toThrow();
  });
});
