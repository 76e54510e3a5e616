import { spawn } from 'node:child_process';
import { createReadStream, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Mp3FrameScanner, probeSeekAnchors, scanMp3Anchors } from '@speech/audio';
import { loopedMp3 } from './lib/inputs';
import { run, runTs, track } from './lib/proc';
import { median, round, roundAll } from './lib/timing';
import { meets, type Benchmark, type Figure } from './lib/types';

const TARGET = 0.8;
/** The frame scan should run at the pace of reading the file. */
const SCAN_TARGET = 0.8;

/** A plain read of the file (1 MiB pieces, dropped): the disk-speed baseline of the scan. */
async function plainRead(file: string): Promise<number> {
  const t0 = performance.now();
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) void chunk;
  return performance.now() - t0;
}

/** Every frame header of the file (the same 1 MiB reads), as findSeekAnchors scans it. */
async function frameScan(file: string): Promise<{ ms: number; frames: number }> {
  const t0 = performance.now();
  let frames = 0;
  const scanner = new Mp3FrameScanner(() => void frames++);
  for await (const chunk of createReadStream(file, { highWaterMark: 1024 * 1024 })) scanner.push(chunk as Buffer);
  scanner.end();
  return { ms: performance.now() - t0, frames };
}

/**
 * mp3ScanVsRead: the MP3 seek-anchor pass (a frame-header scan over the whole file) against a
 * plain read of the same cached file; ffprobe's packet listing (what the pass used before) for context.
 */
async function mp3Scan(file: string, path: string, reps: number): Promise<Figure> {
  const bytes = statSync(file).size;
  const readMs: number[] = [];
  const scanMs: number[] = [];
  let frames = 0;
  for (let i = 0; i < reps + 1; i++) {
    // The first round warms the page cache and the JIT; it is not counted.
    const r = await plainRead(file);
    const s = await frameScan(file);
    frames = s.frames;
    if (i === 0) continue;
    readMs.push(r);
    scanMs.push(s.ms);
  }
  const far = [1e12]; // past the end: both passes read the whole file
  const { ms: anchorsMs } = await timedMs(() => scanMp3Anchors(file, far, 0));
  const { ms: ffprobeMs } = await timedMs(() => probeSeekAnchors(file, far, 0));
  const readMBps = bytes / 1e6 / (median(readMs) / 1000);
  const scanMBps = bytes / 1e6 / (median(scanMs) / 1000);
  const value = round(scanMBps / readMBps);
  return {
    value,
    unit: 'ratio of MB/s (frame-header scan / plain read of the same file)',
    target: `≥ ${SCAN_TARGET} (at disk speed)`,
    baseline: 'a plain read of the same file (fs read stream, 1 MiB pieces, page cache warm), same run',
    met: meets(value, '>=', SCAN_TARGET),
    input: path,
    bytes,
    frames,
    repetitions: reps,
    scanMBps: round(scanMBps, 1),
    readMBps: round(readMBps, 1),
    scanMs: roundAll(scanMs),
    readMs: roundAll(readMs),
    context: {
      note: 'one findSeekAnchors pass over the whole file: by the scan (now, MP3 on disk) and by ffprobe listing packets (before, and still for AAC and URLs)',
      findSeekAnchorsScanMs: round(anchorsMs, 1),
      ffprobePacketListMs: round(ffprobeMs, 1),
      ffprobeMBps: round(bytes / 1e6 / (ffprobeMs / 1000), 1),
    },
  };
}

async function timedMs<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: performance.now() - t0, value };
}

/** ffmpeg decoding to s16le on a pipe that Node reads and drops: the chunker minus its own work. */
function decodeToPipe(file: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const p = track(
      spawn(
        'ffmpeg',
        [
          '-nostdin',
          '-v',
          'error',
          '-i',
          file,
          '-vn',
          '-ac',
          '2',
          '-ar',
          '16000',
          '-acodec',
          'pcm_s16le',
          '-f',
          's16le',
          '-',
        ],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      ),
    );
    p.stdout?.on('data', () => undefined);
    p.once('error', reject);
    p.once('close', (code) =>
      code === 0 ? resolve(performance.now() - t0) : reject(new Error(`ffmpeg exited ${code}`)),
    );
  });
}

