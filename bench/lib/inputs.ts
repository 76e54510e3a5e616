import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ffmpeg, run, ROOT } from './proc';
import type { BenchContext, InputInfo } from './types';

export const FIXTURES = join(ROOT, 'test/fixtures');
export const FIXTURE_NAMES = ['sales-discovery', 'support-outage'] as const;

export type FixtureName = (typeof FIXTURE_NAMES)[number];

export function fixture(name: FixtureName): string {
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

/** `3600` → `1h`, `600` → `10min`, `90` → `90s`: the size in a cached input's name. */
export function label(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}min`;
  return `${seconds}s`;
}

const PCM_WAV = ['-c:a', 'pcm_s16le', '-fflags', '+bitexact', '-flags:a', '+bitexact'];

/**
 * `ffmpeg -i INPUT -ac 1 -ar 16000 ENCODE… OUT` without metadata: the whole file mixed down, or
 * one channel when `channel` is set. `encode` defaults to a bitexact 16-bit PCM WAV.
 */
export async function toMono16k(
  input: string,
  out: string,
  { channel, encode = PCM_WAV }: { channel?: number; encode?: string[] } = {},
): Promise<void> {
  const pan = channel === undefined ? ['-ac', '1'] : ['-af', `pan=mono|c0=c${channel}`];
  await ffmpeg(['-i', input, ...pan, '-ar', '16000', ...encode, '-map_metadata', '-1', out]);
}

/** A mono MP3 of a fixture (both sides mixed, 32 kb/s: the same bit rate per channel), made once in bench/.cache. */
export async function monoFixture(ctx: BenchContext, source: FixtureName = 'sales-discovery'): Promise<string> {
  const file = join(ctx.cacheDir, `${source}.mono.mp3`);
  if (existsSync(file)) return file;
  mkdirSync(ctx.cacheDir, { recursive: true });
  ctx.log(`  making ${relative(ROOT, file)} (a mono MP3 of the stereo fixture, encoded once)`);
  await toMono16k(fixture(source), `${file}.tmp.mp3`, { encode: ['-c:a', 'libmp3lame', '-b:a', '32k'] });
  renameSync(`${file}.tmp.mp3`, file);
  return file;
}

/** Where loopedMp3 caches its file. */
export function loopedPath(ctx: BenchContext, seconds: number, source: FixtureName, channels: 1 | 2): string {
  return join(ctx.cacheDir, `${source}${channels === 2 ? '' : '-mono'}-${label(seconds)}.mp3`);
}

/**
 * An MP3 of `seconds` made by looping a fixture without re-encoding
 * (`ffmpeg -stream_loop -1 -i X -t S -c copy`), cached in bench/.cache: the stereo fixture, or
 * with `channels` 1 its monoFixture.
 */
export async function loopedMp3(
  ctx: BenchContext,
  seconds: number,
  source: FixtureName = 'sales-discovery',
  channels: 1 | 2 = 2,
): Promise<InputInfo & { abs: string }> {
  mkdirSync(ctx.cacheDir, { recursive: true });
  const src = channels === 2 ? fixture(source) : await monoFixture(ctx, source);
  const file = loopedPath(ctx, seconds, source, channels);
  if (!existsSync(file)) {
    const of = channels === 2 ? source : 'the mono fixture';
    ctx.log(`  making ${relative(ROOT, file)} (${label(seconds)} of ${of}, looped, not re-encoded)`);
    const tmp = `${file}.tmp.mp3`;
    await ffmpeg(['-stream_loop', '-1', '-i', src, '-t', String(seconds), '-c', 'copy', '-map_metadata', '-1', tmp]);
    renameSync(tmp, file);
  }
  const { durationS, channels: probed } = await probeDurationS(file);
  const encoded =
    channels === 2
      ? ''
      : `ffmpeg -i ${relative(ROOT, fixture(source))} -ac 1 -ar 16000 -b:a 32k ${relative(ROOT, src)}; `;
  const made = `${encoded}ffmpeg -stream_loop -1 -i ${relative(ROOT, src)} -t ${seconds} -c copy`;
  const name = `${source}${channels === 2 ? '' : '-mono'}-${label(seconds)}`;
  return { ...register(ctx, name, file, { durationS, channels: probed ?? undefined, made }), abs: file };
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
    await ffmpeg([
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
