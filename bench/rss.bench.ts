import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loopedMp3 } from './lib/inputs';
import { runTs } from './lib/proc';
import { sampleTree } from './lib/rss';
import { round } from './lib/timing';
import type { Benchmark, Figure } from './lib/types';

/** "Flat": the largest input's peak is at most this many times the smallest's. */
const FLAT = 1.25;

function label(s: number): string {
  return s % 3600 === 0 ? `${s / 3600}h` : `${s / 60}min`;
}

interface Measured {
  seconds: number;
  /** The Node process's own peak (VmHWM). */
  peakMb: number;
  /** Node + children (ffmpeg), largest sampled sum of VmRSS. */
  peakTreeMb: number;
  wallMs: number;
  detail: Record<string, unknown>;
}

/**
 * peakRssMb / rss: peak resident memory of the chunker and the merger, each in a process of its
 * own, at three lengths of audio; flat means the longest needs no more than the shortest.
 */
export const rssBench: Benchmark = {
  name: 'rss',
  keys: ['peakRssMb', 'rss'],
  async run(ctx) {
    const sizes = ctx.opts.quick ? [600, 3600, 7200] : [600, 7200, 72000];
    const chunker: Measured[] = [];
    const merger: Measured[] = [];
    for (const seconds of sizes) {
      const input = await loopedMp3(ctx, seconds);
      ctx.log(`  chunker on ${label(seconds)}`);
      const out = join(ctx.workDir, `rss-chunks-${seconds}`);
      let sampler: ReturnType<typeof sampleTree> | null = null;
      const r = await runTs('bench/drivers/chunk-driver.ts', [input.abs, out], {
        onSpawn: (pid) => (sampler = sampleTree(pid, 100)),
      });
      const tree = (sampler as ReturnType<typeof sampleTree> | null)?.stop();
      rmSync(out, { recursive: true, force: true });
      const d = JSON.parse(r.stdout.trim().split('\n').pop() as string) as {
        vmHwmKb: number;
        ms: number;
        chunks: number;
        rssAtStartKb: number;
      };
      chunker.push({
        seconds,
        peakMb: round(d.vmHwmKb / 1024, 1),
        peakTreeMb: round(tree?.peakTreeMb ?? NaN, 1),
        wallMs: round(d.ms, 1),
        detail: {
          chunks: d.chunks,
          rssAtStartMb: round(d.rssAtStartKb / 1024, 1),
          input: input.path,
          peakByCommandMb: tree?.peakByCommandMb,
        },
      });

      ctx.log(`  merger on ${label(seconds)} of chunk transcripts`);
      const dir = join(ctx.workDir, `rss-merge-${seconds}`);
      const g = await runTs('bench/drivers/merge-driver.ts', ['gen', dir, String(seconds)]);
      const gen = JSON.parse(g.stdout.trim().split('\n').pop() as string) as { chunks: number; words: number };
      let msampler: ReturnType<typeof sampleTree> | null = null;
      const m = await runTs('bench/drivers/merge-driver.ts', ['merge', dir], {
        onSpawn: (pid) => (msampler = sampleTree(pid, 100)),
      });
      const mtree = (msampler as ReturnType<typeof sampleTree> | null)?.stop();
      rmSync(dir, { recursive: true, force: true });
      const md = JSON.parse(m.stdout.trim().split('\n').pop() as string) as {
        vmHwmKb: number;
        mergeHwmKb: number;
        feedMs: number;
        mergeMs: number;
        rssAtStartKb: number;
        transcriptBytes: number;
      };
      merger.push({
        seconds,
        peakMb: round(md.vmHwmKb / 1024, 1),
        peakTreeMb: round(mtree?.peakTreeMb ?? NaN, 1),
        wallMs: round(md.feedMs + md.mergeMs, 1),
        detail: {
          chunks: gen.chunks,
          words: gen.words,
          mergePhasePeakMb: round(md.mergeHwmKb / 1024, 1),
          feedMs: round(md.feedMs, 1),
          mergeMs: round(md.mergeMs, 1),
          rssAtStartMb: round(md.rssAtStartKb / 1024, 1),
          transcriptBytes: md.transcriptBytes,
          peakByCommandMb: mtree?.peakByCommandMb,
        },
      });
    }

    const bySize = (list: Measured[], f: (m: Measured) => number) =>
      Object.fromEntries(list.map((m) => [label(m.seconds), f(m)]));
    const ratio = (list: Measured[]) => round((list.at(-1) as Measured).peakMb / (list[0] as Measured).peakMb);
    const chunkerRatio = ratio(chunker);
    const mergerRatio = ratio(merger);
    const worstRatio = Math.max(chunkerRatio, mergerRatio);
    const largest = label(sizes.at(-1) as number);
    const peakAtLargest = Math.max((chunker.at(-1) as Measured).peakMb, (merger.at(-1) as Measured).peakMb);
    const flatMet = worstRatio <= FLAT;
    const baseline = `the same process at the smallest input (${label(sizes[0] as number)}): flat = peak at ${largest} ≤ ${FLAT} × peak at ${label(sizes[0] as number)}`;
    const raw = {
      sizes: sizes.map(label),
      chunker: chunker.map((m) => ({
        size: label(m.seconds),
        peakMb: m.peakMb,
        peakWithFfmpegMb: m.peakTreeMb,
        wallMs: m.wallMs,
        ...m.detail,
      })),
      merger: merger.map((m) => ({
        size: label(m.seconds),
        peakMb: m.peakMb,
        peakTreeMb: m.peakTreeMb,
        wallMs: m.wallMs,
        ...m.detail,
      })),
      method:
        'each component alone in a Node process (tsx), peak = its VmHWM from /proc/self/status; peakWithFfmpegMb adds its children (ffmpeg, ffprobe; not tsx’s esbuild service), sampled every 100 ms; peakByCommandMb breaks the sampled tree down by command. Merger inputs are synthetic chunk transcripts (45 s chunks, 2.5 words/s per speaker, alternating 10 s turns) run through the real createMerger.',
    };
    const peakRssMb: Figure = {
      value: peakAtLargest,
      unit: `MB (largest peak of chunker and merger at ${largest})`,
      target: `flat (≤ ${FLAT}× from ${label(sizes[0] as number)} to ${largest})`,
      baseline,
      met: flatMet,
      chunker: bySize(chunker, (m) => m.peakMb),
      merger: bySize(merger, (m) => m.peakMb),
      chunkerWithFfmpeg: bySize(chunker, (m) => m.peakTreeMb),
    };
    const rss: Figure = {
      value: worstRatio,
      unit: `ratio (peak at ${largest} / peak at ${label(sizes[0] as number)}, worse of chunker and merger)`,
      target: `≤ ${FLAT} (flat)`,
      baseline,
      met: flatMet,
      chunkerRatio,
      mergerRatio,
      ...raw,
    };
    return { peakRssMb, rss };
  },
};
