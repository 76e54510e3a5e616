import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventOf } from '@speech/contracts';
import { SttError, type SpeechToText, type TranscribeInput } from '@speech/stt';
import { silentLogger } from '@speech/platform';
import { FsObjectStore } from '@speech/storage';
import { anEvent, eventually, inMemoryPlatform } from '@speech/testing';
import { chooseRecording, FairQueue, type Candidate } from './fair-queue';
import { createSttWorker, type SttAudio, type SttTask } from './stt-worker';

const candidate = (audioId: string, c: Partial<Candidate> = {}): Candidate => ({
  audioId,
  inFlight: 0,
  lastStartedAt: 0,
  queuedAt: 0,
  ...c,
});

describe('chooseRecording (round-robin across recordings)', () => {
  it('takes the recording with the fewest chunks in flight, then the one served least recently, then the oldest', () => {
    const long = candidate('long', { inFlight: 1, lastStartedAt: 5, queuedAt: 1 });
    const short = candidate('short', { inFlight: 0, lastStartedAt: 0, queuedAt: 9 });
    expect(chooseRecording([long, short])?.audioId).toBe('short');
    expect(chooseRecording([{ ...long, inFlight: 0 }, short])?.audioId).toBe('short'); // never served
    expect(chooseRecording([candidate('a', { queuedAt: 2 }), candidate('b', { queuedAt: 1 })])?.audioId).toBe('b');
    expect(chooseRecording([])).toBeNull();
  });

  it('serves a third recording before either of the first two is served again', () => {
    const order: string[] = [];
    const state = new Map(['a', 'b', 'c'].map((id, i) => [id, candidate(id, { queuedAt: i })]));
    for (let t = 1; t <= 6; t++) {
      const pick = chooseRecording([...state.values()]);
      if (!pick) throw new Error('no pick');
      order.push(pick.audioId);
      state.set(pick.audioId, { ...pick, lastStartedAt: t });
    }
    expect(order).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
  });
});

