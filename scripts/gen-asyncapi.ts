import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { listSchemaFiles, SCHEMA_DIR, TOPICS, type TopicName } from '@speech/contracts';

/**
 * Generates docs/asyncapi.json (AsyncAPI 3.0) from the topic catalogue and schemas/*.avsc, so
 * the document a consumer reads cannot drift from what the services publish.
 * `npm run gen:contracts` writes it; scripts/gen-asyncapi.spec.ts fails when it is stale and
 * parses it with the AsyncAPI parser.
 */

/** Topics other systems may consume; the rest are the services' own work queues and notifications. */
export const PUBLIC_TOPICS: readonly TopicName[] = [
  'audio.uploaded',
  'audio.chunked',
  'audio.chunking.failed',
  'chunk.created',
  'transcription.requested',
  'transcription.cancelled',
  'chunk.transcribed',
  'chunk.transcription.failed',
  'transcript.completed',
  'transcription.failed',
  'analysis.requested',
  'analysis.completed',
  'analysis.failed',
  'audio.details.changed',
  'transcript.corrected',
  'audio.deleted',
  'tracker.changed',
];

const AVRO_FORMAT = 'application/vnd.apache.avro;version=1.9.0';
const KAFKA_BINDING = '0.5.0';

/** `analysis.completed` → `analysisCompleted`. */
const idOf = (topic: string) => topic.replace(/[.-](\w)/g, (_, c: string) => c.toUpperCase());

export function generateAsyncApi(dir = SCHEMA_DIR): Record<string, unknown> {
  const latest = new Map<string, { version: number; file: string }>();
  for (const s of listSchemaFiles(dir)) {
    const cur = latest.get(s.topic);
    if (!cur || cur.version < s.version) latest.set(s.topic, s);
  }
  const version = (JSON.parse(readFileSync(join(dir, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const topic of PUBLIC_TOPICS) {
    const file = latest.get(topic);
    if (!file) throw new Error(`no schema for ${topic}`);
    const schema = JSON.parse(readFileSync(file.file, 'utf8')) as { doc?: string; name: string };
    const id = idOf(topic);
    const { key, partitions } = TOPICS[topic];
    messages[id] = {
      name: schema.name,
      title: topic,
      summary: schema.doc ?? topic,
      contentType: 'application/octet-stream',
      headers: { $ref: '#/components/schemas/eventHeaders' },
      payload: { schemaFormat: AVRO_FORMAT, schema },
      bindings: {
        kafka: {
          key: { type: 'string', description: `the ${key} of the event` },
          schemaIdLocation: 'payload',
          schemaIdPayloadEncoding: 'confluent',
          schemaLookupStrategy: 'TopicIdStrategy',
          bindingVersion: KAFKA_BINDING,
        },
      },
    };
    channels[id] = {
      address: topic,
      title: topic,
      description:
        `Schema v${file.version} (subject \`${topic}-value\`, BACKWARD compatible). Keyed by ${key}. ` +
        `With KAFKA_TOPIC_PREFIX set, the topic is \`<prefix>${topic}\`. A message a service gave up on ` +
        `goes to \`${topic}.dlq\` with the original headers plus dlq-group, dlq-error-code, dlq-error, ` +
        'dlq-original-topic, dlq-original-partition and dlq-original-offset.',
      messages: { [id]: { $ref: `#/components/messages/${id}` } },
      bindings: { kafka: { topic, partitions, bindingVersion: KAFKA_BINDING } },
    };
    operations[`receive${id[0]?.toUpperCase()}${id.slice(1)}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${id}` },
      summary: `Consume ${topic}`,
      messages: [{ $ref: `#/channels/${id}/messages/${id}` }],
    };
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Speech coach events',
      version,
      description:
        'The lifecycle events of the speech-analytics platform, as its services publish them on Kafka. ' +
        'Values are Avro in the Confluent wire format: a zero magic byte, the writer schema’s registry id ' +
        '(4 bytes, big-endian), then the Avro binary. Subjects follow the TopicNameStrategy ' +
        '(`<topic>-value`) with BACKWARD compatibility: read with the newest schema as the reader schema. ' +
        'Every event has one envelope (eventId for de-duplication, type, version, occurredAt, audioId, ' +
        'correlationId shared by every event of one user action, causationId, producer); delivery is ' +
        'at least once, in order per key. Example consumer: scripts/examples/analysis-consumer.ts.',
    },
    defaultContentType: 'application/octet-stream',
    servers: {
      kafka: {
        host: 'localhost:9092',
        protocol: 'kafka',
        description: 'KAFKA_BROKERS of the deployment; TLS and SASL as the deployment configures them.',
      },
    },
    channels,
    operations,
    components: {
      messages,
      schemas: {
        eventHeaders: {
          type: 'object',
          properties: {
            'correlation-id': { type: 'string', description: 'the envelope’s correlationId' },
            'event-type': { type: 'string', description: 'the topic name without prefix' },
            'event-id': { type: 'string', description: 'the envelope’s eventId' },
          },
        },
      },
    },
  };
}

export function asyncApiText(dir = SCHEMA_DIR): string {
  return `${JSON.stringify(generateAsyncApi(dir), null, 2)}\n`;
}

if (require.main === module) writeFileSync(join(SCHEMA_DIR, '..', 'docs', 'asyncapi.json'), asyncApiText());
