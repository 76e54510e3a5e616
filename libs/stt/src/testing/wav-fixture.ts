/** Test WAVs: 16 kHz mono 16-bit PCM, a quiet tone so the bytes are not all zero. */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pcmToWav } from '../wav';

export function tonePcm(ms: number, sampleRate = 16_000): Buffer {
  const n = Math.round((ms * sampleRate) / 1000);
  const pcm = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++)
    pcm.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate)), i * 2);
  return pcm;
}

export async function writeTestWav(
  ms: number,
  name = 'chunk.wav',
): Promise<{ path: string; wav: Buffer; pcm: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'stt-test-'));
  const pcm = tonePcm(ms);
  const wav = pcmToWav(pcm);
  const path = join(dir, name);
  await writeFile(path, wav);
  return { path, wav, pcm };
}
