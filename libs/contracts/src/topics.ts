import type { EventOf, TopicName } from './envelope';

/**
 * The topic catalogue: every topic, its message key and default partitioning.
 * Domain events are keyed by audioId (per-recording order); the stt work queue is keyed by
 * chunkId so one recording's chunks spread over every stt-worker (ARCHITECTURE.md).
 */
export const TOPICS: Record<TopicName, { key: 'audioId' | 'chunkId'; partitions: number }> = {
  'audio.uploaded': { key: 'audioId', partitions: 3 },
  'chunk.created': { key: 'audioId', partitions: 3 },
  'audio.chunked': { key: 'audioId', partitions: 3 },
  'audio.chunking.failed': { key: 'audioId', partitions: 3 },
  'transcription.requested': { key: 'audioId', partitions: 3 },
  'stt.chunk.requested': { key: 'chunkId', partitions: 12 },
  'chunk.transcribed': { key: 'audioId', partitions: 3 },
  'chunk.transcription.failed': { key: 'audioId', partitions: 3 },
  'transcript.completed': { key: 'audioId', partitions: 3 },
  'transcription.failed': { key: 'audioId', partitions: 3 },
  'analysis.requested': { key: 'audioId', partitions: 3 },
  'analysis.completed': { key: 'audioId', partitions: 3 },
  'analysis.failed': { key: 'audioId', partitions: 3 },
};

export const TOPIC_NAMES = Object.keys(TOPICS) as TopicName[];

export function isTopicName(s: string): s is TopicName {
  return Object.prototype.hasOwnProperty.call(TOPICS, s);
}

export function messageKey<T extends TopicName>(event: EventOf<T>): string {
  if (TOPICS[event.type].key === 'chunkId') {
    const p = event.payload as { chunkId?: unknown };
    if (typeof p.chunkId === 'string') return p.chunkId;
  }
  return event.audioId;
}

export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}
