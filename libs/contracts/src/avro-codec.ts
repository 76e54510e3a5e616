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

/**
 * Avro encode/decode without a registry (single-process mode). Decoding validates the
 * buffer against the reader schema, so nothing untyped crosses the message boundary.
 */
export class AvroCodec {
  private readonly types = loadSchemas();

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
      const value = this.typeOf(topic).fromBuffer(buf) as EventOf<T>;
      if (value.type !== topic) throw new Error(`event type ${value.type} on topic ${topic}`);
      return value;
    } catch (cause) {
      throw new AppError('CONTRACT.UNDECODABLE', `cannot decode ${topic} message: ${(cause as Error).message}`, {
        retriable: false,
        cause,
      });
    }
  }

  private typeOf(topic: TopicName): avro.Type {
    const t = this.types.get(topic);
    if (!t) throw new AppError('CONTRACT.UNKNOWN_TOPIC', `no schema for topic ${topic}`);
    return t.type;
  }
}
