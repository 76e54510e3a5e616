/**
 * Audio of a labelled call, built on demand with scripts/make-call.sh (Festival, or espeak-ng
 * for Spanish where Debian has no Festival voice) into a cache keyed by the dialogue and the
 * script, so a second run and an unchanged call cost nothing:
 *   ~/.cache/speech-coach/eval-audio/<sha256 of dialogue, script and voice>/
 * A build goes to a temporary folder first and is renamed into place, so an interrupted build
 * never leaves a half-made call in the cache. Generated audio is never committed.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { EvalCall } from './eval-set';
import type { LineSpan } from './reference-transcript';

const run = promisify(execFile);
const ROOT = join(__dirname, '../..');
const MAKE_CALL = join(ROOT, 'scripts/make-call.sh');

export function audioCacheRoot(): string {
  const base = process.env['XDG_CACHE_HOME'] || join(homedir(), '.cache');
  return join(base, 'speech-coach', 'eval-audio');
}

export interface CallAudio {
  dir: string;
  stereoMp3: string;
  /** Where each dialogue line is spoken in the audio. */
  spans: LineSpan[];
  /** True when this call reused the cache. */
  cached: boolean;
}

function audioKey(call: EvalCall, lang: string): string {
  const voice = lang === 'es' && existsSync('/usr/share/festival/voices/spanish/el_diphone') ? 'el_diphone' : 'default';
  return createHash('sha256')
    .update(call.dialogue)
    .update('\0')
    .update(readFileSync(MAKE_CALL))
    .update(`\0${lang}\0${voice}`)
    .digest('hex')
    .slice(0, 32);
}

function readSpans(file: string): LineSpan[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((row) => {
      const [line, start, end] = row.split('\t').map(Number);
      return { line: line ?? 0, startMs: Math.round((start ?? 0) * 1000), endMs: Math.round((end ?? 0) * 1000) };
    });
}

export async function callAudio(call: EvalCall): Promise<CallAudio> {
  const lang = call.truth.language === 'es' ? 'es' : 'en';
  const dir = join(audioCacheRoot(), audioKey(call, lang));
  const stereoMp3 = join(dir, 'call.stereo.mp3');
  const linesFile = join(dir, 'lines.tsv');
  if (existsSync(stereoMp3) && existsSync(linesFile)) {
    return { dir, stereoMp3, spans: readSpans(linesFile), cached: true };
  }
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    await run(
      'bash',
      [
        MAKE_CALL,
        '--lang',
        lang,
        '--lines',
        join(tmp, 'lines.tsv'),
        '--install-missing',
        call.dialoguePath,
        join(tmp, 'call'),
      ],
      { maxBuffer: 16 * 1024 * 1024 },
    );
    rmSync(join(tmp, 'call.stereo.wav'), { force: true });
    rmSync(join(tmp, 'call.mono.wav'), { force: true });
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`building the audio of ${call.half}/${call.id} failed: ${(err as Error).message}`, { cause: err });
  }
  return { dir, stereoMp3, spans: readSpans(linesFile), cached: false };
}
