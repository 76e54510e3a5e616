/**
 * Bench driver for the merger's memory, run as its own process:
 *   `tsx bench/drivers/merge-driver.ts gen <dir> <seconds>`  writes the chunk transcripts of a
 *      stereo call of that length (what stt-workers would have stored) and a manifest;
 *   `tsx bench/drivers/merge-driver.ts merge <dir>`  runs the real merger service (createMerger
 *      over an in-memory document store and the filesystem object store) on them: every
 *      chunk.transcribed event, then audio.chunked, which triggers the merge and writes
 *      transcript.json/.txt. Prints one JSON line with times and VmHWM (whole run, and the merge
 *      phase alone: the high-water mark is reset through /proc/self/clear_refs before merging).
 */
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { ChunkTranscript, Word } from '@speech/contracts';
import { createMerger } from '@speech/merger';
import type { EventBus } from '@speech/messaging';
import { SqliteDocumentStore } from '@speech/persistence';
import { silentLogger } from '@speech/platform';
import { FsObjectStore } from '@speech/storage';
import { anEvent } from '@speech/testing';

const AUDIO_ID = 'bench-merge';
const CHUNK_MS = 45_000;
const TURN_MS = 10_000;
const WORD_EVERY_MS = 400;
const VOCAB = [
  'we',
  'lost',
  'two',
  'days',
  'of',
  'work',
  'backup',
  'plan',
  'price',
  'restore',
  'support',
  'security',
  'team',
  'next',
  'week',
  'thanks',
];

interface ManifestChunk {
  chunkId: string;
  channel: number;
  index: number;
  startMs: number;
  endMs: number;
  transcriptKey: string;
  wordCount: number;
}

function statusKb(field: string): number | null {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : null;
}

function gen(dir: string, seconds: number): void {
  const store = join(dir, 'objects');
  const totalMs = seconds * 1000;
  const chunks: ManifestChunk[] = [];
  let words = 0;
  for (const channel of [0, 1]) {
    for (let index = 0, startMs = 0; startMs < totalMs; index++, startMs += CHUNK_MS) {
      const endMs = Math.min(totalMs, startMs + CHUNK_MS);
      const list: Word[] = [];
      // Turns alternate: agent (0) speaks in even 10 s windows, customer (1) in odd ones.
      for (let t = startMs; t + 300 <= endMs; t += WORD_EVERY_MS) {
        if (Math.floor(t / TURN_MS) % 2 !== channel) continue;
        list.push({
          text: VOCAB[(t / WORD_EVERY_MS) % VOCAB.length] as string,
          startMs: t - startMs,
          endMs: t - startMs + 300,
          confidence: 0.9,
        });
      }
      const chunkId = `${AUDIO_ID}-c${channel}-${String(index).padStart(6, '0')}`;
      const transcriptKey = `audio/${AUDIO_ID}/stt/${chunkId}.json`;
      const t: ChunkTranscript = {
        audioId: AUDIO_ID,
        chunkId,
        index,
        channel,
        speaker: channel === 0 ? 'agent' : 'customer',
        offsetMs: startMs,
        durationMs: endMs - startMs,
        engine: 'pocketsphinx',
        language: 'en-US',
        words: list,
      };
      const file = join(store, transcriptKey);
      mkdirSync(join(file, '..'), { recursive: true });
      writeFileSync(file, JSON.stringify(t));
      chunks.push({ chunkId, channel, index, startMs, endMs, transcriptKey, wordCount: list.length });
      words += list.length;
    }
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ durationMs: totalMs, chunks }));
  process.stdout.write(`${JSON.stringify({ chunks: chunks.length, words })}\n`);
}

async function merge(dir: string): Promise<void> {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
    durationMs: number;
    chunks: ManifestChunk[];
  };
  const rssAtStartKb = statusKb('VmRSS');
  const published: string[] = [];
  // The merger only publishes here (its handlers are called directly); a recording stub bus.
  const stub: Pick<EventBus, 'publish' | 'subscribe' | 'start' | 'stop'> = {
    publish: async (e) => void published.push(e.type),
    subscribe: () => undefined,
    start: async () => undefined,
    stop: async () => undefined,
  };
  const bus = stub as unknown as EventBus;
  const docs = SqliteDocumentStore.inMemory();
  const merger = await createMerger({ bus, store: new FsObjectStore(join(dir, 'objects')), docs, log: silentLogger() });
  const t0 = performance.now();
  for (const c of manifest.chunks) {
    await merger.onChunkTranscribed(
      anEvent('chunk.transcribed', AUDIO_ID, {
        chunkId: c.chunkId,
        index: c.index,
        channel: c.channel,
        speaker: c.channel === 0 ? 'agent' : 'customer',
        startMs: c.startMs,
        endMs: c.endMs,
        transcriptKey: c.transcriptKey,
        wordCount: c.wordCount,
        engine: 'pocketsphinx',
      }),
    );
  }
  const feedMs = performance.now() - t0;
  const feedHwmKb = statusKb('VmHWM');
  let hwmReset = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM to the current RSS
  } catch {
    hwmReset = false;
  }
  const t1 = performance.now();
  await merger.onChunked(
    anEvent('audio.chunked', AUDIO_ID, {
      chunkCount: manifest.chunks.length,
      durationMs: manifest.durationMs,
      channels: 2,
    }),
  );
  const mergeMs = performance.now() - t1;
  if (!published.includes('transcript.completed'))
    throw new Error(`the merger did not complete: published ${published.join(', ')}`);
  const mergeHwmKb = statusKb('VmHWM');
  const transcriptBytes = statSync(join(dir, 'objects', `audio/${AUDIO_ID}/transcript.json`)).size;
  await docs.close();
  process.stdout.write(
    `${JSON.stringify({ chunks: manifest.chunks.length, feedMs, mergeMs, rssAtStartKb, feedHwmKb, mergeHwmKb, hwmReset, vmHwmKb: Math.max(feedHwmKb ?? 0, mergeHwmKb ?? 0), transcriptBytes })}\n`,
  );
}

async function main(): Promise<void> {
  const [mode, dir, seconds] = process.argv.slice(2);
  if (mode === 'gen' && dir && seconds) return gen(dir, Number(seconds));
  if (mode === 'merge' && dir) return merge(dir);
  throw new Error('usage: merge-driver gen <dir> <seconds> | merge <dir>');
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
