import { randomUUID } from 'node:crypto';
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
} from '@speech/contracts';
import type { SpeechToText } from '@speech/stt';
import {
  afterFailure,
  backoffMs,
  DEFAULT_RETRY,
  deletionsOf,
  describeError,
  type Logger,
  putJson,
  type ServiceInfra,
  setWithDefaults,
  skipDeleted,
  subscribeAll,
  withDeletion,
} from '@speech/service-kit';
import { FairQueue } from './fair-queue';
import type { SttAudio, SttTask } from './stt-task';

export const PRODUCER = 'stt-worker';
export const GROUP = 'stt-worker';

export type { SttAudio, SttTask } from './stt-task';

/** Why a running chunk was aborted: its recording was deleted, or its claim was withdrawn (a cancel). */
const DELETED = 'deleted';
const WITHDRAWN = 'withdrawn';

export interface SttWorkerDeps extends Pick<ServiceInfra, 'bus' | 'store' | 'docs' | 'log'> {
  stt: SpeechToText;
  /** Makes a chunk's result and its event one commit (the single process); at once elsewhere. */
  tx?: ServiceInfra['tx'];
  config: {
    maxAttempts: number;
    concurrency: number;
    /** How long a claim holds without renewal (default 30 s): a crashed worker's chunks wait this long. */
    leaseMs?: number;
    /** How often an idle worker looks for work others queued (default 1 s). */
    pollMs?: number;
    /**
     * Attempts for faults of the infrastructure (object store, broker or engine unreachable),
     * default INFRASTRUCTURE_ATTEMPTS: about 9 minutes of backoff, so an outage delays chunks.
     */
    infrastructureAttempts?: number;
  };
  now?: () => number;
}

/**
 * Infrastructure attempts of a chunk by default: with the bus's backoff (250 ms doubling to a
 * 30 s cap, half of it jitter) about 9 minutes. Ten attempts (about 70 s) was shorter than a
 * broker restart on a loaded machine: chunks failed with ECONNREFUSED while it came back.
 */
export const INFRASTRUCTURE_ATTEMPTS = 30;