/**
 * chunkerVsDecode: the chunker's throughput (audio seconds per wall second: one streamChunks
 * pass writing every chunk to a filesystem object store, as the chunker service does) divided by
 * `ffmpeg -i FILE -f null -` decoding the same file.
 */
export const chunkerBench: Benchmark = {
  name: 'chunker',
  keys: ['chunkerVsDecode', 'mp3ScanVsRead'],
  async run(ctx) {
    const seconds = ctx.opts.quick ? 3600 : 7200;
    const reps = ctx.opts.quick ? 2 : 3;
    const input = await loopedMp3(ctx, seconds);
    const audioS = input.durationS ?? seconds;
    await run('cat', [input.abs], { keepStdout: false }); // into the page cache for every contender
    const chunkerMs: number[] = [];
    const decodeMs: number[] = [];
    const pipeMs: number[] = [];
    const noWriteMs: number[] = [];
    const driverRuns: unknown[] = [];
    for (let i = 0; i < reps; i++) {
      decodeMs.push((await run('ffmpeg', ['-nostdin', '-v', 'error', '-i', input.abs, '-f', 'null', '-'])).ms);
      const out = join(ctx.workDir, `chunker-${i}`);
      const r = await runTs('bench/drivers/chunk-driver.ts', [input.abs, out]);
      rmSync(out, { recursive: true, force: true });
      const d = JSON.parse(r.stdout.trim().split('\n').pop() as string) as {
        ms: number;
        chunks: number;
        audioMs: number;
      };
      chunkerMs.push(d.ms);
      driverRuns.push({ ...d, ms: round(d.ms, 1), processWallMs: round(r.ms, 1) });
      pipeMs.push(await decodeToPipe(input.abs));
      const nw = await runTs('bench/drivers/chunk-driver.ts', [input.abs, '-']);
      noWriteMs.push((JSON.parse(nw.stdout.trim().split('\n').pop() as string) as { ms: number }).ms);
    }
    const chunkerThroughput = audioS / (median(chunkerMs) / 1000);
    const decodeThroughput = audioS / (median(decodeMs) / 1000);
    const pipeThroughput = audioS / (median(pipeMs) / 1000);
    const value = round(chunkerThroughput / decodeThroughput);
    const fig: Figure = {
      value,
      unit: 'ratio of throughputs (audio-seconds per second)',
      target: `≥ ${TARGET}`,
      baseline: '`ffmpeg -i FILE -f null -` decoding the same file (median wall time of the repetitions)',
      met: meets(value, '>=', TARGET),
      input: input.path,
      audioSeconds: round(audioS, 1),
      repetitions: reps,
      chunkerAudioSecondsPerSecond: round(chunkerThroughput, 1),
      decodeAudioSecondsPerSecond: round(decodeThroughput, 1),
      chunkerMs: roundAll(chunkerMs),
      decodeMs: roundAll(decodeMs),
      measures:
        'chunker = streamChunks(file, 30–60 s) writing each chunk WAV to an FsObjectStore, timed inside a separate process (probe included, process start-up excluded)',
      context: {
        note: 'ffmpeg decoding to s16le on a pipe that Node reads and drops: the ceiling for any chunker that takes PCM over a pipe',
        decodeToPipeMs: roundAll(pipeMs),
        decodeToPipeAudioSecondsPerSecond: round(pipeThroughput, 1),
        decodeToPipeVsDecode: round(pipeThroughput / decodeThroughput),
        chunkerWithoutWritingMs: roundAll(noWriteMs),
        chunkerWithoutWritingVsDecode: round(audioS / (median(noWriteMs) / 1000) / decodeThroughput),
      },
      runs: driverRuns,
    };
    // Each pass takes tens of milliseconds (a 1 h file): many of them, so the medians hold still.
    const scan = await mp3Scan(input.abs, input.path, 9);
    return { chunkerVsDecode: fig, mp3ScanVsRead: scan };
  },
};
