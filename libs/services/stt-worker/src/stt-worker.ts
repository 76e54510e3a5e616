import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { utteranceSpans, voiceFeatures } from '@speech/audio';
import {
  chunkPlace,
  objectKeys,
  causedBy,
  MONO_SPEAKER,
  newEvent,
  type Cause,
  type ChunkTranscript,
  type EventOf,
  type ChunkRef,
} from '@speech/contracts';
import type { SpeechToText } from '@speech/stt';
import {
  afterFailure,
  describeError,
  type Logger,
  type MessageContext,
  putJson,
  type ServiceInfra,
  setWithDefaults,
  subscribeAll,
} from '@speech/service-kit';

export const PRODUCER = 'stt-worker';
export const GROUP = 'stt-worker';

/** One chunk's transcription task: the stt-worker's own collection. */
export interface SttTask extends ChunkRef {
  _id: string; // chunkId
  audioId: string;
  status: 'pending' | 'queued' | 'processing' | 'completed' | 'failed';
  attempts: number;
  transcriptKey: string | null;
  wordCount: number;
  lastError: string | null;
  updatedAt: number;
}

/** Per recording: how many chunks to expect, and which transcription request is served. */
interface SttAudio {
  _id: string; // audioId
  chunkCount: number | null;
  requestId: string | null;
  correlationId: string | null;
  language: string | null;
  phrases: string[];
  dispatchedFor: string | null;
}

export interface SttWorkerDeps extends Pick<ServiceInfra, 'bus' | 'store' | 'docs' | 'log'> {
  stt: SpeechToText;
  config: { maxAttempts: number; concurrency: number };
}