export async function createSttWorker(deps: SttWorkerDeps) {
  const tasks = deps.docs.collection<SttTask>('stt_tasks');
  const audios = deps.docs.collection<SttAudio>('stt_audios');
  await tasks.ensureIndex({ audioId: 1 });
  await audios.ensureIndex({ active: 1 });
  const tx = deps.tx ?? { run: <T>(work: () => Promise<T>) => work(), afterCommit: (fn: () => void) => fn() };
  const now = deps.now ?? Date.now;
  const leaseMs = deps.config.leaseMs ?? 30_000;
  const pollMs = deps.config.pollMs ?? 1000;
  const infrastructureAttempts = deps.config.infrastructureAttempts ?? INFRASTRUCTURE_ATTEMPTS;
  const queue = new FairQueue({ tasks, audios, leaseMs, now });
  const stopping = new AbortController();
  let wakeUp: (() => void) | null = null;
  const slots: Promise<void>[] = [];
  const deletions = deletionsOf(deps.docs);
  /** Transcriptions running in this process, by chunk: a deleted or cancelled recording's are aborted. */
  const running = new Map<string, { audioId: string; cancel: AbortController }>();

  /** A deleted recording: its queue entries, its request, its chunk transcripts; its running chunks stop. */
  async function purge(audioId: string): Promise<void> {
    abortRunning(audioId, DELETED);
    await tasks.delete({ audioId });
    await audios.delete({ _id: audioId });
    await deps.store.deletePrefix(objectKeys.chunkTranscriptsPrefix(audioId));
  }

  function abortRunning(audioId: string, reason: typeof DELETED | typeof WITHDRAWN): void {
    for (const r of running.values()) if (r.audioId === audioId) r.cancel.abort(reason);
  }

  /** Idle workers look again at once (a commit queued chunks). */
  function wake(): void {
    wakeUp?.();
  }

  async function onChunkCreated(e: EventOf<'chunk.created'>): Promise<void> {
    const p = e.payload;
    await tasks.insert({
      _id: p.chunkId,
      audioId: e.audioId,
      ...chunkPlace(p),
      objectKey: p.objectKey,
      status: 'pending',
      attempts: 0,
      transcriptKey: null,
      wordCount: 0,
      lastError: null,
      updatedAt: now(),
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
    const known = await audios.get(e.audioId);
    if (known?.cancelledRequests?.includes(e.payload.requestId)) {
      // Cancelled already: a late or redelivered request does not bring its work back.
      deps.log.info({ audioId: e.audioId, requestId: e.payload.requestId }, 'transcription request was cancelled');
      return;
    }
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
   * The owner cancelled a request. Remembered first, so the request is ignored if it arrives
   * later; then, if it is the request being served, its queued and running chunks go back to
   * `pending` (out of the queue; the chunks done stay done) and its running engine calls stop,
   * here at once and on other replicas when their claim's renewal finds it withdrawn. A cancel of
   * an older request than the one served changes nothing: the newer request superseded it.
   */
  async function onTranscriptionCancelled(e: EventOf<'transcription.cancelled'>): Promise<void> {
    const { requestId } = e.payload;
    await audios.update(
      { _id: e.audioId },
      { $addToSet: { cancelledRequests: requestId }, $setOnInsert: { ...EMPTY_AUDIO } },
      { upsert: true },
    );
    const audio = await audios.get(e.audioId);
    if (audio?.requestId !== requestId) return;
    const dropped = await tasks.updateMany(
      { audioId: e.audioId, status: { $in: ['queued', 'processing'] } },
      { $set: { status: 'pending', attempts: 0, owner: null, leaseUntil: 0, notBefore: 0, updatedAt: now() } },
    );
    await audios.update({ _id: e.audioId }, { $set: { active: false, activation: randomUUID() } });
    tx.afterCommit(() => abortRunning(e.audioId, WITHDRAWN));
    deps.log.info({ audioId: e.audioId, requestId, dropped }, 'transcription cancelled; its chunks left the queue');
  }

  /**
   * Once a request exists and every chunk is known, queue the chunks that are not yet
   * transcribed, once per request: a resume costs only the missing chunks. Queued means in
   * stt_tasks: the workers take chunks from there, round-robin across recordings (FairQueue).
   */
  async function dispatchIfReady(audioId: string): Promise<void> {
    const audio = await audios.get(audioId);
    if (!audio?.requestId || audio.chunkCount == null || audio.dispatchedFor === audio.requestId) return;
    if (audio.cancelledRequests?.includes(audio.requestId)) return;
    if ((await tasks.count({ audioId })) < audio.chunkCount) return;
    const at = now();
    const queued = await tasks.updateMany(
      { audioId, status: { $ne: 'completed' } },
      {
        $set: {
          status: 'queued',
          attempts: 0,
          lastError: null,
          owner: null,
          leaseUntil: 0,
          notBefore: 0,
          updatedAt: at,
        },
      },
    );
    const cause = { audioId, correlationId: audio.correlationId ?? audio.requestId };
    // Chunks done earlier are announced again: consumers are idempotent and a lost
    // chunk.transcribed must not leave the merger waiting forever.
    for (const t of await tasks.find({ audioId, status: 'completed' })) await announce(t, cause);
    await audios.update(
      { _id: audioId },
      {
        $set: {
          dispatchedFor: audio.requestId,
          active: queued > 0,
          activation: randomUUID(),
          queuedAt: at,
        },
      },
    );
    tx.afterCommit(wake);
    deps.log.info({ audioId, queued }, 'chunks queued for transcription');
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

  /**
   * Work items of the bus-based dispatch this worker used before (a log written by an older
   * version): the chunk joins the queue, unless it is done.
   */
  async function onSttChunkRequested(e: EventOf<'stt.chunk.requested'>): Promise<void> {
    const task = await tasks.get(e.payload.chunkId);
    if (!task) return;
    const audio = await audios.get(e.audioId);
    if (audio?.requestId && audio.cancelledRequests?.includes(audio.requestId)) return; // cancelled
    if (task.status === 'completed') {
      await announce(task, causedBy(e));
      return;
    }
    if (task.status === 'processing' && (task.leaseUntil ?? 0) >= now()) return; // running now
    await tasks.update(
      { _id: task._id },
      { $set: { status: 'queued', owner: null, leaseUntil: 0, notBefore: 0, updatedAt: now() } },
    );
    await audios.update(
      { _id: e.audioId },
      setWithDefaults({ active: true, activation: randomUUID() }, { ...EMPTY_AUDIO, queuedAt: now() }),
      { upsert: true },
    );
    tx.afterCommit(wake);
  }

  /** One worker slot: claims the next chunk (round-robin across recordings), runs it, and again. */
  async function slot(): Promise<void> {
    while (!stopping.signal.aborted) {
      let task: SttTask | null = null;
      try {
        task = await queue.claim();
      } catch (err) {
        deps.log.error({ err }, 'could not read the transcription queue; trying again');
      }
      if (task) await runClaimed(task);
      else await idle();
    }
  }

  function idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopping.signal.removeEventListener('abort', done);
        if (wakeUp === done) wakeUp = null;
        resolve();
      };
      const timer = setTimeout(done, pollMs);
      const previous = wakeUp;
      wakeUp = () => {
        previous?.();
        done();
      };
      stopping.signal.addEventListener('abort', done);
    });
  }

  async function runClaimed(task: SttTask): Promise<void> {
    const cancel = new AbortController();
    const renewal = setInterval(() => {
      queue
        .renew(task._id)
        // Cancelled by whichever replica read the cancel: the engine's work here stops too.
        .then(async (held) => {
          if (!held && (await withdrawn(task._id))) cancel.abort(WITHDRAWN);
        })
        .catch((err: unknown) => deps.log.warn({ err }, 'could not renew a chunk claim'));
    }, leaseMs / 3);
    try {
      await transcribeChunk(task, cancel);
    } finally {
      clearInterval(renewal);
    }
  }

  /**
   * A cancel withdrew the chunk: it is back to `pending` (out of the queue). A chunk re-queued by a
   * newer request meanwhile is still wanted, so its result counts.
   */
  async function withdrawn(chunkId: string): Promise<boolean> {
    const t = await tasks.get(chunkId);
    return !t || t.status === 'pending';
  }

  async function transcribeChunk(task: SttTask, cancel: AbortController): Promise<void> {
    const log = deps.log.child({ audioId: task.audioId, chunkId: task._id });
    const audio = await audios.get(task.audioId);
    const cause = { audioId: task.audioId, correlationId: audio?.correlationId ?? audio?.requestId ?? task.audioId };
    const dir = await mkdtemp(join(tmpdir(), 'stt-'));
    running.set(task._id, { audioId: task.audioId, cancel });
    try {
      const wavPath = join(dir, 'chunk.wav');
      await pipeline(await deps.store.get(task.objectKey), createWriteStream(wavPath));
      // Aborted when the worker stops (the chunk goes back to the queue), when the recording is
      // deleted, or when its claim is withdrawn (a cancel): the engine's work ends.
      const result = await deps.stt.transcribe({
        wavPath,
        language: audio?.language ?? undefined,
        phrases: audio?.phrases ?? [],
        signal: AbortSignal.any([stopping.signal, cancel.signal]),
      });
      const transcript: ChunkTranscript = {
        audioId: task.audioId,
        chunkId: task._id,
        index: task.index,
        channel: task.channel,
        speaker: task.speaker,
        offsetMs: task.startMs,
        durationMs: task.endMs - task.startMs,
        engine: result.engine,
        language: result.language,
        words: result.words,
        // Mono: the voice of each utterance, for the merger to tell the two speakers apart.
        ...(task.speaker === MONO_SPEAKER && { voice: await voiceOf(wavPath, result.words, log) }),
      };
      const transcriptKey = objectKeys.chunkTranscript(task.audioId, task._id);
      await putJson(deps.store, transcriptKey, transcript);
      if (stopping.signal.aborted) throw new Error('stopping');
      // The result and its event together (one commit in the single process; elsewhere the
      // event goes first, so a crash between the two re-runs the chunk instead of losing it).
      await tx.run(async () => {
        // Deleted meanwhile: the transcript just written goes too, and nothing is announced. It
        // was written before this look, so the deletion's own removal finds it otherwise.
        if (cancel.signal.reason === DELETED || (await deletions.isDeleted(task.audioId))) {
          await purge(task.audioId);
          return;
        }
        // Cancelled meanwhile (here or on another replica): nothing is announced, the chunk stays
        // out of the queue until a new request; its transcript object is written again then.
        if (await withdrawn(task._id)) {
          log.info('chunk claim withdrawn (transcription cancelled); its result is dropped');
          return;
        }
        const done: SttTask = {
          ...task,
          status: 'completed',
          transcriptKey,
          wordCount: result.words.length,
          lastError: null,
        };
        await announce(done, cause);
        await tasks.update(
          { _id: task._id },
          {
            $set: {
              status: 'completed',
              transcriptKey,
              wordCount: result.words.length,
              lastError: null,
              owner: null,
              updatedAt: now(),
            },
          },
        );
      });
      log.debug({ words: result.words.length }, 'chunk transcribed');
    } catch (err) {
      // Stopped: nothing failed, the chunk is ready again for the next worker.
      if (stopping.signal.aborted) {
        await queue.release(task._id).catch(() => undefined);
        return;
      }
      // Its recording was deleted (the chunk's audio went from under it, or it was aborted).
      if (cancel.signal.reason === DELETED || (await deletions.isDeleted(task.audioId))) {
        log.info('recording deleted; its chunk is dropped');
        await purge(task.audioId);
        return;
      }
      if (cancel.signal.reason === WITHDRAWN) {
        log.info('transcription cancelled; the running chunk stopped');
        return;
      }
      await failed(task, err, cause, log);
    } finally {
      running.delete(task._id);
      await rm(dir, { recursive: true, force: true });
    }
  }

  async function failed(task: SttTask, err: unknown, cause: Cause, log: Logger): Promise<void> {
    const d = describeError(err);
    // The engine's own failures spend the chunk's attempts (STT_MAX_ATTEMPTS); a fault of the
    // infrastructure (object store, network, an engine restarting) has a longer budget, so an
    // outage delays chunks instead of failing them. A chunk waiting for its retry holds back
    // no other: the workers take the next ready chunk meanwhile.
    const retry =
      afterFailure(d, task.attempts, deps.config.maxAttempts) === 'retry' &&
      (d.kind !== 'infrastructure' || task.attempts < infrastructureAttempts);
    if (retry) {
      log.warn({ err, attempts: task.attempts }, 'chunk failed; retrying');
      await tasks.update(
        { _id: task._id, owner: queue.owner },
        {
          $set: {
            status: 'queued',
            owner: null,
            leaseUntil: 0,
            notBefore: now() + backoffMs(DEFAULT_RETRY, task.attempts),
            lastError: d.message,
            updatedAt: now(),
          },
        },
      );
      return;
    }
    log.warn({ err, attempts: task.attempts }, 'chunk failed for good');
    await tx.run(async () => {
      if (await withdrawn(task._id)) return; // cancelled meanwhile: nothing failed
      await deps.bus.publish(
        newEvent('chunk.transcription.failed', PRODUCER, cause, {
          chunkId: task._id,
          index: task.index,
          channel: task.channel,
          code: d.code,
          reason: d.message.slice(0, 500),
          attempts: task.attempts,
        }),
      );
      await tasks.update(
        { _id: task._id },
        { $set: { status: 'failed', owner: null, lastError: d.message, updatedAt: now() } },
      );
    });
  }

  return {
    purge,
    onChunkCreated,
    onChunked,
    onTranscriptionRequested,
    onTranscriptionCancelled,
    onSttChunkRequested,
    queue,
    subscribe(): void {
      subscribeAll(
        deps.bus,
        GROUP,
        withDeletion(deletions, purge, {
          'chunk.created': onChunkCreated,
          'audio.chunked': onChunked,
          'transcription.requested': onTranscriptionRequested,
          'transcription.cancelled': onTranscriptionCancelled,
        }),
      );
      subscribeAll(deps.bus, `${GROUP}-work`, {
        'stt.chunk.requested': skipDeleted(deletions, purge, onSttChunkRequested),
      });
    },
    /** Starts the worker slots (STT_CONCURRENCY of them), each taking chunks from the queue. */
    start(): void {
      if (slots.length) return;
      for (let i = 0; i < deps.config.concurrency; i++) slots.push(slot());
    },
    /** Stops the slots: running chunks are aborted and given back to the queue. */
    async stop(): Promise<void> {
      stopping.abort();
      await Promise.allSettled(slots);
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
