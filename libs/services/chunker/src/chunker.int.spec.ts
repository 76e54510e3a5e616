import { execFileSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WAV_HEADER_BYTES } from '@speech/audio';
import type { EventOf } from '@speech/contracts';
import { silentLogger } from '@speech/platform';
import { FsObjectStore } from '@speech/storage';
import { anEvent, eventually, inMemoryPlatform } from '@speech/testing';
import { createFfmpegChunker } from './ffmpeg-chunker';

jest.setTimeout(180_000);

const FIXTURE = join(__dirname, '../../../../test/fixtures/sales-discovery.stereo.mp3');
const MINUTE = 60_000;

/** RMS level (dBFS) of 16 kHz s16le `pcm` over [fromMs, fromMs + ms). */
function levelDb(pcm: Buffer, fromMs: number, ms: number): number {
  let sum = 0;
  const from = Math.max(0, fromMs * 16);
  const to = Math.min(pcm.length / 2, (fromMs + ms) * 16);
  for (let i = from; i < to; i++) sum += pcm.readInt16LE(2 * i) ** 2;
  return 10 * Math.log10(sum / Math.max(1, to - from) / 32768 ** 2 + 1e-12);
}

/**
 * The real chunker (ffmpeg, files, the embedded bus and store) on a 8-minute stereo call cut as
 * time ranges by two workers at once, against the same call cut in one pass.
 */
describe('chunker on ffmpeg: time ranges', () => {
  let dir: string;
  const sources: Record<string, string> = {};

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'chunker-int-'));
    // A WAV seeks exactly with -ss; an MP3 (no index) is entered at frame offsets (seek anchors).
    // Either way, ranges and one pass must hold the very same samples.
    sources.wav = join(dir, 'call.wav');
    execFileSync('ffmpeg', [
      '-v', 'error', '-stream_loop', '5', '-i', FIXTURE, '-t', '480', '-ar', '16000', '-c:a', 'pcm_s16le', sources.wav,
    ]); // prettier-ignore
    sources.mp3 = join(dir, 'call.mp3');
    execFileSync('ffmpeg', ['-v', 'error', '-stream_loop', '5', '-i', FIXTURE, '-t', '480', '-c', 'copy', sources.mp3]); // prettier-ignore
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function chunk(name: string, source: string, rangeMs: number, concurrency: number) {
    const root = join(dir, name);
    const { bus, docs } = inMemoryPlatform();
    const store = new FsObjectStore(join(root, 'objects'));
    const created: EventOf<'chunk.created'>[] = [];
    const chunked: EventOf<'audio.chunked'>[] = [];
    const ranges: EventOf<'chunk.range.requested'>[] = [];
    bus.subscribe('probe', 'chunk.created', async (e) => void created.push(e));
    bus.subscribe('probe', 'audio.chunked', async (e) => void chunked.push(e));
    bus.subscribe('probe', 'chunk.range.requested', async (e) => void ranges.push(e));
    const chunker = await createFfmpegChunker(
      { bus, store, docs, log: silentLogger() },
      { CHUNK_MIN_MS: 30_000, CHUNK_MAX_MS: 60_000, CHUNK_RANGE_MS: rangeMs, CHUNKER_CONCURRENCY: concurrency },
    );
    chunker.subscribe();
    await bus.start();
    await store.put('audio/a1/source', createReadStream(source));
    await bus.publish(anEvent('audio.uploaded', 'a1', { objectKey: 'audio/a1/source' }));
    await eventually('audio.chunked', () => chunked.length > 0, 150_000);
    await bus.stop();
    await docs.close();
    const byChannel = (ch: number) =>
      created.filter((e) => e.payload.channel === ch).sort((a, b) => a.payload.index - b.payload.index);
    const samplesOf = (ch: number) =>
      Buffer.concat(
        byChannel(ch).map((e) => readFileSync(join(root, 'objects', e.payload.objectKey)).subarray(WAV_HEADER_BYTES)),
      );
    return { created, chunked: chunked[0]!, ranges, byChannel, samplesOf };
  }

  it.each(['wav', 'mp3'])(
    'cuts 8 minutes of %s as 4 ranges on two workers into the same samples as one pass, every range boundary in a pause',
    async (kind) => {
      const onePass = await chunk(`${kind}-one-pass`, sources[kind]!, 60 * MINUTE, 1);
      const ranged = await chunk(`${kind}-ranged`, sources[kind]!, 2 * MINUTE, 2);
      // Only the MP3 ranges start at byte anchors.
      expect(ranged.ranges.some((r) => r.payload.startAnchorByte !== null)).toBe(kind === 'mp3');
      expect(onePass.ranges).toHaveLength(0);
      expect(ranged.ranges.map((r) => r.payload.range).sort()).toEqual([0, 1, 2, 3]);
      expect(ranged.chunked.payload.durationMs).toBe(onePass.chunked.payload.durationMs);
      expect(ranged.chunked.payload.chunkCount).toBe(ranged.created.length);

      for (const ch of [0, 1]) {
        const chunks = ranged.byChannel(ch).map((e) => e.payload);
        // Contiguous and ordered, from 0 to the end, across the range boundaries.
        chunks.forEach((c, i) => expect(c.startMs).toBe(i === 0 ? 0 : chunks[i - 1]!.endMs));
        expect(chunks.at(-1)!.endMs).toBe(onePass.chunked.payload.durationMs);
        // Within a range, chunks are 30–60 s; the last of a range may be shorter (it ends at the boundary).
        const rangeOf = (index: number) => Math.floor(index / 1000);
        expect(new Set(chunks.map((c) => rangeOf(c.index)))).toEqual(new Set([0, 1, 2, 3]));
        const lastOfRange = (i: number) =>
          i === chunks.length - 1 || rangeOf(chunks[i + 1]!.index) !== rangeOf(chunks[i]!.index);
        const lengths = chunks.map((c) => c.endMs - c.startMs);
        expect(Math.max(...lengths)).toBeLessThanOrEqual(70_000);
        expect(Math.min(...lengths.filter((_, i) => !lastOfRange(i)))).toBeGreaterThanOrEqual(30_000);
        // Together the ranges hold exactly the channel's samples: nothing lost, nothing twice.
        const samples = ranged.samplesOf(ch);
        expect(samples.equals(onePass.samplesOf(ch))).toBe(true);
        // Range boundaries fall in pauses: the 200 ms around each is far quieter than this channel's speech.
        const boundaries = chunks.filter((c, i) => i > 0 && rangeOf(c.index) !== rangeOf(chunks[i - 1]!.index));
        expect(boundaries).toHaveLength(3);
        const levels = Array.from({ length: Math.floor(samples.length / 6400) }, (_, k) =>
          levelDb(samples, k * 100, 200),
        );
        const speech = levels.sort((a, b) => a - b)[Math.floor(levels.length * 0.75)]!;
        for (const b of boundaries) expect(levelDb(samples, b.startMs - 100, 200)).toBeLessThan(speech - 20);
      }
    },
  );
});
