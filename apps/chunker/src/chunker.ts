import {
  AppError,
  causedBy,
  describeError,
  MONO_SPEAKER,
  newEvent,
  SPEAKER_BY_CHANNEL,
  type Cause,
  type EventOf,
} from '@speech/contracts';
import type { EventBus } from '@speech/messaging';
import type { Collection, DocumentStore } from '@speech/persistence';
import type { Logger } from '@speech/platform';
import type { ObjectStore } from '@speech/storage';
import type { AudioChunk, AudioInfo } from '@speech/audio';

export const PRODUCER = 'chunker';
export const GROUP = 'chunker';

/** The chunk plan of one recording: the chunker's own collection. */
interface ChunkingJob {
  _id: string; // audioId
  status: 'chunking' | 'chunked' | 'failed';
  channels: number;
  chunkCount: number;
  durationMs: number;
  /** How far the decoder got: a restarted job could seek here (checkpoint). */
  checkpointMs: number;
  updatedAt: number;
}

interface ChunkRecord {
  _id: string; // chunkId
  audioId: string;
  index: number;
  channel: number;
  speaker: string;
  startMs: number;
  endMs: number;
  objectKey: string;
  /** `stored` until chunk.created is published for it; a resumed job announces the rest. */
  status: 'stored' | 'announced';
}

export interface ChunkerDeps {
  bus: EventBus;
  store: ObjectStore;
  docs: DocumentStore;
  log: Logger;
  probe: (location: string) => Promise<AudioInfo>;
  streamChunks: (
    location: string,
    opts: {
      minMs: number;
      maxMs: number;
      startMs?: number;
      resume?: { channel: number; fromMs: number; nextIndex: number }[];
    },
  ) => AsyncIterable<AudioChunk>;
  config: { minChunkMs: number; maxChunkMs: number };
}

export function chunkId(audioId: string, channel: number, index: number): string {
  return `${audioId}-c${channel}-${String(index).padStart(6, '0')}`;
}

/**
 * audio.uploaded → chunks of 30–60 s cut in silences, one channel at a time for stereo calls
 * (agent left, customer right). Chunk ids are deterministic, so a redelivered or restarted
 * job rewrites the same chunks instead of adding new ones.
 */
export async function createChunker(deps: ChunkerDeps) {
  const jobs = deps.docs.collection<ChunkingJob>('chunking_jobs');
  const chunks = deps.docs.collection<ChunkRecord>('chunks');
  await chunks.ensureIndex({ audioId: 1 });

  async function onUploaded(event: EventOf<'audio.uploaded'>): Promise<void> {
    const audioId = event.audioId;
    const log = deps.log.child({ audioId, correlationId: event.correlationId });
    const job = await jobs.get(audioId);
    if (job?.status === 'chunked') {
      // Redelivery after success: say it again, consumers are idempotent.
      await deps.bus.publish(
        newEvent('audio.chunked', PRODUCER, causedBy(event), {
          chunkCount: job.chunkCount,
          durationMs: job.durationMs,
          channels: job.channels,
        }),
      );
      return;
    }
    if (job?.status === 'failed') return;
    await jobs.replace({
      _id: audioId,
      status: 'chunking',
      channels: 0,
      chunkCount: 0,
      durationMs: 0,
      checkpointMs: 0,
      updatedAt: Date.now(),
    });
    try {
      const result = await cut(event, chunks, jobs);
      await jobs.update({ _id: audioId }, { $set: { status: 'chunked', ...result, updatedAt: Date.now() } });
      await deps.bus.publish(newEvent('audio.chunked', PRODUCER, causedBy(event), result));
      log.info(result, 'recording chunked');
    } catch (err) {
      const e = describeError(err);
      if (e.retriable) throw err; // the bus retries; the object store may be back soon
      log.warn({ err }, 'recording cannot be chunked');
      await jobs.update({ _id: audioId }, { $set: { status: 'failed', updatedAt: Date.now() } });
      await deps.bus.publish(
        newEvent('audio.chunking.failed', PRODUCER, causedBy(event), { code: e.code, reason: e.message }),
      );
    }
  }

  async function cut(
    event: EventOf<'audio.uploaded'>,
    chunkCol: Collection<ChunkRecord>,
    jobCol: Collection<ChunkingJob>,
  ): Promise<{ chunkCount: number; durationMs: number; channels: number }> {
    const audioId = event.audioId;
    const location = await deps.store.locate(event.payload.objectKey);
    // Stereo calls carry one speaker per channel: agent left, customer right.
    const stereo = (await deps.probe(location)).channels === 2;
    const speakerOf = (channel: number) => (stereo ? SPEAKER_BY_CHANNEL[channel] : MONO_SPEAKER);

    // The checkpoint: chunks already stored. Each channel resumes after its last one.
    const done = await chunkCol.find({ audioId }, { sort: { channel: 1, index: 1 } });
    for (const c of done.filter((d) => d.status === 'stored')) await announce(c, causedBy(event));
    const resume = (stereo ? [0, 1] : [0]).map((channel) => {
      const last = done.filter((d) => d.channel === channel).at(-1);
      return { channel, fromMs: last?.endMs ?? 0, nextIndex: last ? last.index + 1 : 0 };
    });
    const startMs = Math.min(...resume.map((r) => r.fromMs));

    let chunkCount = done.length;
    let durationMs = Math.max(0, ...done.map((d) => d.endMs));
    const channels = new Set<number>(done.map((d) => d.channel));
    const stream = deps.streamChunks(location, {
      minMs: deps.config.minChunkMs,
      maxMs: deps.config.maxChunkMs,
      ...(done.length ? { startMs, resume } : {}),
    });
    for await (const c of stream) {
      channels.add(c.channel);
      const id = chunkId(audioId, c.channel, c.index);
      const objectKey = `audio/${audioId}/chunks/${c.channel}-${String(c.index).padStart(6, '0')}.wav`;
      await deps.store.putBuffer(objectKey, c.wav, { contentType: 'audio/wav' });
      const record: ChunkRecord = {
        _id: id,
        audioId,
        index: c.index,
        channel: c.channel,
        speaker: speakerOf(c.channel),
        startMs: c.startMs,
        endMs: c.endMs,
        objectKey,
        status: 'stored',
      };
      await chunkCol.replace(record);
      chunkCount++;
      durationMs = Math.max(durationMs, c.endMs);
      await jobCol.update({ _id: audioId }, { $max: { checkpointMs: c.endMs }, $set: { updatedAt: Date.now() } });
      await announce(record, causedBy(event));
    }
    if (chunkCount === 0) throw new AppError('AUDIO.EMPTY', 'the recording has no decodable audio');
    return { chunkCount, durationMs, channels: channels.size };
  }

  async function announce(record: ChunkRecord, cause: Cause): Promise<void> {
    await deps.bus.publish(
      newEvent('chunk.created', PRODUCER, cause, {
        chunkId: record._id,
        index: record.index,
        channel: record.channel,
        speaker: record.speaker,
        startMs: record.startMs,
        endMs: record.endMs,
        objectKey: record.objectKey,
      }),
    );
    await chunks.update({ _id: record._id }, { $set: { status: 'announced' } });
  }

  return {
    onUploaded,
    subscribe(): void {
      deps.bus.subscribe(GROUP, 'audio.uploaded', onUploaded);
    },
  };
}
