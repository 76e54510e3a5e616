import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { loopedMp3 } from './lib/inputs';
import { localChunks, s3Chunks, uploadToTranscribed, whisperBaseline, type PipelineRun } from './lib/pipeline-run';
import { sampleTree } from './lib/rss';
import { startPlatform } from './lib/platform';
import { startBenchServices } from './lib/stack';
import { round } from './lib/timing';
import { errorText, meets, type BenchContext, type Benchmark, type Figure } from './lib/types';

const TARGET = 1.1;
/** The long call: 2 h, stereo. */
const RSS_CALL_S = 7200;

type RssRun = ReturnType<ReturnType<typeof sampleTree>['stop']> & { audioSeconds: number; platformMs: number };

/** The whole single process's peak RSS while a 2 h stereo call goes from upload to transcribed. */
async function rssOfLongCall(ctx: BenchContext, concurrency: number): Promise<RssRun | null> {
  const input = await loopedMp3(ctx, RSS_CALL_S);
  const audioSeconds = input.durationS ?? RSS_CALL_S;
  ctx.log(`  peak RSS: ${Math.round(audioSeconds)} s stereo through the single process (no baseline)`);
  const { platform, api } = await startPlatform(ctx, 'pipeline-rss', { STT_CONCURRENCY: String(concurrency) });
  try {
    const sampler = platform.child?.pid ? sampleTree(platform.child.pid, 200) : null;
    const run = await uploadToTranscribed(api, api.token, input.abs, Math.max(600_000, audioSeconds * 2 * 1000));
    return sampler ? { ...sampler.stop(), audioSeconds: round(audioSeconds, 1), platformMs: run.platformMs } : null;
  } finally {
    await platform.stop();
    await platform.cleanup();
  }
}
const BASELINE =
  'the bare engine: faster-whisper (tiny.en, the engine service’s decode options, 1 thread, model loaded once) in one process over the same chunk WAVs the platform cut: the platform’s engine also runs one transcription at a time (WHISPER_CONCURRENCY 1, WHISPER_THREADS 1)';

/**
 * CPU seconds, which other processes on a shared machine do not inflate as they do wall time:
 * the platform's processes (with the engines and ffmpeg they ran) against the bare engines; and
 * how many cores each actually got (CPU / wall).
 */
function cpuBlock(runRes: PipelineRun, base: { engineCpuS: number | null; engineMs: number }) {
  return {
    note: 'CPU seconds of the platform’s processes (and the engines and ffmpeg they ran; not the stack’s servers) against the bare engines; parallelism = CPU / wall, the cores each really got',
    platformCpuS: runRes.platformCpuS,
    engineCpuS: base.engineCpuS,
    cpuRatio: runRes.platformCpuS && base.engineCpuS ? round(runRes.platformCpuS / base.engineCpuS) : null,
    platformParallelism: runRes.platformCpuS ? round(runRes.platformCpuS / (runRes.platformMs / 1000), 2) : null,
    engineParallelism: base.engineCpuS ? round(base.engineCpuS / (base.engineMs / 1000), 2) : null,
  };
}

/**
 * pipelineOverhead: wall time upload → transcribed for N minutes of audio, divided by the bare
 * engine on the same chunk files with the same parallelism. Single process always; the
 * distributed services too with --stack.
 */
