/**
 * A real speech chunk for live smoke tests: the first seconds of the agent channel of a sample
 * call, as a 16 kHz mono WAV (what the chunker produces). Null when ffmpeg is not installed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function sampleSpeechWav(seconds = 12): string | null {
  if (spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0) return null;
  const out = join(mkdtempSync(join(tmpdir(), 'stt-live-')), 'agent.wav');
  const src = join(__dirname, '../../../../test/fixtures/sales-discovery.stereo.mp3');
  const r = spawnSync('ffmpeg', [
    '-v',
    'error',
    '-y',
    '-i',
    src,
    '-t',
    String(seconds),
    '-af',
    'pan=mono|c0=c0',
    '-ar',
    '16000',
    '-ac',
    '1',
    '-c:a',
    'pcm_s16le',
    out,
  ]);
  return r.status === 0 ? out : null;
}