describe('FairQueue (stt_tasks as the work queue)', () => {
  let clock = 1_000_000;
  const now = () => clock;

  async function setup() {
    const { docs, close } = inMemoryPlatform();
    const tasks = docs.collection<SttTask>('stt_tasks');
    const audios = docs.collection<SttAudio>('stt_audios');
    const queue = (owner: string) => new FairQueue({ tasks, audios, leaseMs: 30_000, now, owner });
    /** A recording with `n` queued chunks, queued at `queuedAt`. */
    const recording = async (audioId: string, n: number, queuedAt: number) => {
      for (let i = 0; i < n; i++)
        await tasks.insert({
          _id: `${audioId}-c${i}`,
          audioId,
          index: i,
          channel: 0,
          speaker: 'agent',
          startMs: i * 45_000,
          endMs: (i + 1) * 45_000,
          objectKey: `k/${audioId}/${i}`,
          status: 'queued',
          attempts: 0,
          transcriptKey: null,
          wordCount: 0,
          lastError: null,
          updatedAt: queuedAt,
          owner: null,
          leaseUntil: 0,
          notBefore: 0,
        });
      await audios.insert({
        _id: audioId,
        chunkCount: n,
        requestId: 'r1',
        correlationId: null,
        language: null,
        phrases: [],
        dispatchedFor: 'r1',
        active: true,
        activation: `act-${audioId}`,
        queuedAt,
      });
    };
    const complete = (id: string) => tasks.update({ _id: id }, { $set: { status: 'completed', owner: null } });
    return { tasks, audios, queue, recording, complete, close };
  }

  it('interleaves a short recording queued behind a long one (two workers)', async () => {
    const q = await setup();
    await q.recording('long', 20, 1);
    const worker = q.queue('w1');
    const first = await worker.claim();
    const second = await worker.claim();
    expect([first?._id, second?._id]).toEqual(['long-c0', 'long-c1']); // alone in the queue: both slots
    await q.recording('short', 3, 2);
    // From here on, each time a worker frees up it takes the next chunk round-robin.
    const served: string[] = [];
    const running = [first, second].map((t) => t?._id ?? '');
    while (running.length) {
      const done = running.shift() ?? '';
      await q.complete(done);
      clock++;
      const next = await worker.claim();
      if (next) {
        served.push(next._id);
        running.push(next._id);
      }
    }
    const shortDoneAfter = served.lastIndexOf('short-c2') + 1;
    expect(served.slice(0, 6)).toEqual(['short-c0', 'long-c2', 'short-c1', 'long-c3', 'short-c2', 'long-c4']);
    expect(shortDoneAfter).toBe(5); // its three chunks among the first five claims, not after the long call's 18
    expect(served.filter((id) => id.startsWith('long'))).toHaveLength(18); // and the long call still gets them all
    await q.close();
  });

  it('never gives one chunk to two workers racing for it', async () => {
    const q = await setup();
    await q.recording('a', 3, 1);
    const claims = await Promise.all(['w1', 'w2', 'w3', 'w4'].map((w) => q.queue(w).claim()));
    const ids = claims.filter((t): t is SttTask => t !== null).map((t) => t._id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(['a-c0', 'a-c1', 'a-c2']);
    await q.close();
  });

  it('takes over a chunk whose lease ran out (a crashed worker), not one whose lease is renewed', async () => {
    const q = await setup();
    await q.recording('a', 2, 1);
    const crashed = q.queue('crashed');
    const alive = q.queue('alive');
    expect((await crashed.claim())?._id).toBe('a-c0');
    expect((await alive.claim())?._id).toBe('a-c1');
    clock += 20_000;
    expect(await alive.renew('a-c1')).toBe(true);
    expect(await q.queue('other').claim()).toBeNull(); // both leases still run
    clock += 15_000; // a-c0's lease is out, a-c1's renewed one is not
    const taken = await q.queue('other').claim();
    expect(taken).toMatchObject({ _id: 'a-c0', owner: 'other', attempts: 2 });
    expect(await crashed.renew('a-c0')).toBe(false); // the crashed worker's claim is gone
    await q.close();
  });

  it('a chunk waiting for its retry holds back no other chunk', async () => {
    const q = await setup();
    await q.recording('a', 2, 1);
    await q.recording('b', 1, 2);
    await q.tasks.update({ _id: 'a-c0' }, { $set: { notBefore: clock + 60_000 } });
    const w = q.queue('w');
    const got = [await w.claim(), await w.claim(), await w.claim()].map((t) => t?._id ?? null);
    expect(got).toEqual(['a-c1', 'b-c0', null]);
    clock += 60_000;
    expect((await w.claim())?._id).toBe('a-c0');
    await q.close();
  });

  it('takes a recording out of the queue once nothing of it is queued or running', async () => {
    const q = await setup();
    await q.recording('a', 1, 1);
    await q.complete('a-c0');
    expect(await q.queue('w').claim()).toBeNull();
    expect((await q.audios.get('a'))?.active).toBe(false);
    await q.close();
  });
});

describe('stt-worker with the fair queue (fake engine)', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'stt-worker-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('transcribes every chunk once, retrying an engine failure without blocking the others', async () => {
    const platform = inMemoryPlatform();
    const store = new FsObjectStore(dir);
    const calls: string[] = [];
    let failOnce = true;
    const stt: SpeechToText = {
      name: 'fake',
      async transcribe(input: TranscribeInput) {
        const chunk = readFileSync(input.wavPath, 'utf8'); // each chunk's bytes are its id
        calls.push(chunk);
        if (chunk === 'a-c0' && failOnce) {
          failOnce = false;
          throw new SttError('STT.ENGINE_FAILED', 'the model hiccuped', { retriable: true });
        }
        return { words: [{ text: chunk, startMs: 0, endMs: 100, confidence: 1 }], language: 'en', engine: 'fake' };
      },
    };
    const transcribed: EventOf<'chunk.transcribed'>[] = [];
    platform.bus.subscribe('probe', 'chunk.transcribed', async (e) => void transcribed.push(e));
    const worker = await createSttWorker({
      bus: platform.bus,
      store,
      docs: platform.docs,
      tx: platform.database,
      log: silentLogger(),
      stt,
      config: { maxAttempts: 3, concurrency: 2, leaseMs: 30_000, pollMs: 20 },
    });
    worker.subscribe();
    await platform.bus.start();
    worker.start();
    for (const [audioId, n] of [
      ['a', 3],
      ['b', 2],
    ] as const) {
      for (let i = 0; i < n; i++) {
        const chunkId = `${audioId}-c${i}`;
        await store.putBuffer(`k/${chunkId}`, chunkId);
        await platform.bus.publish(anEvent('chunk.created', audioId, { chunkId, index: i, objectKey: `k/${chunkId}` }));
      }
      await platform.bus.publish(anEvent('audio.chunked', audioId, { chunkCount: n }));
      await platform.bus.publish(anEvent('transcription.requested', audioId));
    }
    await eventually('every chunk transcribed', () => new Set(transcribed.map((e) => e.payload.chunkId)).size === 5);
    expect(calls.filter((c) => c === 'a-c0')).toHaveLength(2); // failed once, then retried
    expect(calls.filter((c) => c !== 'a-c0').sort()).toEqual(['a-c1', 'a-c2', 'b-c0', 'b-c1']); // each once
    const tasks = await platform.docs.collection<SttTask>('stt_tasks').find({});
    expect(tasks.every((t) => t.status === 'completed' && t.owner === null)).toBe(true);
    await worker.stop();
    await platform.close();
  });

  it('a stop gives the running chunks back to the queue; the next worker finishes them, the done ones are not redone', async () => {
    const platform = inMemoryPlatform();
    const store = new FsObjectStore(dir);
    const calls: string[] = [];
    const engine = (hangOn: string | null): SpeechToText => ({
      name: 'fake',
      async transcribe(input: TranscribeInput) {
        const chunk = readFileSync(input.wavPath, 'utf8');
        calls.push(chunk);
        if (chunk === hangOn)
          await new Promise((_, reject) =>
            input.signal?.addEventListener('abort', () => reject(new SttError('STT.ABORTED', 'stopped'))),
          );
        return { words: [{ text: chunk, startMs: 0, endMs: 100, confidence: 1 }], language: 'en', engine: 'fake' };
      },
    });
    const transcribed: EventOf<'chunk.transcribed'>[] = [];
    platform.bus.subscribe('probe', 'chunk.transcribed', async (e) => void transcribed.push(e));
    const start = async (stt: SpeechToText) => {
      const w = await createSttWorker({
        bus: platform.bus,
        store,
        docs: platform.docs,
        tx: platform.database,
        log: silentLogger(),
        stt,
        config: { maxAttempts: 3, concurrency: 1, leaseMs: 30_000, pollMs: 20 },
      });
      return w;
    };
    const first = await start(engine('a-c1'));
    first.subscribe();
    await platform.bus.start();
    first.start();
    for (let i = 0; i < 3; i++) {
      await store.putBuffer(`k/a-c${i}`, `a-c${i}`);
      await platform.bus.publish(
        anEvent('chunk.created', 'a', { chunkId: `a-c${i}`, index: i, objectKey: `k/a-c${i}` }),
      );
    }
    await platform.bus.publish(anEvent('audio.chunked', 'a', { chunkCount: 3 }));
    await platform.bus.publish(anEvent('transcription.requested', 'a'));
    await eventually('a-c1 running', () => calls.includes('a-c1'));
    await first.stop();
    const tasks = platform.docs.collection<SttTask>('stt_tasks');
    expect(await tasks.get('a-c1')).toMatchObject({ status: 'queued', owner: null, attempts: 0 });

    const second = await start(engine(null));
    second.start();
    await eventually('every chunk transcribed', () => new Set(transcribed.map((e) => e.payload.chunkId)).size === 3);
    expect(calls).toEqual(['a-c0', 'a-c1', 'a-c1', 'a-c2']); // only the interrupted chunk twice
    await second.stop();
    await platform.close();
  });
});
