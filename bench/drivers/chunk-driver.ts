/**
 * Bench driver, run as its own process so its memory can be measured alone:
 * `tsx bench/drivers/chunk-driver.ts <audio> <outDir|-> [minMs maxMs]`.
 * Does what the chunker service does with the audio (one streamChunks pass, each chunk written
 * to a filesystem object store under the platform's key layout) and prints one JSON line:
 * chunks, audio length, wall time, and this process's peak resident memory (VmHWM).
 */
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { streamChunks } from '@speech/audio';
import { FsObjectStore } from '@speech/storage';

function statusKb(field: string): number | null {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : null;
}

async function main(): Promise<void> {
  const [input, outDir, minMs = '30000', maxMs = '60000'] = process.argv.slice(2);
  if (!input || !outDir) throw new Error('usage: chunk-driver <audio> <outDir> [minMs maxMs]');
  // outDir '-': chunks are dropped instead of written (separates the cutting from the writing).
  const store = outDir === '-' ? null : new FsObjectStore(outDir);
  const rssAtStartKb = statusKb('VmRSS');
  const t0 = performance.now();
  let chunks = 0;
  let endMs = 0;
  let wavBytes = 0;
  const channels = new Set<number>();
  for await (const c of streamChunks(input, { minMs: Number(minMs), maxMs: Number(maxMs) })) {
    await store?.putBuffer(`audio/bench/chunks/${c.channel}-${String(c.index).padStart(6, '0')}.wav`, c.wav);
    chunks++;
    channels.add(c.channel);
    wavBytes += c.wav.length;
    endMs = Math.max(endMs, c.endMs);
  }
  const ms = performance.now() - t0;
  process.stdout.write(
    `${JSON.stringify({ chunks, channels: channels.size, audioMs: endMs, wavBytes, ms, rssAtStartKb, vmHwmKb: statusKb('VmHWM'), heapUsedMb: process.memoryUsage().heapUsed / 1e6 })}\n`,
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
