import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChunkTranscript, EventOf, Transcript } from '@speech/contracts';
import { silentLogger } from '@speech/platform';
import { FsObjectStore } from '@speech/storage';
import { anEvent, inMemoryPlatform } from '@speech/testing';
import { createMerger } from './merger';

/**
 * The merger's bookkeeping: it learns a recording is complete from outcome counters kept by
 * transition, so redelivered, repeated and out-of-order events must neither double-count nor stall.
 */
describe('merger', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'merger-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function setup() {
    const store = new FsObjectStore(dir);
    const { bus, docs } = inMemoryPlatform();
    const merger = await createMerger({ bus, store, docs, log: silentLogger() });
    const completed: EventOf<'transcript.completed'>[] = [];
    const failed: EventOf<'transcription.failed'>[] = [];
    bus.subscribe('probe', 'transcript.completed', async (e) => void completed.push(e));
    bus.subscribe('probe', 'transcription.failed', async (e) => void failed.push(e));
    await bus.start();
    /** chunk.transcribed for chunk `i` (one word, "w<i>", at 45 s × i), its transcript stored. */
    const transcribed = async (i: number) => {
      const key = `audio/a1/chunks/${i}.json`;
      const t: ChunkTranscript = {
        audioId: 'a1',
        chunkId: `c${i}`,
        index: i,
        channel: 0,
        speaker: 'agent',
        offsetMs: i * 45_000,
        durationMs: 45_000,
        engine: 'test',
        language: 'en-US',
        words: [{ text: `w${i}`, startMs: 100, endMs: 400, confidence: 1 }],
      };
      await store.putBuffer(key, JSON.stringify(t));
      return anEvent('chunk.transcribed', 'a1', { chunkId: `c${i}`, index: i, transcriptKey: key });
    };
    /** The merged transcript's words, in order. */
    const words = async () =>
      (JSON.parse((await store.getBuffer('audio/a1/transcript.json')).toString('utf8')) as Transcript).segments
        .flatMap((s) => s.words.map((w) => w.text))
        .join(' ');
    return { merger, bus, completed, failed, transcribed, words };
  }

  it('counts a redelivered chunk once, and merges when the last one arrives, whatever came first', async () => {
    const m = await setup();
    const c0 = await m.transcribed(0);
    await m.merger.onChunkTranscribed(c0); // before audio.chunked
    await m.merger.onChunkTranscribed(c0); // redelivered
    await m.merger.onChunked(anEvent('audio.chunked', 'a1', { chunkCount: 3, durationMs: 135_000, channels: 1 }));
    await m.merger.onChunkTranscribed(c0); // and again
    await m.merger.onChunkTranscribed(await m.transcribed(1));
    expect(m.completed).toHaveLength(0); // 2 of 3, however often c0 came
    await m.merger.onChunkTranscribed(await m.transcribed(2));
    await m.bus.stop();
    expect(m.completed).toHaveLength(1);
    expect(await m.words()).toBe('w0 w1 w2');
  });

  it('fails with the failed chunks once every chunk has an outcome, then completes when the retry succeeds', async () => {
    const m = await setup();
    await m.merger.onChunked(anEvent('audio.chunked', 'a1', { chunkCount: 2, durationMs: 90_000, channels: 1 }));
    const failure = anEvent('chunk.transcription.failed', 'a1', { chunkId: 'c1', index: 1 });
    await m.merger.onChunkFailed(failure);
    expect(m.failed).toHaveLength(0); // c0 has no outcome yet
    await m.merger.onChunkTranscribed(await m.transcribed(0));
    await m.merger.onChunkFailed(failure); // redelivered: still one failed chunk
    await m.merger.onChunkTranscribed(await m.transcribed(0)); // re-announced by the stt-worker
    // The user retries; c1 now succeeds: it moves from failed to transcribed.
    await m.merger.onChunkTranscribed(await m.transcribed(1));
    await m.bus.stop();
    expect(m.failed.length).toBeGreaterThanOrEqual(1);
    expect(m.failed.every((f) => f.payload.failedChunks.join() === 'c1')).toBe(true);
    expect(m.completed).toHaveLength(1);
    expect(await m.words()).toBe('w0 w1');
  });
});
