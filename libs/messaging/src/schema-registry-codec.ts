import { setTimeout as sleep } from 'node:timers/promises';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { AppError, loadSchemas, type EventOf, type TopicName } from '@speech/contracts';

/** The codec port the Kafka adapter encodes and decodes through. */
export interface EventCodec {
  encode<T extends TopicName>(event: EventOf<T>): Promise<Buffer>;
  decode<T extends TopicName>(topic: T, buf: Buffer): Promise<EventOf<T>>;
}

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

  /** `topicPrefix` names the physical topics, and so the subjects (TopicNameStrategy). */
  constructor(
    url: string,
    private readonly topicPrefix = '',
  ) {
    this.registry = new SchemaRegistry({ host: url, clientId: 'speech-platform', retry: { retries: 5 } });
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
      value = await this.registry.decode(buf, { [SchemaType.AVRO]: { readerSchema: s.schema as never } });
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
}
