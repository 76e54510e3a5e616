/**
 * An example consumer of `analysis.completed`, as another team's system would write one: it
 * needs nothing of this repository but the topic name, with kafkajs and
 * @kafkajs/confluent-schema-registry (docs/asyncapi.json describes every public topic).
 *
 *   KAFKA_BROKERS=localhost:9092 SCHEMA_REGISTRY_URL=http://localhost:8081 \
 *     npx tsx scripts/examples/analysis-consumer.ts
 *
 * prints one JSON line per analysis: who, what kind of call, the headline results, and where
 * to fetch the whole analysis. Delivery is at least once: de-duplicate on `eventId`.
 */
import { SchemaRegistry } from '@kafkajs/confluent-schema-registry';
import { Kafka, logLevel } from 'kafkajs';

export interface CompletedAnalysis {
  eventId: string;
  audioId: string;
  correlationId: string;
  occurredAt: number;
  analysisId: string;
  userId: string | null;
  /** The recording's teams (v3; [] for an event from before teams). */
  teamIds: string[];
  callType: string | null;
  overallSentiment: string | null;
  closingSentiment: string | null;
  issueTypes: string[];
  issueCount: number;
  agentTalkRatio: number | null;
  analysisPath: string | null;
}

export interface ConsumerOptions {
  brokers: string[];
  registryUrl: string;
  groupId: string;
  /** The deployment's KAFKA_TOPIC_PREFIX, if it has one. */
  topicPrefix?: string;
  onAnalysis: (a: CompletedAnalysis) => Promise<void> | void;
}

export async function consumeAnalyses(opts: ConsumerOptions): Promise<{ stop: () => Promise<void> }> {
  const registry = new SchemaRegistry({ host: opts.registryUrl });
  const kafka = new Kafka({ clientId: opts.groupId, brokers: opts.brokers, logLevel: logLevel.WARN });
  const consumer = kafka.consumer({ groupId: opts.groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: `${opts.topicPrefix ?? ''}analysis.completed`, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      if (!message.value) return;
      // Confluent framing: magic byte, schema id, Avro. The registry client reads the id and
      // fetches the writer schema; fields added in later versions are absent from older messages.
      const e = (await registry.decode(message.value)) as {
        eventId: string;
        audioId: string;
        correlationId: string;
        occurredAt: number | Date;
        payload: Record<string, unknown>;
      };
      const p = e.payload;
      await opts.onAnalysis({
        eventId: e.eventId,
        audioId: e.audioId,
        correlationId: e.correlationId,
        occurredAt: e.occurredAt instanceof Date ? e.occurredAt.getTime() : Number(e.occurredAt),
        analysisId: String(p.analysisId),
        userId: (p.userId as string | null | undefined) ?? null,
        teamIds: (p.teamIds as string[] | undefined) ?? [],
        callType: (p.callType as string | null | undefined) ?? null,
        overallSentiment: (p.overallSentiment as string | null | undefined) ?? null,
        closingSentiment: (p.closingSentiment as string | null | undefined) ?? null,
        issueTypes: (p.issueTypes as string[] | undefined) ?? [],
        issueCount: Number(p.issueCount ?? 0),
        agentTalkRatio: (p.agentTalkRatio as number | null | undefined) ?? null,
        analysisPath: (p.analysisPath as string | null | undefined) ?? null,
      });
    },
  });
  return { stop: () => consumer.disconnect() };
}

if (require.main === module) {
  const brokers = (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(',');
  const registryUrl = process.env.SCHEMA_REGISTRY_URL ?? 'http://localhost:8081';
  void consumeAnalyses({
    brokers,
    registryUrl,
    groupId: process.env.GROUP_ID ?? 'analysis-consumer-example',
    topicPrefix: process.env.KAFKA_TOPIC_PREFIX,
    onAnalysis: (a) => void process.stdout.write(`${JSON.stringify(a)}\n`),
  }).then(
    ({ stop }) => {
      for (const sig of ['SIGINT', 'SIGTERM'] as const)
        process.once(sig, () => void stop().then(() => process.exit(0)));
    },
    (err: unknown) => {
      process.stderr.write(`analysis-consumer: ${(err as Error).message}\n`);
      process.exit(1);
    },
  );
}
