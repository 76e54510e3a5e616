import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loopedMp3 } from './lib/inputs';
import { run, runTs, track } from './lib/proc';
import { median, round, roundAll } from './lib/timing';
import { meets, type Benchmark, type Figure } from './lib/types';

const TARGET = 0.7;

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
  keys: ['chunkerVsDecode'],
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
    return { chunkerVsDecode: fig };
  },
};
