import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { run, ROOT } from './proc';
import type { BenchContext, InputInfo } from './types';

export const FIXTURES = join(ROOT, 'test/fixtures');
export const FIXTURE_NAMES = ['sales-discovery', 'support-outage'] as const;

export function fixture(name: (typeof FIXTURE_NAMES)[number]): string {
  return join(FIXTURES, `${name}.stereo.mp3`);
}

export async function probeDurationS(file: string): Promise<{ durationS: number | null; channels: number | null }> {
  const r = await run('ffprobe', [
    '-v',
    'error',
    '-show_entries',
    'format=duration:stream=channels',
    '-of',
    'json',
    file,
  ]);
  const j = JSON.parse(r.stdout) as { format?: { duration?: string }; streams?: { channels?: number }[] };
  const d = Number(j.format?.duration);
  return { durationS: Number.isFinite(d) ? d : null, channels: j.streams?.[0]?.channels ?? null };
}

function register(ctx: BenchContext, name: string, file: string, info: Omit<InputInfo, 'path' | 'bytes'>): InputInfo {
  const entry: InputInfo = { path: relative(ROOT, file), bytes: statSync(file).size, ...info };
  ctx.inputs[name] = entry;
  return entry;
}

function label(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}min`;
  return `${seconds}s`;
}

/**
 * A stereo MP3 of `seconds` made by looping a fixture without re-encoding
 * (`ffmpeg -stream_loop -1 -i X -t S -c copy`), cached in bench/.cache.
 */
export async function loopedMp3(
  ctx: BenchContext,
  seconds: number,
  source: (typeof FIXTURE_NAMES)[number] = 'sales-discovery',
): Promise<InputInfo & { abs: string }> {
  mkdirSync(ctx.cacheDir, { recursive: true });
  const file = join(ctx.cacheDir, `${source}-${label(seconds)}.mp3`);
  if (!existsSync(file)) {
    ctx.log(`  making ${relative(ROOT, file)} (${label(seconds)} of ${source}, looped, not re-encoded)`);
    const tmp = `${file}.tmp.mp3`;
    await run('ffmpeg', [
      '-nostdin',
      '-y',
      '-v',
      'error',
      '-stream_loop',
      '-1',
      '-i',
      fixture(source),
      '-t',
      String(seconds),
      '-c',
      'copy',
      '-map_metadata',
      '-1',
      tmp,
    ]);
    renameSync(tmp, file);
  }
  const { durationS, channels } = await probeDurationS(file);
  const made = `ffmpeg -stream_loop -1 -i test/fixtures/${source}.stereo.mp3 -t ${seconds} -c copy`;
  return {
    ...register(ctx, `${source}-${label(seconds)}`, file, { durationS, channels: channels ?? undefined, made }),
    abs: file,
  };
}

/**
 * A 16 kHz stereo s16le WAV of about `megabytes` MB (64 000 bytes per second of audio), decoded
 * from the looped fixture: the upload benchmark's body. WAV, so the chunker's background work
 * after each upload is short.
 */
export async function wavOfSize(ctx: BenchContext, megabytes: number): Promise<InputInfo & { abs: string }> {
  mkdirSync(ctx.cacheDir, { recursive: true });
  const file = join(ctx.cacheDir, `upload-${megabytes}MB.wav`);
  const seconds = Math.round((megabytes * 1e6) / 64_000);
  if (!existsSync(file)) {
    ctx.log(`  making ${relative(ROOT, file)} (${seconds} s of 16 kHz stereo PCM)`);
    const tmp = `${file}.tmp.wav`;
    await run('ffmpeg', [
      '-nostdin',
      '-y',
      '-v',
      'error',
      '-stream_loop',
      '-1',
      '-i',
      fixture('sales-discovery'),
      '-t',
      String(seconds),
      '-ac',
      '2',
      '-ar',
      '16000',
      '-c:a',
      'pcm_s16le',
      '-map_metadata',
      '-1',
      '-fflags',
      '+bitexact',
      '-flags:a',
      '+bitexact',
      tmp,
    ]);
    renameSync(tmp, file);
  }
  return {
    ...register(ctx, `upload-${megabytes}MB.wav`, file, {
      durationS: seconds,
      channels: 2,
      made: `16 kHz stereo PCM WAV, ${seconds} s of looped sales-discovery`,
    }),
    abs: file,
  };
}
