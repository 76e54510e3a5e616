import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventOf } from '@speech/contracts';
import { silentLogger } from '@speech/platform';
import { SttError, type SpeechToText, type TranscribeInput } from '@speech/stt';
import { FsObjectStore } from '@speech/storage';
import { anEvent, eventually, inMemoryPlatform } from '@speech/testing';
import { createSttWorker, type SttAudio, type SttTask } from './stt-worker';

/**
 * Cancelling a transcription (transcription.cancelled), with a fake engine: the request's queued
 * chunks leave the queue, its running chunk stops (here, or on another replica through its claim),
 * a request cancelled before or after it arrives never runs, and a newer request resumes.
 */
describe('stt-worker: cancelling a transcription', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'stt-cancel-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** An engine that answers each chunk with its id, and holds `hold`'s chunks until aborted or let go. */
  function fakeEngine() {
    const calls: string[] = [];
    const aborted: string[] = [];
    const hold = new Set<string>();
    const waiting = new Map<string, () => void>();
    const stt: SpeechToText = {
      name: 'fake',
      async transcribe(input: TranscribeInput) {
        const chunk = readFileSync(input.wavPath, 'utf8'); // each chunk's bytes are its id
        calls.push(chunk);
        if (hold.has(chunk))
          await new Promise<void>((resolve, reject) => {
            waiting.set(chunk, resolve);
            input.signal?.addEventListener('abort', () => {
              aborted.push(chunk);
              reject(new SttError('STT.ABORTED', 'aborted'));
            });
          });
        return { words: [{ text: chunk, startMs: 0, endMs: 100, confidence: 1 }], language: 'en', engine: 'fake' };
      },
    };
    const release = (chunk: string) => {
      hold.delete(chunk);
      waiting.get(chunk)?.();
    };
    return { stt, calls, aborted, hold, release };
  }

  async function setup(opts: { concurrency?: number; leaseMs?: number } = {}) {
    const platform = inMemoryPlatform();
    const store = new FsObjectStore(dir);
    const engine = fakeEngine();
    const transcribed: EventOf<'chunk.transcribed'>[] = [];
    const failed: EventOf<'chunk.transcription.failed'>[] = [];
    platform.bus.subscribe('probe', 'chunk.transcribed', async (e) => void transcribed.push(e));
    platform.bus.subscribe('probe', 'chunk.transcription.failed', async (e) => void failed.push(e));
    const worker = (stt: SpeechToText = engine.stt) =>
      createSttWorker({
        bus: platform.bus,
        store,
        docs: platform.docs,
        tx: platform.database,
        log: silentLogger(),
        stt,
        config: { maxAttempts: 3, concurrency: opts.concurrency ?? 1, leaseMs: opts.leaseMs ?? 30_000, pollMs: 20 },
      });
    const tasks = platform.docs.collection<SttTask>('stt_tasks');
    const audios = platform.docs.collection<SttAudio>('stt_audios');
    const statuses = async (audioId: string) =>
      Object.fromEntries((await tasks.find({ audioId }, { sort: { index: 1 } })).map((t) => [t._id, t.status]));
    /** A recording's chunks exist (their bytes are their ids) and it is chunked. */
    const chunks = async (audioId: string, n: number) => {
      const events = [];
      for (let i = 0; i < n; i++) {
        const chunkId = `${audioId}-c${i}`;
        await store.putBuffer(`k/${chunkId}`, chunkId);
        events.push(anEvent('chunk.created', audioId, { chunkId, index: i, objectKey: `k/${chunkId}` }));
      }
      return { created: events, chunked: anEvent('audio.chunked', audioId, { chunkCount: n }) };
    };
    const request = (audioId: string, requestId: string) => anEvent('transcription.requested', audioId, { requestId });
    const cancel = (audioId: string, requestId: string) =>
      anEvent('transcription.cancelled', audioId, { requestId, requestedAt: 1 });
    const ids = (events: { payload: { chunkId: string } }[]) => events.map((e) => e.payload.chunkId).sort();
    return { platform, engine, transcribed, failed, worker, tasks, audios, statuses, chunks, request, cancel, ids };
  }

  it('drops the queued chunks, stops the running one, transcribes nothing more; a new request resumes the rest', async () => {
    const t = await setup();
    const worker = await t.worker();
    worker.subscribe();
    await t.platform.bus.start();
    worker.start();
    t.engine.hold.add('a-c1');
    const { created, chunked } = await t.chunks('a', 4);
    for (const e of created) await t.platform.bus.publish(e);
    await t.platform.bus.publish(chunked);
    await t.platform.bus.publish(t.request('a', 'r1'));
    await eventually('a-c1 running', () => t.engine.calls.includes('a-c1'));

    await t.platform.bus.publish(t.cancel('a', 'r1'));
    await eventually('the running chunk aborted', () => t.engine.aborted.includes('a-c1'));
    await eventually('its chunks out of the queue', async () => {
      const s = await t.statuses('a');
      return Object.values(s).every((v) => v === 'completed' || v === 'pending') && s;
    });
    expect(await t.statuses('a')).toEqual({
      'a-c0': 'completed',
      'a-c1': 'pending',
      'a-c2': 'pending',
      'a-c3': 'pending',
    });
    expect((await t.audios.get('a'))?.active).toBe(false);
    expect(await worker.queue.claim()).toBeNull();

    // Another recording goes through the same slot meanwhile: the cancelled one stays where it was.
    const b = await t.chunks('b', 2);
    for (const e of b.created) await t.platform.bus.publish(e);
    await t.platform.bus.publish(b.chunked);
    await t.platform.bus.publish(t.request('b', 'rb'));
    await eventually('b transcribed', () => t.ids(t.transcribed).filter((id) => id.startsWith('b')).length === 2);
    expect(t.ids(t.transcribed).filter((id) => id.startsWith('a'))).toEqual(['a-c0']);
    expect(t.failed).toEqual([]); // an aborted chunk did not fail
    expect(t.engine.calls.filter((c) => c.startsWith('a'))).toEqual(['a-c0', 'a-c1']);

    // Transcribe again (a new request): only the chunks not done run.
    t.engine.release('a-c1');
    await t.platform.bus.publish(t.request('a', 'r2'));
    await eventually(
      'a transcribed',
      () => new Set(t.ids(t.transcribed).filter((id) => id.startsWith('a'))).size === 4,
    );
    expect(t.engine.calls.filter((c) => c.startsWith('a'))).toEqual(['a-c0', 'a-c1', 'a-c1', 'a-c2', 'a-c3']);
    expect(Object.values(await t.statuses('a'))).toEqual(['completed', 'completed', 'completed', 'completed']);
    await worker.stop();
    await t.platform.close();
  });

  it('a cancel before its request, late or redelivered events, and a cancel of an older request', async () => {
    const t = await setup();
    const w = await t.worker(); // its handlers only, no slots: the queue is read as it is left
    const { created, chunked } = await t.chunks('a', 2);
    for (const e of created) await w.onChunkCreated(e);
    await w.onChunked(chunked);
    // The cancel is read before the request it cancels (another topic): the request never runs.
    await w.onTranscriptionCancelled(t.cancel('a', 'r1'));
    await w.onTranscriptionRequested(t.request('a', 'r1'));
    expect(await t.statuses('a')).toEqual({ 'a-c0': 'pending', 'a-c1': 'pending' });
    expect((await t.audios.get('a'))?.active).toBeFalsy();

    // A new request (Transcribe again) queues them; a late copy of the old cancel does not touch it.
    await w.onTranscriptionRequested(t.request('a', 'r2'));
    expect(await t.statuses('a')).toEqual({ 'a-c0': 'queued', 'a-c1': 'queued' });
    await w.onTranscriptionCancelled(t.cancel('a', 'r1'));
    expect(await t.statuses('a')).toEqual({ 'a-c0': 'queued', 'a-c1': 'queued' });
    expect((await t.audios.get('a'))?.active).toBe(true);

    // Cancelled: redelivered chunk events and the request itself bring nothing back.
    await w.onTranscriptionCancelled(t.cancel('a', 'r2'));
    await w.onTranscriptionCancelled(t.cancel('a', 'r2')); // twice: idempotent
    for (const e of created) await w.onChunkCreated(e);
    await w.onChunked(chunked);
    await w.onTranscriptionRequested(t.request('a', 'r2'));
    await w.onSttChunkRequested(anEvent('stt.chunk.requested', 'a', { chunkId: 'a-c0', requestId: 'r2' }));
    expect(await t.statuses('a')).toEqual({ 'a-c0': 'pending', 'a-c1': 'pending' });
    expect((await t.audios.get('a'))?.active).toBe(false);
    expect(await w.queue.claim()).toBeNull();

    await w.onTranscriptionRequested(t.request('a', 'r3'));
    expect(await t.statuses('a')).toEqual({ 'a-c0': 'queued', 'a-c1': 'queued' });
    await t.platform.close();
  });

  it('stops a chunk running on another replica: its claim, withdrawn, ends the engine call there', async () => {
    const t = await setup({ leaseMs: 300 });
    const running = await t.worker(); // the replica transcribing
    const other = await t.worker(); // the replica that owns the recording's partition and reads the cancel
    t.engine.hold.add('a-c0');
    const { created, chunked } = await t.chunks('a', 2);
    for (const e of created) await other.onChunkCreated(e);
    await other.onChunked(chunked);
    await other.onTranscriptionRequested(t.request('a', 'r1'));
    running.start();
    await eventually('a-c0 running on the first replica', () => t.engine.calls.includes('a-c0'));
    await other.onTranscriptionCancelled(t.cancel('a', 'r1'));
    await eventually('aborted there at its next renewal', () => t.engine.aborted.includes('a-c0'));
    expect(await t.statuses('a')).toEqual({ 'a-c0': 'pending', 'a-c1': 'pending' });
    expect(t.transcribed).toEqual([]);
    expect(t.engine.calls).toEqual(['a-c0']);
    await running.stop();
    await t.platform.close();
  });

  it('drops the result of a chunk that finished after the cancel (an engine that ignores the abort)', async () => {
    const t = await setup();
    let finish: () => void = () => undefined;
    const calls: string[] = [];
    const deaf: SpeechToText = {
      name: 'fake',
      async transcribe(input: TranscribeInput) {
        const chunk = readFileSync(input.wavPath, 'utf8');
        calls.push(chunk);
        if (chunk === 'a-c0') await new Promise<void>((resolve) => (finish = resolve)); // never hears the abort
        return { words: [{ text: chunk, startMs: 0, endMs: 100, confidence: 1 }], language: 'en', engine: 'fake' };
      },
    };
    const w = await t.worker(deaf);
    w.subscribe();
    await t.platform.bus.start();
    const { created, chunked } = await t.chunks('a', 2);
    for (const e of created) await w.onChunkCreated(e);
    await w.onChunked(chunked);
    await w.onTranscriptionRequested(t.request('a', 'r1'));
    w.start();
    await eventually('a-c0 running', () => calls.includes('a-c0'));
    await w.onTranscriptionCancelled(t.cancel('a', 'r1'));
    finish();
    await eventually('a-c0 dropped', async () => (await t.tasks.get('a-c0'))?.status === 'pending');
    // Give the worker a recording to do, so its slot has come back round before looking.
    const b = await t.chunks('b', 1);
    for (const e of b.created) await w.onChunkCreated(e);
    await w.onChunked(b.chunked);
    await w.onTranscriptionRequested(t.request('b', 'rb'));
    await eventually('b transcribed', () => t.transcribed.some((e) => e.payload.chunkId === 'b-c0'));
    expect(t.ids(t.transcribed)).toEqual(['b-c0']);
    expect(await t.statuses('a')).toEqual({ 'a-c0': 'pending', 'a-c1': 'pending' });
    await w.stop();
    await t.platform.close();
  });
});
