import { Kafka, logLevel } from 'kafkajs';
import { processesCpuS } from './lib/cpu';
import { loopedMp3 } from './lib/inputs';
import { startPlatform, streamUpload, waitForStatus, type Api } from './lib/platform';
import { startBenchServices } from './lib/stack';
import { now, round, sleep } from './lib/timing';
import { errorText, meets, type Benchmark, type Figure } from './lib/types';

/** Our own target (the issue sets none): two workers at least 1.6× one (80 % efficiency). */
const TARGET = 1.6;

/** Upload, wait until chunked, then time POST /transcribe → transcribed (the STT stage alone). */
async function transcribeStage(
  api: Api,
  file: string,
  pids: readonly number[] = [],
): Promise<{
  ms: number;
  chunkCount: number;
  uploadToReadyMs: number;
  cpuS: number | null;
  parallelism: number | null;
}> {
  const t0 = now();
  const up = await streamUpload(api.url, api.token, file, {}, 'audio/mpeg');
  if (up.status !== 201) throw new Error(`POST /upload → ${up.status} ${up.body.slice(0, 300)}`);
  const { audioId } = JSON.parse(up.body) as { audioId: string };
  await waitForStatus(api, audioId, 'ready', t0, 600_000);
  const uploadToReadyMs = now() - t0;
  const cpu0 = pids.length ? processesCpuS(pids) : null;
  const t1 = now();
  const res = await api.post(`/transcribe/${audioId}`);
  if (res.status !== 202) throw new Error(`POST /transcribe → ${res.status} ${await res.text()}`);
  const tl = await waitForStatus(api, audioId, 'transcribed', t1, 1_800_000);
  const cpu1 = pids.length ? processesCpuS(pids) : null;
  const ms = tl.firstSeen.transcribed ?? now() - t1;
  // CPU of the platform process and the engines it reaped: how many cores the stage really got.
  const cpuS = cpu0 !== null && cpu1 !== null ? round(cpu1 - cpu0, 2) : null;
  return {
    ms: round(ms, 1),
    chunkCount: tl.last.chunkCount ?? 0,
    uploadToReadyMs: round(uploadToReadyMs, 1),
    cpuS,
    parallelism: cpuS === null ? null : round(cpuS / (ms / 1000), 2),
  };
}

/** Waits until the stt work queue's consumer group is stable with `members` members. */
async function waitForGroup(
  brokers: string[],
  groupId: string,
  members: number,
  timeoutMs: number,
): Promise<{ members: number; state: string; waitedMs: number }> {
  const kafka = new Kafka({ clientId: 'bench-scaling', brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  const t0 = now();
  try {
    for (;;) {
      const { groups } = await admin.describeGroups([groupId]);
      const g = groups[0];
      if (g && g.state === 'Stable' && g.members.length >= members)
        return { members: g.members.length, state: g.state, waitedMs: round(now() - t0, 0) };
      if (now() - t0 > timeoutMs)
        return { members: g?.members.length ?? 0, state: g?.state ?? 'unknown', waitedMs: round(now() - t0, 0) };
      await sleep(500);
    }
  } finally {
    await admin.disconnect();
  }
}

/**
 * sttScaling: the transcription stage with one stt-worker against two. Distributed (--stack):
 * one stt-worker process, then a second one joined to the same consumer group, each with
 * STT_CONCURRENCY=1. Single process: STT_CONCURRENCY=1 against 2 (the same pool inside one
 * process), measured always.
 */
export const scalingBench: Benchmark = {
  name: 'scaling',
  keys: ['sttScaling'],
  async run(ctx) {
    const seconds = ctx.opts.quick ? 180 : 900;
    const input = await loopedMp3(ctx, seconds);

    const single: Record<string, unknown> = {};
    for (const c of [1, 2]) {
      ctx.log(`  single process, STT_CONCURRENCY=${c}`);
      // The engine's own bound moves with the worker's: two chunks at once need two engine slots.
      const { platform, api } = await startPlatform(ctx, `scaling-${c}`, {
        STT_CONCURRENCY: String(c),
        WHISPER_CONCURRENCY: String(c),
      });
      try {
        single[`concurrency${c}`] = await transcribeStage(
          api,
          input.abs,
          platform.child?.pid ? [platform.child.pid] : [],
        );
      } finally {
        await platform.cleanup();
      }
    }
    const s1 = (single.concurrency1 as { ms: number }).ms;
    const s2 = (single.concurrency2 as { ms: number }).ms;
    const singleSpeedup = round(s1 / s2);

    let stack: Record<string, unknown> = { skipped: ctx.stackSkipReason };
    if (ctx.stack) {
      try {
        const svc = await startBenchServices(ctx, 'scale', { STT_CONCURRENCY: '1' });
        try {
          const brokers = (svc.env.KAFKA_BROKERS ?? '').split(',');
          const group1 = await waitForGroup(brokers, `${svc.names.topicPrefix}stt-worker-work`, 1, 60_000);
          ctx.log(`  distributed, one stt-worker (group: ${group1.members} member(s))`);
          const one = await transcribeStage(svc.api, input.abs, Object.values(svc.services.pids));
          const pid = await svc.addSttWorker();
          const group2 = await waitForGroup(brokers, `${svc.names.topicPrefix}stt-worker-work`, 2, 120_000);
          ctx.log(
            `  distributed, two stt-workers (group: ${group2.members} member(s), stable after ${group2.waitedMs} ms)`,
          );
          const two = await transcribeStage(svc.api, input.abs, [...Object.values(svc.services.pids), pid]);
          const speedup = round(one.ms / two.ms);
          stack = {
            value: speedup,
            met: meets(speedup, '>=', TARGET),
            oneWorker: { ...one, group: group1 },
            twoWorkers: { ...two, group: group2, secondWorkerPid: pid },
            sttConcurrencyPerWorker: 1,
          };
        } finally {
          await svc.stop();
        }
      } catch (err) {
        stack = { error: errorText(err) };
      }
    }

    const headline = typeof stack.value === 'number' ? (stack.value as number) : singleSpeedup;
    const fig: Figure = {
      value: headline,
      unit: 'speedup (time of the STT stage with one worker / with two)',
      target: `≥ ${TARGET} (ours: the issue sets none; 2 workers on ${2} cores)`,
      baseline: 'the same upload transcribed by one worker (POST /transcribe → transcribed)',
      met: meets(headline, '>=', TARGET),
      headlineFrom:
        typeof stack.value === 'number'
          ? 'distributed: 1 vs 2 stt-worker processes'
          : 'single process: STT_CONCURRENCY 1 vs 2 (run with --stack for separate stt-worker processes)',
      input: input.path,
      audioSeconds: input.durationS,
      single: { value: singleSpeedup, met: meets(singleSpeedup, '>=', TARGET), ...single },
      stack,
    };
    return { sttScaling: fig };
  },
};
