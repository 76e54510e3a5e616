import { randomUUID } from 'node:crypto';
import type { EventOf } from '@speech/contracts';
import { silentLogger } from '@speech/platform';
import { anEvent, eventually } from '@speech/testing';
import { testStackEnv } from '@speech/harness';
import { KafkaEventBus, type KafkaSecurityConfig } from './kafka-event-bus';
import { SchemaRegistryCodec } from './schema-registry-codec';

jest.setTimeout(120_000);

// The native test stack's broker has a SASL/PLAIN listener beside the plaintext one
// (deploy/stack/up.sh); the container stack has none.
const env = (() => {
  try {
    return testStackEnv();
  } catch {
    return {} as Record<string, string>;
  }
})();
const withSasl = env.SASL_KAFKA_BROKERS ? describe : describe.skip;

withSasl('KafkaEventBus with SASL authentication', () => {
  const buses: KafkaEventBus[] = [];
  const newBus = (prefix: string, security: KafkaSecurityConfig) => {
    const bus = new KafkaEventBus({
      brokers: env.SASL_KAFKA_BROKERS.split(','),
      clientId: 'sasl-test',
      security,
      codec: new SchemaRegistryCodec(env.SCHEMA_REGISTRY_URL, prefix),
      log: silentLogger(),
      topicPrefix: prefix,
      topics: { partitions: 1 },
    });
    buses.push(bus);
    return bus;
  };
  afterEach(async () => {
    await Promise.all(buses.splice(0).map((b) => b.stop().catch(() => undefined)));
  });

  it('publishes and consumes through the SASL/PLAIN listener with the right credentials', async () => {
    const prefix = `s${randomUUID().slice(0, 8)}.`;
    const bus = newBus(prefix, {
      sasl: { mechanism: 'plain', username: env.SASL_KAFKA_USERNAME, password: env.SASL_KAFKA_PASSWORD },
    });
    const seen: string[] = [];
    bus.subscribe('g', 'chunk.created', async (e: EventOf<'chunk.created'>) => {
      seen.push(e.audioId);
    });
    await bus.start();
    await bus.publish(anEvent('chunk.created', 'sasl-1', { index: 0 }));
    await eventually('the event', () => seen.includes('sasl-1'), 60_000);
    expect(seen).toEqual(['sasl-1']);
  });

  it('fails at start with an authentication error for a wrong password', async () => {
    const bus = newBus(`s${randomUUID().slice(0, 8)}.`, {
      sasl: { mechanism: 'plain', username: env.SASL_KAFKA_USERNAME, password: 'wrong-password' },
    });
    await expect(bus.start()).rejects.toThrow(/SASL|[Aa]uthentication/);
  });
});
