import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AudioError } from './audio-error';
import { streamChunks, type AudioChunk, type StreamChunksOptions } from './chunk-stream';
import { probeAudio } from './probe-audio';
import { findCuts } from './range-cut';
import { findSeekAnchors, needsSeekAnchors } from './seek-index';
import { WAV_HEADER_BYTES } from './wav';

jest.setTimeout(120_000);

const FIXTURES = join(__dirname, '../../../test/fixtures');
const SALES = join(FIXTURES, 'sales-discovery.stereo.mp3');

let dir: string;
/** 180 s stereo WAV: left = 10 s tone / 2 s silence (period 12 s), right = 14 s tone / 3 s silence (period 17 s). */
let tones: string;

function ffmpeg(...args: string[]): void {
  execFileSync('ffmpeg', ['-v', 'error', '-y', ...args]);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'chunk-stream-'));
  tones = join(dir, 'tones.wav');
  ffmpeg(
    '-f',
    'lavfi',
    '-i',
    'aevalsrc=0.5*sin(2*PI*440*t)*lt(mod(t\\,12)\\,10)|0.5*sin(2*PI*660*t)*lt(mod(t\\,17)\\,14):s=16000:d=180',
    '-c:a',
    'pcm_s16le',
    tones,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(input: string, opts?: StreamChunksOptions): Promise<AudioChunk[]> {
  const out: AudioChunk[] = [];
  for await (const c of streamChunks(input, opts)) out.push(c);
  return out;
}

const ofChannel = (chunks: AudioChunk[], ch: number): AudioChunk[] => chunks.filter((c) => c.channel === ch);

/** Where `t` falls in a tone/silence cycle: inside the silence of `period` s that starts at `toneSec`. */
const inSilence = (ms: number, period: number, toneSec: number): boolean => {
  const phase = (ms / 1000) % period;
  return phase > toneSec && phase < period;
};

function pcmOf(c: AudioChunk): Int16Array {
  const data = c.wav.subarray(WAV_HEADER_BYTES);
  return new Int16Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
}

function rmsDb(samples: Int16Array): number {
  let s = 0;
  for (const x of samples) s += x * x;
  return 10 * Math.log10(s / Math.max(1, samples.length) / 32768 ** 2 + 1e-12);
}

function expectCanonicalWav(c: AudioChunk): void {
  const w = c.wav;
  expect(w.toString('ascii', 0, 4)).toBe('RIFF');
  expect(w.toString('ascii', 8, 16)).toBe('WAVEfmt ');
  expect(w.toString('ascii', 36, 40)).toBe('data'); // no LIST chunk before the samples
  expect(w.readUInt16LE(22)).toBe(1);
  expect(w.readUInt32LE(24)).toBe(16000);
  expect(w.readUInt16LE(34)).toBe(16);
  expect(w.readUInt32LE(40)).toBe(w.length - WAV_HEADER_BYTES);
  // endMs - startMs is the sample count at 16 kHz (rounded to a ms).
  expect(Math.abs((w.length - WAV_HEADER_BYTES) / 32 - (c.endMs - c.startMs))).toBeLessThanOrEqual(1);
}

function expectContiguous(chunks: AudioChunk[], fromMs: number): void {
  let at = fromMs;
  chunks.forEach((c, i) => {
    expect(c.index).toBe(i);
    expect(c.startMs).toBe(at);
    at = c.endMs;
  });
}

/** ffmpeg processes whose command line mentions `path` (there is no other handle on fluent-ffmpeg's child). */
function ffmpegProcessesFor(path: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (cmd.some((a) => a.endsWith('ffmpeg')) && cmd.includes(path)) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/**
 * No decoder outlives the generator. A killed process can linger a moment before the kernel
 * removes it (seen on a loaded 2-core CI machine), so this waits a bounded time for it.
 */
async function ffmpegGoneFor(path: string): Promise<number[]> {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const left = ffmpegProcessesFor(path);
    if (!left.length || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('streamChunks on generated tones', () => {
  let chunks: AudioChunk[];
  beforeAll(async () => {
    chunks = await collect(tones);
  });

  it('splits the stereo file into two independently cut channels', () => {
    expect(new Set(chunks.map((c) => c.channel))).toEqual(new Set([0, 1]));
    const left = ofChannel(chunks, 0).map((c) => c.endMs);
    const right = ofChannel(chunks, 1).map((c) => c.endMs);
    expect(left.slice(0, -1)).not.toEqual(right.slice(0, -1));
  });

  it('cuts every chunk but the last inside a silence of its own channel, 30–60 s long', () => {
    for (const [ch, period, tone] of [
      [0, 12, 10],
      [1, 17, 14],
    ] as const) {
      const mine = ofChannel(chunks, ch);
      expect(mine.length).toBeGreaterThanOrEqual(3);
      expectContiguous(mine, 0);
      for (const c of mine.slice(0, -1)) {
        expect(c.endMs - c.startMs).toBeGreaterThanOrEqual(30_000);
        expect(c.endMs - c.startMs).toBeLessThanOrEqual(60_000);
        expect(inSilence(c.endMs, period, tone)).toBe(true);
      }
      expect(mine[mine.length - 1]!.endMs).toBe(180_000);
    }
  });

  it('cuts in the middle of the silence', () => {
    for (const c of ofChannel(chunks, 0).slice(0, -1)) expect((c.endMs / 1000) % 12).toBeCloseTo(11, 1);
    for (const c of ofChannel(chunks, 1).slice(0, -1)) expect((c.endMs / 1000) % 17).toBeCloseTo(15.5, 1);
  });

  it('emits canonical 16 kHz mono WAVs holding the channel’s own samples', () => {
    for (const c of chunks) expectCanonicalWav(c);
    // Left is 440 Hz, right 660 Hz: count zero crossings in the first second of each channel's first chunk.
    const crossings = (s: Int16Array): number =>
      s.slice(0, 16000).reduce((n, x, i, a) => (i > 0 && a[i - 1]! < 0 !== x < 0 ? n + 1 : n), 0);
    expect(crossings(pcmOf(ofChannel(chunks, 0)[0]!))).toBeGreaterThan(860);
    expect(crossings(pcmOf(ofChannel(chunks, 0)[0]!))).toBeLessThan(900);
    expect(crossings(pcmOf(ofChannel(chunks, 1)[0]!))).toBeGreaterThan(1300);
    expect(crossings(pcmOf(ofChannel(chunks, 1)[0]!))).toBeLessThan(1340);
  });

  it('resumes from startMs with absolute times and the same cuts', async () => {
    const left = ofChannel(chunks, 0);
    const resumeAt = left[1]!.startMs;
    const resumed = ofChannel(await collect(tones, { startMs: resumeAt }), 0);
    expect(resumed[0]!.index).toBe(0);
    expect(resumed.map((c) => [c.startMs, c.endMs])).toEqual(left.slice(1).map((c) => [c.startMs, c.endMs]));
  });

  it('resumes each channel after its own last chunk (a checkpoint), with the same cuts and numbering', async () => {
    const left = ofChannel(chunks, 0);
    const right = ofChannel(chunks, 1);
    // Channel 0 got two chunks further than channel 1 before the "crash".
    const resume = [
      { channel: 0, fromMs: left[1]!.endMs, nextIndex: 2 },
      { channel: 1, fromMs: right[0]!.endMs, nextIndex: 1 },
    ];
    const startMs = Math.min(...resume.map((r) => r.fromMs));
    const resumed = await collect(tones, { startMs, resume });
    const strip = (cs: AudioChunk[]) => cs.map((c) => [c.index, c.startMs, c.endMs]);
    expect(strip(ofChannel(resumed, 0))).toEqual(strip(left.slice(2)));
    expect(strip(ofChannel(resumed, 1))).toEqual(strip(right.slice(1)));
  });

  it('finds a range boundary in each channel’s own pause near the nominal point', async () => {
    const cuts = await findCuts(tones, { aroundMs: 90_000, channels: 2 });
    expect(cuts).toHaveLength(2);
    // The window is 60–120 s; each channel's cut lies in one of its own pauses, mid-pause.
    expect(Math.abs(cuts[0]! - 90_000)).toBeLessThanOrEqual(30_000);
    expect(Math.abs(cuts[1]! - 90_000)).toBeLessThanOrEqual(30_000);
    expect((cuts[0]! / 1000) % 12).toBeCloseTo(11, 1);
    expect((cuts[1]! / 1000) % 17).toBeCloseTo(15.5, 1);
    // Same bytes, same answer: both neighbours of a boundary agree.
    expect(await findCuts(tones, { aroundMs: 90_000, channels: 2 })).toEqual(cuts);
    // Past the end there is nothing to choose from.
    expect(await findCuts(tones, { aroundMs: 400_000, channels: 2 })).toEqual([400_000, 400_000]);
  });

  it('chunks time ranges independently; together they tile each channel with the whole file’s samples', async () => {
    const cuts = await findCuts(tones, { aroundMs: 90_000, channels: 2 });
    const first = await collect(tones, {
      resume: [0, 1].map((channel) => ({ channel, fromMs: 0, nextIndex: 0, toMs: cuts[channel]! })),
    });
    const second = await collect(tones, {
      startMs: Math.min(...cuts),
      resume: [0, 1].map((channel) => ({ channel, fromMs: cuts[channel]!, nextIndex: 1000 })),
    });
    for (const ch of [0, 1]) {
      const a = ofChannel(first, ch);
      const b = ofChannel(second, ch);
      expect(a[a.length - 1]!.endMs).toBe(cuts[ch]);
      expect(b[0]!.startMs).toBe(cuts[ch]);
      expect(b[0]!.index).toBe(1000);
      expectContiguous(a, 0);
      expect(b[b.length - 1]!.endMs).toBe(180_000);
      // PCM input seeks sample-exactly: the ranges' samples are exactly the whole file's.
      const joined = Buffer.concat([...a, ...b].map((c) => c.wav.subarray(WAV_HEADER_BYTES)));
      const whole = Buffer.concat(ofChannel(chunks, ch).map((c) => c.wav.subarray(WAV_HEADER_BYTES)));
      expect(joined.equals(whole)).toBe(true);
    }
  });

  it('stops decoding at the end of the range', async () => {
    const ranged = await collect(tones, {
      startMs: 60_000,
      resume: [
        { channel: 0, fromMs: 60_000, nextIndex: 0, toMs: 100_000 },
        { channel: 1, fromMs: 70_000, nextIndex: 0, toMs: 90_000 },
      ],
    });
    expect(ofChannel(ranged, 0).at(-1)!.endMs).toBe(100_000);
    expect(ofChannel(ranged, 1).map((c) => [c.startMs, c.endMs])).toEqual([[70_000, 90_000]]);
  });

  it('downmixes to one channel when splitStereo is false', async () => {
    const mono = await collect(tones, { splitStereo: false });
    expect(new Set(mono.map((c) => c.channel))).toEqual(new Set([0]));
    expectContiguous(mono, 0);
    expect(mono[mono.length - 1]!.endMs).toBe(180_000);
  });

  it('honours minMs and maxMs', async () => {
    const short = ofChannel(await collect(tones, { minMs: 10_000, maxMs: 20_000 }), 0);
    for (const c of short.slice(0, -1)) {
      expect(c.endMs - c.startMs).toBeGreaterThanOrEqual(10_000);
      expect(c.endMs - c.startMs).toBeLessThanOrEqual(20_000);
      expect(inSilence(c.endMs, 12, 10)).toBe(true);
    }
    expect(short.length).toBeGreaterThan(8);
  });

  it('kills ffmpeg when the consumer stops early', async () => {
    const gen = streamChunks(tones);
    const first = await gen.next();
    expect(first.done).toBe(false);
    // Backpressure keeps ffmpeg alive, blocked on the pipe, while we hold the first chunk.
    expect(ffmpegProcessesFor(tones)).not.toHaveLength(0);
    await gen.return(undefined);
    expect(await ffmpegGoneFor(tones)).toEqual([]);
  });

  it('kills ffmpeg and throws AUDIO.ABORTED when the signal aborts', async () => {
    const ac = new AbortController();
    const gen = streamChunks(tones, { signal: ac.signal });
    await gen.next();
    ac.abort();
    await expect(gen.next()).rejects.toMatchObject({ code: 'AUDIO.ABORTED' });
    expect(await ffmpegGoneFor(tones)).toEqual([]);
  });

  it('does not start when the signal is already aborted', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(collect(tones, { signal: ac.signal })).rejects.toMatchObject({ code: 'AUDIO.ABORTED' });
  });
});

describe('streamChunks on the sample calls', () => {
  it('cuts each speaker’s channel in its own pauses, with times covering the whole call', async () => {
    const chunks = await collect(SALES);
    for (const ch of [0, 1]) {
      const mine = ofChannel(chunks, ch);
      expect(mine.length).toBe(2);
      expectContiguous(mine, 0);
      for (const c of mine) expectCanonicalWav(c);
      // The call is 85.3 s (ffprobe); the decoder drops the MP3 encoder delay at the start.
      expect(mine[1]!.endMs).toBeGreaterThan(85_000);
      expect(mine[1]!.endMs).toBeLessThanOrEqual(85_320);
      // The 200 ms around the cut are a pause: far below speech level.
      const a = pcmOf(mine[0]!);
      const b = pcmOf(mine[1]!);
      expect(rmsDb(a.slice(-1600))).toBeLessThan(-50);
      expect(rmsDb(b.slice(0, 1600))).toBeLessThan(-50);
      expect(rmsDb(a)).toBeGreaterThan(-40); // while the chunk as a whole has speech in it
    }
  });
});

describe('seek anchors (MP3: no index, so ffmpeg seeks by reading every packet)', () => {
  it('decodes from a frame’s byte offset onto the whole file’s clock, sample for sample', async () => {
    const info = await probeAudio(SALES);
    expect(needsSeekAnchors(info.formatName)).toBe(true);
    expect(info.startMs).toBeCloseTo(69.06, 2); // LAME's encoder delay (1105 samples), dropped by the decoder
    const [anchor, late] = await findSeekAnchors(SALES, [40_000, 999_000], info.startMs);
    expect(anchor!.ms).toBeLessThanOrEqual(40_000);
    expect(anchor!.ms).toBeGreaterThan(39_900);
    expect(late!.ms).toBeLessThan(85_400); // past the end: the last packet
    const whole = await collect(SALES);
    const spans = [0, 1].map((channel) => ({ channel, fromMs: 41_000, nextIndex: 0, toMs: 71_000 }));
    const anchored = await collect(SALES, { startMs: 41_000, resume: spans, anchor: anchor! });
    for (const ch of [0, 1]) {
      const mine = ofChannel(anchored, ch);
      expect(mine.map((c) => [c.startMs, c.endMs])).toEqual([[41_000, 71_000]]);
      const expected = Buffer.concat(ofChannel(whole, ch).map((c) => c.wav.subarray(WAV_HEADER_BYTES))).subarray(
        41_000 * 32,
        71_000 * 32,
      );
      expect(mine[0]!.wav.subarray(WAV_HEADER_BYTES).equals(expected)).toBe(true);
    }
    // findCuts from the anchor finds the same cuts as with a seek.
    expect(await findCuts(SALES, { aroundMs: 71_000, channels: 2, anchor: anchor! })).toEqual(
      await findCuts(SALES, { aroundMs: 71_000, channels: 2 }),
    );
  });
});

describe('seek anchors over http (a pre-signed S3 URL)', () => {
  it('decodes from a byte offset with a range request, same samples as from a file', async () => {
    const bytes = readFileSync(SALES);
    const ranges: string[] = [];
    const server: Server = createServer((req, res) => {
      const m = /^bytes=(\d+)-/.exec(req.headers.range ?? '');
      const from = m ? Number(m[1]) : 0;
      if (m) ranges.push(m[1]!);
      res
        .writeHead(m ? 206 : 200, {
          'content-type': 'audio/mpeg',
          'accept-ranges': 'bytes',
          'content-length': String(bytes.length - from),
          ...(m && { 'content-range': `bytes ${from}-${bytes.length - 1}/${bytes.length}` }),
        })
        .end(bytes.subarray(from));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/call.mp3?X-Amz-Signature=secret`;
    try {
      const info = await probeAudio(SALES);
      const [anchor] = await findSeekAnchors(url, [40_000], info.startMs);
      const opts = { startMs: 41_000, anchor: anchor!, splitStereo: false };
      const overHttp = await collect(url, opts);
      expect(ranges).toContain(String(anchor!.byte));
      expect(overHttp.map((c) => c.wav.toString('base64'))).toEqual(
        (await collect(SALES, opts)).map((c) => c.wav.toString('base64')),
      );
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('seek anchors past 2 GiB', () => {
  it('starts decoding at a byte offset beyond 32 bits', async () => {
    // The sample call, a sparse hole up to 2.2 GB (no disk used), then the sample call again.
    const big = join(dir, 'big.mp3');
    const offset = 2_200_000_000;
    writeFileSync(big, readFileSync(SALES));
    truncateSync(big, offset);
    appendFileSync(big, readFileSync(SALES));
    const [first] = await findSeekAnchors(SALES, [0], 0);
    const anchor = { ms: 0, byte: offset + first!.byte };
    const chunks = await collect(big, { anchor, startMs: 1_000, splitStereo: false });
    expect(chunks.length).toBeGreaterThan(0);
    expect(chunks.at(-1)!.endMs).toBeGreaterThan(80_000);
  });
});

describe('streamChunks on awkward input', () => {
  it('throws AUDIO.NOT_AUDIO for random bytes', async () => {
    const junk = join(dir, 'junk.mp3');
    writeFileSync(junk, Buffer.from(Array.from({ length: 64 * 1024 }, (_, i) => (i * 2654435761) >>> 24)));
    const err = await collect(junk).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AudioError);
    expect(err).toMatchObject({ code: 'AUDIO.NOT_AUDIO', retriable: false });
  });

  it('still yields chunks for pure silence', async () => {
    const silence = join(dir, 'silence.wav');
    ffmpeg('-f', 'lavfi', '-i', 'anullsrc=r=16000:cl=mono', '-t', '100', '-c:a', 'pcm_s16le', silence);
    const chunks = await collect(silence);
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    expectContiguous(chunks, 0);
    expect(chunks[chunks.length - 1]!.endMs).toBe(100_000);
    for (const c of chunks.slice(0, -1)) expect(c.endMs - c.startMs).toBeGreaterThanOrEqual(30_000);
  });

  it('yields what decodes from a truncated MP3', async () => {
    const cut = join(dir, 'truncated.mp3');
    const full = readFileSync(SALES);
    writeFileSync(cut, full.subarray(0, Math.floor(full.length * 0.6) + 7)); // ends mid-frame
    const chunks = await collect(cut);
    for (const ch of [0, 1]) {
      const mine = ofChannel(chunks, ch);
      expectContiguous(mine, 0);
      const end = mine[mine.length - 1]!.endMs;
      expect(end).toBeGreaterThan(0.6 * 85_320 - 2_000);
      expect(end).toBeLessThan(0.6 * 85_320 + 2_000);
    }
  });

  it('reads http URLs and reports a failing server with ffmpeg’s stderr, retriable', async () => {
    const bytes = readFileSync(SALES);
    let requests = 0;
    let failAfter = Infinity;
    const server: Server = createServer((req, res) => {
      requests++;
      if (req.url?.startsWith('/missing')) return void res.writeHead(404).end();
      if (requests > failAfter) return void res.writeHead(503).end();
      res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': String(bytes.length) }).end(bytes);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const chunks = await collect(`${base}/call.mp3?sig=secret`);
      expect(ofChannel(chunks, 1)).toHaveLength(2);

      await expect(collect(`${base}/missing.mp3`)).rejects.toMatchObject({ code: 'AUDIO.NOT_FOUND', retriable: false });

      failAfter = requests + 1; // the probe succeeds, the decoder's request fails
      const err = await collect(`${base}/call.mp3?sig=secret`).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'AUDIO.DECODE_FAILED', retriable: true });
      expect((err as Error).message).toMatch(/503/);
      expect((err as Error).message).not.toMatch(/secret/);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });

  it('is a no-op past the end of the recording', async () => {
    expect(statSync(tones).size).toBeGreaterThan(0);
    expect(await collect(tones, { startMs: 200_000 })).toEqual([]);
  });
});
