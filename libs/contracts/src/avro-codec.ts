import { readFileSync } from 'node:fs';
import * as avro from 'avsc';
import { AppError } from '@speech/kernel';
import type { EventOf, TopicName } from './envelope';
import { listSchemaFiles, SCHEMA_DIR } from './schema-files';
import { isTopicName } from './topics';

/** The parsed Avro schema of each topic's latest version: the reader schema for decoding. */
export function loadSchemas(
  dir = SCHEMA_DIR,
): Map<TopicName, { version: number; schema: avro.Schema; type: avro.Type }> {
  const out = new Map<TopicName, { version: number; schema: avro.Schema; type: avro.Type }>();
  for (const { topic, version, file } of listSchemaFiles(dir)) {
    if (!isTopicName(topic)) throw new Error(`schema for unknown topic ${topic}`);
    const cur = out.get(topic);
    if (cur && cur.version > version) continue;
    const schema = JSON.parse(readFileSync(file, 'utf8')) as avro.Schema;
    out.set(topic, { version, schema, type: avro.Type.forSchema(schema) });
  }
  return out;
}

/** The fields every envelope version starts with. */
const ENVELOPE_PREFIX = avro.Type.forSchema({
  type: 'record',
  name: 'EnvelopePrefix',
  fields: [
    { name: 'eventId', type: 'string' },
    { name: 'type', type: 'string' },
    { name: 'version', type: 'int' },
  ],
});

/** `<topic>@<version>` → that version's type. */
function loadAllVersions(dir = SCHEMA_DIR): Map<string, avro.Type> {
  const out = new Map<string, avro.Type>();
  for (const { topic, version, file } of listSchemaFiles(dir)) {
    out.set(`${topic}@${version}`, avro.Type.forSchema(JSON.parse(readFileSync(file, 'utf8')) as avro.Schema));
  }
  return out;
}

/**
 * Avro encode/decode without a registry (single-process mode). Decoding validates the
 * buffer against the reader schema, so nothing untyped crosses the message boundary.
 */
export class AvroCodec {
  private readonly types = loadSchemas();
  /** Every version's type, for messages written before the current schema (an upgrade's backlog). */
  private readonly writers = loadAllVersions();
  private readonly resolvers = new Map<string, avro.Resolver>();

  encode<T extends TopicName>(event: EventOf<T>): Buffer {
    const type = this.typeOf(event.type);
    const errors: string[] = [];
    if (!type.isValid(event, { errorHook: (path) => errors.push(path.join('.')) })) {
      throw new AppError('CONTRACT.INVALID_EVENT', `invalid ${event.type} event at: ${errors.join(', ')}`);
    }
    return type.toBuffer(event);
  }

  decode<T extends TopicName>(topic: T, buf: Buffer): EventOf<T> {
    try {
      const reader = this.typeOf(topic);
      // Every version begins eventId, type, version: the writer's version is read first, and a
      // message of an older version is read through a resolver into the current shape.
      const version = (ENVELOPE_PREFIX.decode(buf, 0).value as { version?: number } | undefined)?.version;
      const latest = this.types.get(topic)?.version;
      const writer = version !== undefined && version !== latest ? this.writers.get(`${topic}@${version}`) : undefined;
      const value = (
        writer ? reader.fromBuffer(buf, this.resolver(topic, version!, reader, writer)) : reader.fromBuffer(buf)
      ) as EventOf<T>;
      if (value.type !== topic) throw new Error(`event type ${value.type} on topic ${topic}`);
      return value;
    } catch (cause) {
      throw new AppError('CONTRACT.UNDECODABLE', `cannot decode ${topic} message: ${(cause as Error).message}`, {
        retriable: false,
        cause,
      });
    }
  }

  private resolver(topic: string, version: number, reader: avro.Type, writer: avro.Type): avro.Resolver {
    const key = `${topic}@${version}`;
    let r = this.resolvers.get(key);
    if (!r) this.resolvers.set(key, (r = reader.createResolver(writer)));
    return r;
  }

  private typeOf(topic: TopicName): avro.Type {
    const t = this.types.get(topic);
    if (!t) throw new AppError('CONTRACT.UNKNOWN_TOPIC', `no schema for topic ${topic}`);
    return t.type;
  }
}