export async function createSttWorker(deps: SttWorkerDeps) {
  const tasks = deps.docs.collection<SttTask>('stt_tasks');
  const audios = deps.docs.collection<SttAudio>('stt_audios');
  await tasks.ensureIndex({ audioId: 1 });

  async function onChunkCreated(e: EventOf<'chunk.created'>): Promise<void> {
    const p = e.payload;
    await tasks.insert({
      _id: p.chunkId,
      audioId: e.audioId,
      index: p.index,
      channel: p.channel,
      speaker: p.speaker,
      startMs: p.startMs,
      endMs: p.endMs,
      objectKey: p.objectKey,
      status: 'pending',
      attempts: 0,
      transcriptKey: null,
      wordCount: 0,
      lastError: null,
      updatedAt: Date.now(),
    });
    await dispatchIfReady(e.audioId);
  }

  async function onChunked(e: EventOf<'audio.chunked'>): Promise<void> {
    await audios.update({ _id: e.audioId }, setWithDefaults({ chunkCount: e.payload.chunkCount }, EMPTY_AUDIO), {
      upsert: true,
    });
    await dispatchIfReady(e.audioId);
  }

  async function onTranscriptionRequested(e: EventOf<'transcription.requested'>): Promise<void> {
    await audios.update(
      { _id: e.audioId },
      setWithDefaults(
        {
          requestId: e.payload.requestId,
          correlationId: e.correlationId,
          language: e.payload.language,
          phrases: e.payload.phrases,
        },
        EMPTY_AUDIO,
      ),
      { upsert: true },
    );
    await dispatchIfReady(e.audioId);
  }

  /**
   * Once a request exists and every chunk is known, queue the chunks that are not yet
   * transcribed, exactly once per request: a resume costs only the missing chunks.
   */
  async function dispatchIfReady(audioId: string): Promise<void> {
    const audio = await audios.get(audioId);
    if (!audio?.requestId || audio.chunkCount == null || audio.dispatchedFor === audio.requestId) return;
    if ((await tasks.count({ audioId })) < audio.chunkCount) return;
    const todo = await tasks.find({ audioId, status: { $ne: 'completed' } }, { sort: { channel: 1, index: 1 } });
    const cause = { audioId, correlationId: audio.correlationId ?? audio.requestId };
    for (const t of todo) {
      await tasks.update(
        { _id: t._id },
        { $set: { status: 'queued', attempts: 0, lastError: null, updatedAt: Date.now() } },
      );
      await deps.bus.publish(
        newEvent('stt.chunk.requested', PRODUCER, cause, {
          chunkId: t._id,
          ...chunkPlace(t),
          objectKey: t.objectKey,
          requestId: audio.requestId,
          attempt: 1,
          language: audio.language,
          phrases: audio.phrases,
        }),
      );
    }
    // Chunks done earlier are announced again: consumers are idempotent and a lost
    // chunk.transcribed must not leave the merger waiting forever.
    for (const t of await tasks.find({ audioId, status: 'completed' })) await announce(t, cause);
    // Marked only once every work item is out: a crash halfway redoes the dispatch on
    // redelivery. Two handlers racing here may queue a chunk twice, which costs a little
    // work but no correctness (a completed task is only announced again).
    await audios.update({ _id: audioId }, { $set: { dispatchedFor: audio.requestId } });
    deps.log.info({ audioId, queued: todo.length }, 'chunks queued for transcription');
  }

  async function announce(t: SttTask, cause: Cause) {
    await deps.bus.publish(
      newEvent('chunk.transcribed', PRODUCER, cause, {
        chunkId: t._id,
        ...chunkPlace(t),
        transcriptKey: t.transcriptKey ?? '',
        wordCount: t.wordCount,
        engine: deps.stt.name,
      }),
    );
  }

  async function onSttChunkRequested(e: EventOf<'stt.chunk.requested'>, ctx: MessageContext): Promise<void> {
    const p = e.payload;
    const log = deps.log.child({ audioId: e.audioId, chunkId: p.chunkId, correlationId: e.correlationId });
    const task = await tasks.get(p.chunkId);
    if (task?.status === 'completed') {
      await announce(task, causedBy(e));
      return;
    }
    await tasks.update(
      { _id: p.chunkId },
      { $set: { status: 'processing', updatedAt: Date.now() }, $inc: { attempts: 1 } },
    );
    const dir = await mkdtemp(join(tmpdir(), 'stt-'));
    try {
      const wavPath = join(dir, 'chunk.wav');
      await pipeline(await deps.store.get(p.objectKey), createWriteStream(wavPath));
      // The bus aborts the signal when it stops: the engine's work ends, the chunk is redelivered.
      const result = await deps.stt.transcribe({
        wavPath,
        language: p.language ?? undefined,
        phrases: p.phrases,
        signal: ctx.signal,
      });
      const transcript: ChunkTranscript = {
        audioId: e.audioId,
        chunkId: p.chunkId,
        index: p.index,
        channel: p.channel,
        speaker: p.speaker,
        offsetMs: p.startMs,
        durationMs: p.endMs - p.startMs,
        engine: result.engine,
        language: result.language,
        words: result.words,
        // Mono: the voice of each utterance, for the merger to tell the two speakers apart.
        ...(p.speaker === MONO_SPEAKER && { voice: await voiceOf(wavPath, result.words, log) }),
      };
      const transcriptKey = objectKeys.chunkTranscript(e.audioId, p.chunkId);
      await putJson(deps.store, transcriptKey, transcript);
      const done = await tasks.update(
        { _id: p.chunkId },
        {
          $set: {
            status: 'completed',
            transcriptKey,
            wordCount: result.words.length,
            lastError: null,
            updatedAt: Date.now(),
          },
        },
      );
      if (done) await announce(done, causedBy(e));
      log.debug({ words: result.words.length }, 'chunk transcribed');
    } catch (err) {
      // Stopped by a shutdown: nothing failed, the chunk is delivered again after the restart.
      if (ctx.signal?.aborted) throw err;
      const d = describeError(err);
      // The engine's own failures spend the chunk's attempts (STT_MAX_ATTEMPTS); a fault of
      // the infrastructure (object store, network, an engine restarting) is retried on the
      // bus's longer budget, so an outage delays chunks instead of failing them.
      if (afterFailure(d, ctx.attempt, deps.config.maxAttempts) === 'retry') {
        await tasks.update(
          { _id: p.chunkId },
          { $set: { status: 'queued', lastError: d.message, updatedAt: Date.now() } },
        );
        throw err; // the bus retries with backoff (and dead-letters when its budget is spent)
      }
      log.warn({ err, attempts: ctx.attempt }, 'chunk failed for good');
      await tasks.update(
        { _id: p.chunkId },
        { $set: { status: 'failed', lastError: d.message, updatedAt: Date.now() } },
      );
      await deps.bus.publish(
        newEvent('chunk.transcription.failed', PRODUCER, causedBy(e), {
          chunkId: p.chunkId,
          index: p.index,
          channel: p.channel,
          code: d.code,
          reason: d.message.slice(0, 500),
          attempts: ctx.attempt,
        }),
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  return {
    onChunkCreated,
    onChunked,
    onTranscriptionRequested,
    onSttChunkRequested,
    subscribe(): void {
      subscribeAll(deps.bus, GROUP, {
        'chunk.created': onChunkCreated,
        'audio.chunked': onChunked,
        'transcription.requested': onTranscriptionRequested,
      });
      // The work queue: several partitions at once, so chunks of one recording run in parallel.
      subscribeAll(
        deps.bus,
        `${GROUP}-work`,
        { 'stt.chunk.requested': onSttChunkRequested },
        { concurrency: deps.config.concurrency },
      );
    },
  };
}

/** Features of each utterance; a failure here costs the speaker split, never the transcript. */
async function voiceOf(
  wavPath: string,
  words: ChunkTranscript['words'],
  log: Logger,
): Promise<ChunkTranscript['voice']> {
  try {
    return await voiceFeatures(wavPath, utteranceSpans(words));
  } catch (err) {
    log.warn({ err }, 'voice features failed; this chunk stays one speaker');
    return [];
  }
}

const EMPTY_AUDIO: Omit<SttAudio, '_id'> = {
  chunkCount: null,
  requestId: null,
  correlationId: null,
  language: null,
  phrases: [],
  dispatchedFor: null,
};
