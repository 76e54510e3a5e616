import { randomUUID } from 'node:crypto';
import { newEvent } from '@speech/contracts';
import { testStackEnv } from '@speech/harness';
import { KafkaEventBus, SchemaRegistryCodec } from '@speech/messaging';
import { silentLogger } from '@speech/platform';
import { eventually } from '@speech/testing';
import { consumeAnalyses, type CompletedAnalysis } from './analysis-consumer';

jest.setTimeout(180_000);

describe('the example consumer of analysis.completed, on the stack', () => {
  it('receives and decodes what the analyzer publishes (Avro through the registry, Confluent framing)', async () => {
    const env = testStackEnv();
    const prefix = `example-${randomUUID().slice(0, 8)}.`;
    // Published as the analyzer publishes: our bus, our codec, the registry.
    const bus = new KafkaEventBus({
      brokers: env.KAFKA_BROKERS.split(','),
      clientId: 'analyzer',
      codec: new SchemaRegistryCodec(env.SCHEMA_REGISTRY_URL, prefix),
      log: silentLogger(),
      topicPrefix: prefix,
      topics: { partitions: 1 },
    });
    const got: CompletedAnalysis[] = [];
    let consumer: { stop: () => Promise<void> } | null = null;
    try {
      await bus.start();
      const event = newEvent(
        'analysis.completed',
        'analyzer',
        { audioId: 'audio-42', correlationId: 'corr-42' },
        {
          analysisId: 'an-42',
          analysisKey: 'audio/audio-42/analysis/an-42.json',
          analyst: 'offline',
          model: null,
          issueCount: 2,
          sentimentScore: -0.2,
          quizCount: 4,
          userId: 'agent-7',
          teamIds: ['north'],
          callType: 'renewal',
          overallSentiment: 'neutral',
          closingSentiment: 'negative',
          issueTypes: ['discount', 'tender'],
          agentTalkRatio: 0.61,
          analysisPath: '/audios/audio-42/analysis',
        },
      );
      await bus.publish(event);
      // The example knows nothing of our code: only brokers, the registry and the topic name.
      consumer = await consumeAnalyses({
        brokers: env.KAFKA_BROKERS.split(','),
        registryUrl: env.SCHEMA_REGISTRY_URL,
        groupId: `${prefix}example`,
        topicPrefix: prefix,
        onAnalysis: (a) => void got.push(a),
      });
      await eventually('the analysis arrives', () => got.length > 0, 90_000);
      expect(got[0]).toEqual({
        eventId: event.eventId,
        audioId: 'audio-42',
        correlationId: 'corr-42',
        occurredAt: event.occurredAt,
        analysisId: 'an-42',
        userId: 'agent-7',
        teamIds: ['north'],
        callType: 'renewal',
        overallSentiment: 'neutral',
        closingSentiment: 'negative',
        issueTypes: ['discount', 'tender'],
        issueCount: 2,
        agentTalkRatio: 0.61,
        analysisPath: '/audios/audio-42/analysis',
      });
    } finally {
      await consumer?.stop();
      await bus.stop();
    }
  });
});
