import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { AudioChunk, ChannelSpan } from '@speech/audio';
import { type EventOf } from '@speech/contracts';
import { AppError } from '@speech/kernel';
import { silentLogger } from '@speech/platform';
import { FsObjectStore } from '@speech/storage';
import { anEvent, eventually, inMemoryPlatform } from '@speech/testing';
import { createChunker, RANGE_INDEX_STRIDE } from './chunker';

/** A fake decoder: 45 s chunks on two channels, that can crash after `failAfter` chunks. */
function fakeStream(totalMs: number, failAfter = Infinity) {
  const calls: { startMs?: number; resume?: ChannelSpan[]; anchor?: { ms: number; byte: number } }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  let gate: Promise<void> = Promise.resolve();
  async function* stream(
    _loc: string,
    opts: { startMs?: number; resume?: ChannelSpan[]; anchor?: { ms: number; byte: number } },
  ): AsyncGenerator<AudioChunk> {
    calls.push(opts);
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    try {
      await gate;
      let yielded = 0;
      for (const channel of [0, 1]) {
        const r = opts.resume?.find((x) => x.channel === channel);
        let at = r?.fromMs ?? 0;
        const to = Math.min(totalMs, r?.toMs ?? totalMs);
        let index = r?.nextIndex ?? 0;
        while (at < to) {
          if (yielded++ >= failAfter)
            throw new AppError('STORAGE.UNAVAILABLE', 'the decoder lost its input', { retriable: true });
          const end = Math.min(to, at + 45_000);
          yield { channel, index: index++, startMs: at, endMs: end, wav: Buffer.from('RIFF') };
          at = end;
        }
      }
    } finally {
      inFlight--;
    }
  }
  return {
    stream,
    calls,
    get maxInFlight() {
      return maxInFlight;
    },
    hold(): () => void {
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      return open;
    },
  };
}

/** Boundaries: channel 0 cuts 1 s after the nominal point, channel 1 2 s before it. */
function fakeCuts() {
  const calls: number[] = [];
  const anchors: (number | undefined)[] = [];
  async function findCuts(
    _loc: string,
    o: { aroundMs: number; channels: 1 | 2; anchor?: { ms: number } },
  ): Promise<number[]> {
    calls.push(o.aroundMs);
    anchors.push(o.anchor?.ms);
    return [o.aroundMs + 1_000, o.aroundMs - 2_000].slice(0, o.channels);
  }
  return { findCuts, calls, anchors };
}

