import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pcmToWav } from '@speech/audio';
import { parsePocketsphinxOutput, PocketsphinxSpeechToText } from '@speech/stt';
import { toMono16k } from './inputs';
import { pool, run } from './proc';

export const ENGINE = 'pocketsphinx_continuous';

/**
 * The exact command line the platform's adapter gives pocketsphinx for a chunk, learnt by running
 * the adapter (configured as the platform configures it) against a stand-in binary that records
 * its arguments. So the baseline follows the adapter when its flags or model change.
 */
export async function platformEngineArgs(
  workDir: string,
): Promise<{ args: (wav: string) => string[]; recorded: string[] }> {
  mkdirSync(workDir, { recursive: true });
  const argsFile = join(workDir, 'engine-args');
  const spy = join(workDir, 'record-args.sh');
  writeFileSync(spy, `#!/bin/sh\nprintf '%s\\0' "$@" > '${argsFile}'\n`);
  chmodSync(spy, 0o755);
  const probeWav = join(workDir, 'probe.wav');
  writeFileSync(probeWav, pcmToWav(Buffer.alloc(32_000), 16_000, 1));
  // As apps/standalone and apps/stt-worker build it: the default model dir and a writable work dir.
  const adapter = new PocketsphinxSpeechToText({ binary: spy, workDir: join(workDir, 'stt') });
  await adapter.transcribe({ wavPath: probeWav });
  const recorded = readFileSync(argsFile, 'utf8').split('\0').slice(0, -1);
  const at = recorded.indexOf('-infile');
  if (at < 0) throw new Error(`the adapter's command line has no -infile: ${recorded.join(' ')}`);
  return {
    recorded: recorded.map((a) => (a === probeWav ? '<chunk.wav>' : a)),
    args: (wav) => recorded.map((a, i) => (i === at + 1 ? wav : a)),
  };
}

/**
 * The bare engine over many WAVs with a pool of `concurrency` processes (what STT_CONCURRENCY
 * does in the platform). Returns the pool's wall time and each file's own time.
 */
export async function enginePool(
  wavs: string[],
  concurrency: number,
  args: (wav: string) => string[],
): Promise<{ ms: number; perFileMs: number[] }> {
  const { results, ms } = await pool(wavs, concurrency, async (wav) => (await run(ENGINE, args(wav))).ms);
  return { ms, perFileMs: results };
}

/**
 * `pocketsphinx_continuous -infile X -logfn /dev/null` with the package's default model: the text
 * of every utterance, as a person would run the engine on a whole file.
 */
export async function engineText(wav: string): Promise<{ text: string; ms: number }> {
  const r = await run(ENGINE, ['-infile', wav, '-logfn', '/dev/null']);
  const text = r.stdout
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .join(' ');
  return { text, ms: r.ms };
}

/** The engine with the platform adapter's own arguments on a whole file (words parsed as the adapter does). */
export async function engineTextPlatformArgs(
  wav: string,
  args: (wav: string) => string[],
): Promise<{ text: string; ms: number }> {
  const r = await run(ENGINE, args(wav));
  return {
    text: parsePocketsphinxOutput(r.stdout)
      .map((w) => w.text)
      .join(' '),
    ms: r.ms,
  };
}

/** `ffmpeg … -ac 1 -ar 16000` (bitexact) of the whole file, or of one channel when `channel` is set. */
export function toMonoWav(input: string, out: string, channel?: number): Promise<void> {
  return toMono16k(input, out, { channel });
}
