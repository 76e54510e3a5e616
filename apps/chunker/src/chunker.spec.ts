import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { AudioChunk } from '@speech/audio';
import { AppError, type EventOf } from '@speech/contracts';
import { InProcessEventBus } from '@speech/messaging';
import { NedbDocumentStore } from '@speech/persistence';
import { silentLogger } from '@speech/platform';
import { FsObjectStore } from '@speech/storage';
import { anEvent, eventually } from '@speech/testing';
import { createChunker } from './chunker';

/** A fake decoder: 45 s chunks on two channels, that can crash after `failAfter` chunks. */
function fakeStream(totalMs: number, failAfter = Infinity) {
  const calls: { startMs?: number; resume?: { channel: number; fromMs: number; nextIndex: number }[] }[] = [];
  async function* stream(
    _loc: string,
    opts: { startMs?: number; resume?: { channel: number; fromMs: number; nextIndex: number }[] },
  ): AsyncGenerator<AudioChunk> {
    calls.push(opts);
    let yielded = 0;
    for (const channel of [0, 1]) {
      const r = opts.resume?.find((x) => x.channel === channel);
      let at = r?.fromMs ?? 0;
      let index = r?.nextIndex ?? 0;
      while (at < totalMs) {
        if (yielded++ >= failAfter)
          throw new AppError('STORAGE.UNAVAILABLE', 'the decoder lost its input', { retriable: true });
        const end = Math.min(totalMs, at + 45_000);
        yield { channel, index: index++, startMs: at, endMs: end, wav: Buffer.from('RIFF') };
        at = end;
      }
    }
  }
  return { stream, calls };
}

describe('chunker', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'chunker-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function setup(stream: ReturnType<typeof fakeStream>['stream']) {
    const bus = new InProcessEventBus({
      log: silentLogger(),
      retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 2 },
    });
    const store = new FsObjectStore(dir);
    await store.put('audio/a1/source', Readable.from([Buffer.from('audio')]));
    const created: EventOf<'chunk.created'>[] = [];
    const chunked: EventOf<'audio.chunked'>[] = [];
    bus.subscribe('probe', 'chunk.created', async (e) => void created.push(e));
    bus.subscribe('probe', 'audio.chunked', async (e) => void chunked.push(e));
    const chunker = await createChunker({
      bus,
      store,
      docs: new NedbDocumentStore(null),
      log: silentLogger(),
      probe: async () => ({
        durationMs: 180_000,
        channels: 2,
        sampleRate: 16_000,
        codec: 'mp3',
        formatName: 'mp3',
        bitRate: 64_000,
      }),
      streamChunks: stream,
      config: { minChunkMs: 30_000, maxChunkMs: 60_000 },
    });
    chunker.subscribe();
    await bus.start();
    return { bus, created, chunked };
  }

  it('resumes from its checkpoint after a failure: each channel after its last stored chunk, every chunk once', async () => {
    const fake = fakeStream(180_000, 5); // 4 chunks per channel; fails after 5
    const { bus, created, chunked } = await setup(fake.stream);
    await bus.publish(anEvent('audio.uploaded', 'a1', { objectKey: 'audio/a1/source' }));
    await eventually('audio.chunked', () => chunked.length > 0);
    await bus.stop();

    // The first pass stored channel 0 (4 chunks) and one chunk of channel 1; the retry
    // resumed channel 1 at 45 s with index 1, after one seek to the earliest point.
    expect(fake.calls[1]).toMatchObject({
      startMs: 45_000,
      resume: [
        { channel: 0, fromMs: 180_000, nextIndex: 4 },
        { channel: 1, fromMs: 45_000, nextIndex: 1 },
      ],
    });
    const ids = created.map((e) => e.payload.chunkId);
    expect(new Set(ids).size).toBe(8);
    expect(chunked[0].payload).toMatchObject({ chunkCount: 8, channels: 2, durationMs: 180_000 });
    expect(created.filter((e) => e.payload.channel === 1).map((e) => e.payload.startMs)).toEqual([
      0, 45_000, 90_000, 135_000,
    ]);
    expect(created.every((e) => e.payload.speaker === (e.payload.channel === 0 ? 'agent' : 'customer'))).toBe(true);
  });

  it('answers a redelivered upload of a chunked recording with the same result, without cutting again', async () => {
    const fake = fakeStream(90_000);
    const { bus, chunked } = await setup(fake.stream);
    const uploaded = anEvent('audio.uploaded', 'a1', { objectKey: 'audio/a1/source' });
    await bus.publish(uploaded);
    await eventually('chunked', () => chunked.length === 1);
    await bus.publish(uploaded);
    await eventually('chunked again', () => chunked.length === 2);
    await bus.stop();
    expect(fake.calls).toHaveLength(1);
    expect(chunked[1].payload).toEqual(chunked[0].payload);
  });
});
