import { mkdirSync, readdirSync, createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { S3ObjectStore } from '@speech/storage';
import { processCpuS, processesCpuS } from './cpu';
import { enginePool, platformEngineArgs } from './engine';
import { streamUpload, waitForStatus, type Api, type Timeline } from './platform';
import { now, round, roundAll } from './timing';
import { bareWhisper, whisperPython } from './whisper';

export interface PipelineRun {
  audioId: string;
  /** upload start → status `transcribed` seen. */
  platformMs: number;
  /** upload start → 201. */
  uploadMs: number;
  /** ms after upload start when each status was first seen (polled every 100 ms). */
  statusFirstSeenMs: Record<string, number>;
  chunkCount: number;
  /** CPU seconds the platform's processes used meanwhile (with their reaped children: pocketsphinx, ffmpeg), when their pids are known. Not the stack's servers. */
  platformCpuS: number | null;
}

/**
 * Upload (autoTranscribe) → transcribed, through the public API. Bounded wait; the duration is
 * measured, never asserted.
 */
export async function uploadToTranscribed(
  api: Api,
  token: string,
  file: string,
  timeoutMs: number,
  platformPids: readonly number[] = [],
): Promise<PipelineRun> {
  const cpu0 = platformPids.length ? processesCpuS(platformPids) : null;
  const t0 = now();
  const up = await streamUpload(api.url, token, file, { autoTranscribe: 'true' }, 'audio/mpeg');
  if (up.status !== 201) throw new Error(`POST /upload → ${up.status} ${up.body.slice(0, 300)}`);
  const { audioId } = JSON.parse(up.body) as { audioId: string };
  const tl: Timeline = await waitForStatus(api, audioId, 'transcribed', t0, timeoutMs);
  const platformMs = tl.firstSeen.transcribed ?? now() - t0;
  const cpu1 = platformPids.length ? processesCpuS(platformPids) : null;
  return {
    audioId,
    platformMs: round(platformMs, 1),
    uploadMs: round(up.ms, 1),
    statusFirstSeenMs: Object.fromEntries(Object.entries(tl.firstSeen).map(([k, v]) => [k, round(v ?? 0, 1)])),
    chunkCount: tl.last.chunkCount ?? 0,
    platformCpuS: cpu0 !== null && cpu1 !== null ? round(cpu1 - cpu0, 2) : null,
  };
}

/** The chunk WAVs the single process wrote: DATA_DIR/objects/audio/<id>/chunks/*.wav. */
export function localChunks(dataDir: string, audioId: string): string[] {
  const dir = join(dataDir, 'objects/audio', audioId, 'chunks');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.wav'))
    .sort()
    .map((f) => join(dir, f));
}

/** The chunk WAVs the distributed chunker wrote to S3, downloaded to `into`. */
export async function s3Chunks(
  env: Record<string, string>,
  bucket: string,
  audioId: string,
  chunkCount: number,
  into: string,
): Promise<string[]> {
  const store = new S3ObjectStore({
    bucket,
    region: env.AWS_REGION ?? 'us-east-1',
    endpoint: env.S3_ENDPOINT,
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
  });
  mkdirSync(into, { recursive: true });
  const files: string[] = [];
  for (const channel of [0, 1]) {
    for (let i = 0; ; i++) {
      const key = `audio/${audioId}/chunks/${channel}-${String(i).padStart(6, '0')}.wav`;
      if (!(await store.head(key))) break;
      const file = join(into, `${channel}-${String(i).padStart(6, '0')}.wav`);
      await pipeline(await store.get(key), createWriteStream(file));
      files.push(file);
    }
  }
  store.client.destroy();
  if (files.length !== chunkCount) throw new Error(`found ${files.length} chunk objects in S3, expected ${chunkCount}`);
  return files;
}

/** The bare-engine baseline on the same chunk files, same parallelism. */
export async function engineBaseline(
  chunks: string[],
  concurrency: number,
  workDir: string,
): Promise<{
  engineMs: number;
  perChunkMs: number[];
  perChunkSumMs: number;
  engineCpuS: number | null;
  engineCommand: string;
}> {
  const { args, recorded } = await platformEngineArgs(workDir);
  // One throw-away decode so the model files are in the page cache, as they are for the platform.
  if (chunks[0]) await enginePool([chunks[0]], 1, args);
  const cpu0 = processCpuS('self');
  const { ms, perFileMs } = await enginePool(chunks, concurrency, args);
  const cpu1 = processCpuS('self');
  return {
    engineMs: round(ms, 1),
    perChunkMs: roundAll(perFileMs),
    perChunkSumMs: round(
      perFileMs.reduce((s, x) => s + x, 0),
      1,
    ),
    // This process and its reaped children (the engines): the pool's own CPU time, whatever else runs on the machine.
    engineCpuS: cpu0 !== null && cpu1 !== null ? round(cpu1 - cpu0, 2) : null,
    engineCommand: `pocketsphinx_continuous ${recorded.join(' ')}`,
  };
}

/**
 * The bare-engine baseline for Whisper: faster-whisper in one process over the same chunk files,
 * one at a time on one thread (what the supervised engine does with WHISPER_CONCURRENCY 1 and
 * WHISPER_THREADS 1), the model loaded once and its load not counted.
 */
export async function whisperBaseline(chunks: string[]): Promise<{
  engineMs: number;
  perChunkMs: number[];
  perChunkSumMs: number;
  engineCpuS: number | null;
  engineCommand: string;
  cpuPerAudioS: number;
  enginePeakRssMb: number;
}> {
  const r = await bareWhisper(whisperPython(), 'tiny.en', chunks, 1);
  return {
    engineMs: round(r.ms, 1),
    perChunkMs: roundAll(r.files.map((f) => f.ms)),
    perChunkSumMs: round(
      r.files.reduce((s, f) => s + f.ms, 0),
      1,
    ),
    engineCpuS: round(r.cpuS, 2),
    engineCommand: 'python bench/drivers/bare-whisper.py <venv>/models/tiny.en 1 <chunk.wav>…',
    cpuPerAudioS: round(r.cpuS / r.audioS, 3),
    enginePeakRssMb: round(r.peakRssMb, 1),
  };
}
