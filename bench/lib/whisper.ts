import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { ROOT, run } from './proc';

export interface BareWhisperFile {
  wav: string;
  audioS: number;
  ms: number;
  cpuS: number;
  text: string;
}

export interface BareWhisperRun {
  loadMs: number;
  /** Wall time over all files, the model load excluded. */
  ms: number;
  cpuS: number;
  audioS: number;
  peakRssMb: number;
  files: BareWhisperFile[];
}

/** The venv's python that scripts/setup/whisper.sh installs (installing it when missing). */
export function whisperPython(): string {
  return execFileSync('bash', [join(ROOT, 'scripts/setup/whisper.sh'), '--print-python', '--quiet'], {
    encoding: 'utf8',
  }).trim();
}

/** The installed model folder of `model` (tiny.en or base), inside the venv. */
export function whisperModelDir(python: string, model: 'tiny.en' | 'base'): string {
  return join(dirname(dirname(python)), 'models', model);
}

/**
 * Bare faster-whisper (bench/drivers/bare-whisper.py): one process, the model loaded once, the
 * engine service's own decode options, the files one after the other on `threads` threads.
 */
export async function bareWhisper(
  python: string,
  model: 'tiny.en' | 'base',
  wavs: string[],
  threads = 1,
  hotwords?: string,
): Promise<BareWhisperRun> {
  const r = await run(python, [
    join(ROOT, 'bench/drivers/bare-whisper.py'),
    whisperModelDir(python, model),
    String(threads),
    ...(hotwords ? ['--hotwords', hotwords] : []),
    ...wavs,
  ]);
  return JSON.parse(r.stdout) as BareWhisperRun;
}
