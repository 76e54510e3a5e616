import type { EventOf, TopicName } from './envelope';

/**
 * The topic catalogue: every topic, its message key and default partitioning.
 * Domain events are keyed by audioId (per-recording order). The two work queues are keyed by
 * their item, so one recording's work spreads over every instance: stt by chunkId over the
 * stt-workers (docs/ARCHITECTURE.md, "Services"), and a long recording's time ranges by rangeId over the chunkers.
 */
export const TOPICS: Record<TopicName, { key: 'audioId' | 'chunkId' | 'rangeId' | 'trackerId'; partitions: number }> = {
  'audio.uploaded': { key: 'audioId', partitions: 3 },
  'chunk.range.requested': { key: 'rangeId', partitions: 12 },
  'chunk.created': { key: 'audioId', partitions: 3 },
  'audio.chunked': { key: 'audioId', partitions: 3 },
  'audio.chunking.failed': { key: 'audioId', partitions: 3 },
  'transcription.requested': { key: 'audioId', partitions: 3 },
  'transcription.cancelled': { key: 'audioId', partitions: 3 },
  'stt.chunk.requested': { key: 'chunkId', partitions: 12 },
  'chunk.transcribed': { key: 'audioId', partitions: 3 },
  'chunk.transcription.failed': { key: 'audioId', partitions: 3 },
  'transcript.completed': { key: 'audioId', partitions: 3 },
  'transcription.failed': { key: 'audioId', partitions: 3 },
  'analysis.requested': { key: 'audioId', partitions: 3 },
  'analysis.completed': { key: 'audioId', partitions: 3 },
  'analysis.failed': { key: 'audioId', partitions: 3 },
  'recording.changed': { key: 'audioId', partitions: 3 },
  'audio.details.changed': { key: 'audioId', partitions: 3 },
  'transcript.corrected': { key: 'audioId', partitions: 3 },
  'audio.deleted': { key: 'audioId', partitions: 3 },
  'tracker.changed': { key: 'trackerId', partitions: 3 },
};

export const TOPIC_NAMES = Object.keys(TOPICS) as TopicName[];

export function isTopicName(s: string): s is TopicName {
  return Object.prototype.hasOwnProperty.call(TOPICS, s);
}

export function messageKey<T extends TopicName>(event: EventOf<T>): string {
  const key = TOPICS[event.type].key;
  if (key !== 'audioId') {
    const value = (event.payload as unknown as Record<string, unknown>)[key];
    if (typeof value === 'string') return value;
  }
  return event.audioId;
}

/** The id of a long recording's time range: the key of `chunk.range.requested`. */
export function rangeIdOf(audioId: string, range: number): string {
  return `${audioId}-r${String(range).padStart(5, '0')}`;
}

/** The recording a message key belongs to: work-queue keys carry it as a prefix. */
export function audioIdOfKey(topic: string, key: string): string {
  if (topic === 'stt.chunk.requested') return key.replace(/-c\d+-\d+$/, ''); // <audioId>-c<ch>-<n>
  if (topic === 'chunk.range.requested') return key.replace(/-r\d+$/, ''); // rangeIdOf
  return key;
}

export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`;
}