describe('chunker', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'chunker-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function setup(
    stream: ReturnType<typeof fakeStream>['stream'],
    opts: { durationMs?: number; rangeMs?: number; concurrency?: number; cuts?: ReturnType<typeof fakeCuts> } = {},
  ) {
    const { bus, docs } = inMemoryPlatform({ retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 2 } });
    const store = new FsObjectStore(dir);
    await store.put('audio/a1/source', Readable.from([Buffer.from('audio')]));
    const created: EventOf<'chunk.created'>[] = [];
    const chunked: EventOf<'audio.chunked'>[] = [];
    const failed: EventOf<'audio.chunking.failed'>[] = [];
    const ranges: EventOf<'chunk.range.requested'>[] = [];
    const anchorRequests: number[][] = [];
    bus.subscribe('probe', 'chunk.created', async (e) => void created.push(e));
    bus.subscribe('probe', 'audio.chunked', async (e) => void chunked.push(e));
    bus.subscribe('probe', 'audio.chunking.failed', async (e) => void failed.push(e));
    bus.subscribe('probe', 'chunk.range.requested', async (e) => void ranges.push(e));
    const chunker = await createChunker({
      bus,
      store,
      docs,
      log: silentLogger(),
      probe: async () => ({
        durationMs: opts.durationMs ?? 180_000,
        channels: 2,
        sampleRate: 16_000,
        codec: 'mp3',
        formatName: 'mp3',
        bitRate: 64_000,
        startMs: 0,
      }),
      streamChunks: stream,
      findCuts: (opts.cuts ?? fakeCuts()).findCuts,
      // An MP3 has no index: boundaries are reached from a frame's byte offset (here 1 byte per ms).
      findSeekAnchors: async (_loc, times) => {
        anchorRequests.push(times);
        return times.map((ms) => ({ ms: ms - 0.5, byte: ms }));
      },
      config: {
        minChunkMs: 30_000,
        maxChunkMs: 60_000,
        rangeMs: opts.rangeMs ?? 3_600_000,
        concurrency: opts.concurrency ?? 1,
      },
    });
    chunker.subscribe();
    await bus.start();
    return { bus, created, chunked, failed, ranges, anchorRequests };
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

  describe('long recordings, cut as time ranges', () => {
    const HOUR = 3_600_000;
    const strip = (es: EventOf<'chunk.created'>[], ch: number) =>
      es
        .filter((e) => e.payload.channel === ch)
        .sort((a, b) => a.payload.index - b.payload.index)
        .map((e) => [e.payload.index, e.payload.startMs, e.payload.endMs]);

    it('splits a 3 h recording into 3 ranges that meet at the same per-channel cuts and tile each channel', async () => {
      const fake = fakeStream(3 * HOUR);
      const cuts = fakeCuts();
      const { bus, created, chunked, ranges, anchorRequests } = await setup(fake.stream, {
        durationMs: 3 * HOUR,
        rangeMs: HOUR,
        concurrency: 2,
        cuts,
      });
      await bus.publish(anEvent('audio.uploaded', 'a1', { objectKey: 'audio/a1/source' }));
      await eventually('audio.chunked', () => chunked.length > 0);
      await bus.stop();

      const byRange = [...ranges].sort((a, b) => a.payload.range - b.payload.range);
      expect(byRange.map((r) => [r.payload.rangeId, r.payload.startMs, r.payload.endMs])).toEqual([
        ['a1-r00000', 0, HOUR],
        ['a1-r00001', HOUR, 2 * HOUR],
        ['a1-r00002', 2 * HOUR, 3 * HOUR],
      ]);
      // Each boundary is searched once, though both of its neighbours need it.
      expect(cuts.calls.sort((a, b) => a - b)).toEqual([HOUR, 2 * HOUR]);
      // One packet-listing pass for every boundary, 31 s before it; searches and decodes start there, not at a seek.
      expect(anchorRequests).toEqual([[HOUR - 31_000, 2 * HOUR - 31_000]]);
      expect(cuts.anchors.sort()).toEqual([HOUR - 31_000.5, 2 * HOUR - 31_000.5]);
      expect(fake.calls.map((c) => c.anchor?.ms ?? null).sort()).toEqual([HOUR - 31_000.5, 2 * HOUR - 31_000.5, null]);
      // Range k decodes from its (earliest) start cut, each channel to its own end cut.
      expect(fake.calls.map((c) => c.resume).sort((a, b) => a![0]!.fromMs - b![0]!.fromMs)).toEqual([
        [
          { channel: 0, fromMs: 0, nextIndex: 0, toMs: HOUR + 1_000 },
          { channel: 1, fromMs: 0, nextIndex: 0, toMs: HOUR - 2_000 },
        ],
        [
          { channel: 0, fromMs: HOUR + 1_000, nextIndex: RANGE_INDEX_STRIDE, toMs: 2 * HOUR + 1_000 },
          { channel: 1, fromMs: HOUR - 2_000, nextIndex: RANGE_INDEX_STRIDE, toMs: 2 * HOUR - 2_000 },
        ],
        [
          { channel: 0, fromMs: 2 * HOUR + 1_000, nextIndex: 2 * RANGE_INDEX_STRIDE },
          { channel: 1, fromMs: 2 * HOUR - 2_000, nextIndex: 2 * RANGE_INDEX_STRIDE },
        ],
      ]);
      expect(fake.maxInFlight).toBe(2);
      for (const ch of [0, 1]) {
        const mine = strip(created, ch);
        // Contiguous from 0 to the end: no gap and no overlap at the range boundaries.
        mine.forEach(([, start], i) => expect(start).toBe(i === 0 ? 0 : mine[i - 1]![2]));
        expect(mine.at(-1)![2]).toBe(3 * HOUR);
        // Indices are in time order: range k numbers from k × stride.
        expect(mine.map(([i]) => i)).toEqual([...mine.map(([i]) => i)].sort((a, b) => a! - b!));
      }
      expect(chunked).toHaveLength(1);
      expect(chunked[0]!.payload).toEqual({ chunkCount: created.length, durationMs: 3 * HOUR, channels: 2 });
      expect(new Set(created.map((e) => e.payload.chunkId)).size).toBe(created.length);
    });

    it('resumes a range that crashed inside that range only, and redone ranges change nothing', async () => {
      const fake = fakeStream(3 * HOUR, 100); // every decode fails after 100 chunks (a range has ~160)
      const { bus, created, chunked } = await setup(fake.stream, { durationMs: 3 * HOUR, rangeMs: HOUR });
      const uploaded = anEvent('audio.uploaded', 'a1', { objectKey: 'audio/a1/source' });
      await bus.publish(uploaded);
      await eventually('audio.chunked', () => chunked.length > 0);
      await bus.publish(uploaded); // redelivered after success
      await eventually('audio.chunked again', () => chunked.length === 2);
      await bus.stop();

      const unique = new Map(created.map((e) => [e.payload.chunkId, e]));
      expect(chunked[0]!.payload.chunkCount).toBe(unique.size);
      expect(chunked[1]!.payload).toEqual(chunked[0]!.payload);
      // Each range's second attempt started inside its own range, after its own stored chunks.
      const resumed = fake.calls.filter((c) => c.resume!.some((r) => r.nextIndex % RANGE_INDEX_STRIDE !== 0));
      expect(resumed).toHaveLength(3);
      for (const ch of [0, 1]) {
        const mine = strip([...unique.values()], ch);
        mine.forEach(([, start], i) => expect(start).toBe(i === 0 ? 0 : mine[i - 1]![2]));
      }
    });

    it('fails the recording, with the reason, when a range cannot be decoded', async () => {
      const fake = fakeStream(3 * HOUR);
      const broken = async function* (loc: string, o: { startMs?: number; resume?: ChannelSpan[] }) {
        if ((o.startMs ?? 0) > 0) throw new AppError('AUDIO.DECODE_FAILED', 'ffmpeg failed on the middle');
        yield* fake.stream(loc, o);
      };
      const { bus, chunked, failed } = await setup(broken, { durationMs: 3 * HOUR, rangeMs: HOUR });
      await bus.publish(anEvent('audio.uploaded', 'a1', { objectKey: 'audio/a1/source' }));
      await eventually('audio.chunking.failed', () => failed.length > 0);
      await bus.stop();
      expect(failed[0]!.payload).toEqual({ code: 'AUDIO.DECODE_FAILED', reason: 'ffmpeg failed on the middle' });
      expect(chunked).toHaveLength(0);
    });

    it('cuts a recording up to 1.5 × CHUNK_RANGE_MS in one pass, and refuses a range length the index stride cannot number', async () => {
      const fake = fakeStream(90 * 60_000);
      const { bus, chunked, ranges } = await setup(fake.stream, { durationMs: 90 * 60_000, rangeMs: HOUR });
      await bus.publish(anEvent('audio.uploaded', 'a1', { objectKey: 'audio/a1/source' }));
      await eventually('audio.chunked', () => chunked.length > 0);
      await bus.stop();
      expect(ranges).toHaveLength(0);
      expect(fake.calls).toHaveLength(1);
      await expect(setup(fake.stream, { rangeMs: 24 * HOUR })).rejects.toThrow(/CHUNK_RANGE_MS=86400000 does not fit/);
    });
  });
});
