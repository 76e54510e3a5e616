import { setTimeout as sleep } from 'node:timers/promises';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import type * as avro from 'avsc';
import { loadSchemas, type EventOf, type TopicName } from '@speech/contracts';
import { AppError } from '@speech/kernel';

/** The codec port the Kafka adapter encodes and decodes through. */
export interface EventCodec {
  encode<T extends TopicName>(event: EventOf<T>): Promise<Buffer>;
  decode<T extends TopicName>(topic: T, buf: Buffer): Promise<EventOf<T>>;
}

export interface SchemaRegistryCodecOptions {
  /** Names the physical topics, and so the subjects (TopicNameStrategy). */
  topicPrefix?: string;
  /** HTTP basic auth (Confluent Cloud: the registry API key and secret). */
  auth?: { username: string; password: string };
}

/** Confluent wire format: magic byte 0, then the writer schema's registry id (big-endian int32), then Avro. */
const WIRE_HEADER_BYTES = 5;

/**
 * Avro through a Confluent-compatible schema registry (Confluent, Apicurio's ccompat API).
 * Subjects are `<topic>-value` (TopicNameStrategy), registered at start-up with BACKWARD
 * compatibility; decoding uses our schema as the reader schema, so a consumer built for
 * v2 reads v1 messages with v2's defaults.
 */
export class SchemaRegistryCodec implements EventCodec {
  private readonly registry: SchemaRegistry;
  private readonly schemas = loadSchemas();
  private readonly ids = new Map<TopicName, number>();
  private readonly topicPrefix: string;
  /**
   * Per topic, per writer schema id: the resolver from that writer schema to our reader schema
   * (null when they are the same). The registry client would rebuild the reader type and the
   * resolver on every decode.
   */
  private readonly resolvers = new Map<TopicName, Map<number, Promise<avro.Resolver | null>>>();

  /** The second argument may also be the topic prefix alone. */
  constructor(url: string, options: SchemaRegistryCodecOptions | string = {}) {
    const opts = typeof options === 'string' ? { topicPrefix: options } : options;
    this.topicPrefix = opts.topicPrefix ?? '';
    this.registry = new SchemaRegistry({
      host: url,
      clientId: 'speech-platform',
      retry: { retries: 5 },
      ...(opts.auth ? { auth: opts.auth } : {}),
    });
  }

  subject(topic: string): string {
    return `${this.topicPrefix}${topic}-value`;
  }

  async registerAll(): Promise<void> {
    for (const topic of this.schemas.keys()) await this.register(topic);
  }

  async register(topic: TopicName): Promise<number> {
    const s = this.schemas.get(topic);
    if (!s) throw new AppError('CONTRACT.UNKNOWN_TOPIC', `no schema for topic ${topic}`);
    const register = () =>
      this.registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(s.schema) },
        { subject: this.subject(topic) },
      );
    for (let attempt = 1; ; attempt++) {
      try {
        const { id } = await register();
        this.ids.set(topic, id);
        return id;
      } catch (err) {
        // Services start together and register the same new subjects. The loser of that
        // race sees either 409 "rule already exists" (Apicurio) or, if it looks between the
        // winner's registration and its compatibility PUT, the registry default (NONE).
        // Both settle within moments; anything else is a real error.
        const e = err as { status?: number; name?: string };
        const race = e.status === 409 || e.name === 'ConfluentSchemaRegistryCompatibilityError';
        if (!race || attempt >= 10) throw err;
        await sleep(100 * attempt);
      }
    }
  }

  async encode<T extends TopicName>(event: EventOf<T>): Promise<Buffer> {
    const id = this.ids.get(event.type) ?? (await this.register(event.type));
    try {
      return await this.registry.encode(id, event);
    } catch (cause) {
      throw new AppError('CONTRACT.INVALID_EVENT', `invalid ${event.type} event: ${(cause as Error).message}`, {
        cause,
      });
    }
  }

  async decode<T extends TopicName>(topic: T, buf: Buffer): Promise<EventOf<T>> {
    const s = this.schemas.get(topic);
    if (!s) throw new AppError('CONTRACT.UNKNOWN_TOPIC', `no schema for topic ${topic}`);
    let value: unknown;
    try {
      if (buf.length < WIRE_HEADER_BYTES || buf[0] !== 0)
        throw new Error('not in the Confluent wire format (magic byte 0)');
      const resolver = await this.resolverFor(topic, s.type, buf.readInt32BE(1));
      const payload = buf.subarray(WIRE_HEADER_BYTES);
      value = resolver ? s.type.fromBuffer(payload, resolver) : s.type.fromBuffer(payload);
    } catch (cause) {
      const e = cause as { name?: string; message?: string };
      // A registry that cannot be reached is worth retrying; a message that cannot be
      // read with our reader schema is not.
      const retriable = /ECONNREFUSED|ETIMEDOUT|ENOTFOUND|socket|5\d\d/.test(e.message ?? '');
      throw new AppError('CONTRACT.UNDECODABLE', `cannot decode ${topic} message: ${e.message}`, { retriable, cause });
    }
    const event = value as EventOf<T>;
    if (!event || event.type !== topic) {
      throw new AppError('CONTRACT.UNDECODABLE', `message on ${topic} is not a ${topic} event`, { retriable: false });
    }
    return event;
  }

  /** The writer schema comes from the registry once per id; the resolver is built once per (topic, id). */
  private resolverFor(topic: TopicName, reader: avro.Type, writerId: number): Promise<avro.Resolver | null> {
    let byId = this.resolvers.get(topic);
    if (!byId) this.resolvers.set(topic, (byId = new Map()));
    let resolver = byId.get(writerId);
    if (!resolver) {
      resolver = this.registry.getSchema(writerId).then((writer) => {
        const type = writer as unknown as avro.Type;
        return reader.equals(type) ? null : reader.createResolver(type);
      });
      // A failed lookup (registry down) is not cached: the next delivery asks again.
      resolver.catch(() => byId.delete(writerId));
      byId.set(writerId, resolver);
    }
    return resolver;
  }
}