export const pipelineBench: Benchmark = {
  name: 'pipeline',
  keys: ['pipelineOverhead', 'platformPeakRssMb'],
  async run(ctx) {
    // The full run is the 2 h call (4 h of audio over both channels) for both figures.
    // A quick run times a 5 min call against the bare engine, and still measures the peak RSS
    // on a whole 2 h call (upload → transcribed, no baseline), since memory is what grows with length.
    const seconds = ctx.opts.quick ? 300 : RSS_CALL_S;
    const concurrency = 2;
    const input = await loopedMp3(ctx, seconds);
    const audioSeconds = input.durationS ?? seconds;
    const timeoutMs = Math.max(600_000, audioSeconds * 2 * 1000);

    ctx.log(`  single process: ${Math.round(audioSeconds)} s stereo, STT_CONCURRENCY=${concurrency}`);
    const { platform, api } = await startPlatform(ctx, 'pipeline', { STT_CONCURRENCY: String(concurrency) });
    let single: Record<string, unknown>;
    let rss: RssRun | null;
    try {
      // The whole single process: Node and the Whisper engine it supervises (and ffmpeg).
      const sampler = platform.child?.pid ? sampleTree(platform.child.pid, 200) : null;
      const runRes = await uploadToTranscribed(
        api,
        api.token,
        input.abs,
        timeoutMs,
        platform.child?.pid ? [platform.child.pid] : [],
      );
      rss = sampler ? { ...sampler.stop(), audioSeconds, platformMs: runRes.platformMs } : null;
      // The platform is idle now; stop it so the baseline has the machine to itself.
      await platform.stop();
      const chunks = localChunks(platform.dataDir, runRes.audioId);
      ctx.log(`  bare faster-whisper on the same ${chunks.length} chunk files`);
      const base = await whisperBaseline(chunks);
      single = {
        value: round(runRes.platformMs / base.engineMs),
        ...runRes,
        ...base,
        chunkFiles: chunks.length,
        cpu: cpuBlock(runRes, base),
      };
    } finally {
      await platform.cleanup();
    }

    let stack: Record<string, unknown> | null = null;
    if (ctx.stack) {
      try {
        ctx.log('  distributed: six services on the stack, one stt-worker');
        const svc = await startBenchServices(ctx, 'pipe', { STT_CONCURRENCY: String(concurrency) });
        try {
          const runRes = await uploadToTranscribed(
            svc.api,
            svc.api.token,
            input.abs,
            timeoutMs,
            Object.values(svc.services.pids),
          );
          await svc.services.stop();
          const dir = join(ctx.workDir, 'stack-chunks');
          const chunks = await s3Chunks(svc.env, svc.names.bucket, runRes.audioId, runRes.chunkCount, dir);
          ctx.log(`  bare engine on the same ${chunks.length} chunk files (downloaded from S3)`);
          const base = await whisperBaseline(chunks);
          rmSync(dir, { recursive: true, force: true });
          const value = round(runRes.platformMs / base.engineMs);
          stack = {
            value,
            met: meets(value, '<=', TARGET),
            ...runRes,
            ...base,
            sttWorkers: 1,
            cpu: cpuBlock(runRes, base),
          };
        } finally {
          await svc.stop();
        }
      } catch (err) {
        stack = { error: errorText(err) };
      }
    }

    const value = single.value as number;
    const fig: Figure = {
      value,
      unit: 'ratio (platform wall time / bare-engine wall time)',
      target: `≤ ${TARGET}`,
      baseline: BASELINE,
      met: meets(value, '<=', TARGET),
      input: input.path,
      audioSeconds: round(audioSeconds, 1),
      concurrency,
      platformMs: single.platformMs,
      engineMs: single.engineMs,
      measures:
        'upload start (POST /upload, autoTranscribe=true) → status `transcribed` first seen by polling GET /audios/:id every 100 ms',
      single,
      stack: stack ?? { skipped: ctx.stackSkipReason },
    };
    if (ctx.opts.quick) rss = await rssOfLongCall(ctx, concurrency);
    const peak = rss ? round(rss.peakTreeMb, 1) : null;
    const rssFig: Figure = {
      value: peak,
      unit: `MB, peak RSS of the whole single process (Node + the Whisper engine + ffmpeg, sampled every 200 ms) while a ${Math.round((rss?.audioSeconds ?? 0) / 60)} min stereo call was uploaded, cut and transcribed`,
      target: '≤ 1000 (ours: a laptop’s share)',
      baseline: 'absolute; per command in peakByCommandMb',
      met: meets(peak, '<=', 1000),
      ...(rss ?? {}),
    };
    return { pipelineOverhead: fig, platformPeakRssMb: rssFig };
  },
};
