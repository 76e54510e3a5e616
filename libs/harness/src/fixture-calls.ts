import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { FIXTURES } from './platform-process';

/** The encoding of every call the tests build from the fixtures: 16 kHz stereo MP3 at 64 kbit/s. */
export const CALL_ENCODING = ['-ar', '16000', '-ac', '2', '-codec:a', 'libmp3lame', '-b:a', '64k'];

/** Writes `out`: the named fixture calls (`sales-discovery`, …) back to back, as one stereo call. */
export function joinFixtureCalls(names: readonly string[], out: string): void {
  execFileSync('ffmpeg', [
    '-loglevel', 'error', '-y',
    ...names.flatMap((name) => ['-i', join(FIXTURES, `${name}.stereo.mp3`)]),
    '-filter_complex', `concat=n=${names.length}:v=0:a=1`,
    ...CALL_ENCODING,
    out,
  ]); // prettier-ignore
}
