import { newEvent, type EventOf, type PayloadMap, type TopicName } from '@speech/contracts';

/** The default chunk: the place that chunk events share. */
const CHUNK = { chunkId: 'c0', index: 0, channel: 0, speaker: 'agent', startMs: 0, endMs: 45_000 };

/**
 * Readable test events (Object Mothers): `anEvent('chunk.transcribed', 'a1', { chunkId: 'c1' })`
 * fills every other field with a valid default, and `.at(ms)` pins the time.
 */
const DEFAULTS: { [T in TopicName]: PayloadMap[T] } = {
  'audio.uploaded': {
    userId: 'user-1',
    filename: 'call.mp3',
    contentType: 'audio/mpeg',
    sizeBytes: 1000,
    sha256: 'ab'.repeat(32),
    objectKey: 'audio/a/source',
    metadataJson: null,
    autoTranscribe: false,
    autoAnalyze: false,
    durationMs: 90_000,
    channels: 2,
    duplicateOf: null,
    teamIds: [],
  },
  'chunk.range.requested': {
    rangeId: 'a-r00000',
    range: 0,
    rangeCount: 2,
    startMs: 0,
    endMs: 3_600_000,
    durationMs: 7_200_000,
    objectKey: 'audio/a/source',
    startAnchorMs: null,
    startAnchorByte: null,
    endAnchorMs: null,
    endAnchorByte: null,
  },
  'chunk.created': { ...CHUNK, objectKey: 'k' },
  'audio.chunked': { chunkCount: 2, durationMs: 90_000, channels: 2 },
  'audio.chunking.failed': { code: 'AUDIO.NOT_AUDIO', reason: 'not audio' },
  'transcription.requested': { userId: 'user-1', requestId: 'r1', language: null, phrases: [] },
  'transcription.cancelled': { userId: 'user-1', requestId: 'r1', requestedAt: 0 },
  'stt.chunk.requested': {
    ...CHUNK,
    objectKey: 'k',
    requestId: 'r1',
    attempt: 1,
    language: null,
    phrases: [],
  },
  'chunk.transcribed': {
    ...CHUNK,
    transcriptKey: 't',
    wordCount: 10,
    engine: 'test',
  },
  'chunk.transcription.failed': {
    chunkId: 'c0',
    index: 0,
    channel: 0,
    code: 'STT.ENGINE_FAILED',
    reason: 'boom',
    attempts: 3,
  },
  'transcript.completed': {
    transcriptKey: 'audio/a/transcript.json',
    textKey: 'audio/a/transcript.txt',
    wordCount: 100,
    segmentCount: 10,
    durationMs: 90_000,
    speakers: ['agent', 'customer'],
    engine: 'test',
  },
  'transcription.failed': { code: 'STT.CHUNKS_FAILED', reason: '1 of 2 chunks failed', failedChunks: ['c0'] },
  'analysis.requested': { userId: 'user-1', teamIds: [], analysisId: 'an1', optionsJson: null },
  'analysis.completed': {
    analysisId: 'an1',
    analysisKey: 'audio/a/analysis/an1.json',
    teamIds: [],
    analyst: 'offline',
    model: null,
    issueCount: 2,
    sentimentScore: 0.1,
    quizCount: 4,
    userId: 'u1',
    callType: 'discovery',
    overallSentiment: 'positive',
    closingSentiment: 'positive',
    issueTypes: ['price'],
    agentTalkRatio: 0.55,
    analysisPath: '/audios/a/analysis',
  },
  'analysis.failed': { analysisId: 'an1', code: 'ANALYSIS.FAILED', reason: 'boom' },
  'recording.changed': { userId: 'u1', deleted: false, teamIds: [] },
  'tracker.changed': {
    userId: 'u1',
    trackerId: 't1',
    revision: 1,
    deleted: false,
    name: 'Price',
    phrases: ['(price|pricing) is (too|very)? high'],
    speaker: 'any',
    fromPct: 0,
    toPct: 100,
    createdAt: 0,
  },
  'audio.details.changed': {
    userId: 'u1',
    revision: 1,
    title: 'Renewal call',
    tags: ['renewal'],
    agent: 'Laura',
    customer: 'Acme',
    notes: null,
  },
  'transcript.corrected': {
    userId: 'u1',
    revision: 1,
    speakers: [{ label: 'agent', name: 'Dana Whitfield' }],
    swapChannels: false,
    segments: [],
    changes: ['agent named Dana Whitfield'],
  },
  'audio.deleted': { userId: 'u1' },
};

export function anEvent<T extends TopicName>(
  type: T,
  audioId: string,
  payload: Partial<PayloadMap[T]> = {},
  occurredAt = Date.now(),
): EventOf<T> {
  return newEvent(
    type,
    'test',
    { audioId, correlationId: `corr-${audioId}` },
    { ...DEFAULTS[type], ...payload },
    () => occurredAt,
  );
}

export const ALL_TOPICS = Object.keys(DEFAULTS) as TopicName[];
