import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import type { Segment, Transcript } from '@speech/contracts';
import type { ObjectStore } from '@speech/storage';

export interface WrittenTranscript {
  wordCount: number;
  segmentCount: number;
}

/**
 * Streams segments into `<key>.json` ({ audioId, segments, text, … }) and `<key>.txt`
 * ("speaker: text" per line). The text goes through a temp file so neither document is
 * ever whole in memory.
 */
export async function writeTranscript(
  store: ObjectStore,
  keys: { json: string; text: string },
  head: { audioId: string; durationMs: number; speakers: string[] },
  segments: AsyncIterable<Segment>,
  describe: () => { language: string; engine: string; redaction?: Transcript['redaction'] },
): Promise<WrittenTranscript> {
  const dir = await mkdtemp(join(tmpdir(), 'merge-'));
  const txtPath = join(dir, 'transcript.txt');
  const stats = { wordCount: 0, segmentCount: 0 };
  try {
    async function* json(): AsyncGenerator<string> {
      const txt = createWriteStream(txtPath);
      yield `{"audioId":${JSON.stringify(head.audioId)},"durationMs":${head.durationMs},"speakers":${JSON.stringify(head.speakers)},"segments":[`;
      for await (const s of segments) {
        yield (stats.segmentCount ? ',' : '') + JSON.stringify(s);
        stats.segmentCount++;
        stats.wordCount += s.words.length;
        if (!txt.write(`${s.speaker}: ${s.text}\n`)) await once(txt, 'drain');
      }
      txt.end();
      await once(txt, 'finish');
      yield '],"text":"';
      for await (const line of createInterface({ input: createReadStream(txtPath), crlfDelay: Infinity })) {
        yield JSON.stringify(`${line}\n`).slice(1, -1);
      }
      const { language, engine, redaction } = describe();
      const tail = redaction ? `,"redaction":${JSON.stringify(redaction)}` : '';
      yield `","language":${JSON.stringify(language)},"engine":${JSON.stringify(engine)}${tail}}`;
    }
    await store.put(keys.json, Readable.from(json()), { contentType: 'application/json' });
    await store.put(keys.text, createReadStream(txtPath), { contentType: 'text/plain; charset=utf-8' });
    return stats;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
