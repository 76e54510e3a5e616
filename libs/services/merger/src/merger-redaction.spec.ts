import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChunkTranscript, EventOf, Transcript, Word } from '@speech/contracts';
import { silentLogger } from '@speech/platform';
import { FsObjectStore } from '@speech/storage';
import { anEvent, inMemoryPlatform } from '@speech/testing';
import { createMerger } from './merger';

/** Chunks of a stereo call: [chunk index, channel, text] with words 300 ms apart from `atMs`. */
const CHUNKS: Array<{ index: number; channel: number; atMs: number; text: string }> = [
  { index: 0, channel: 0, atMs: 0, text: 'Thanks for calling, this is Sam. Can I have your card number?' },
  // The customer's card number runs over the chunk boundary at 45 s.
  { index: 0, channel: 1, atMs: 40_000, text: 'Sure, my name is Dana Whitfield and the card is 4111 1111' },
  { index: 1, channel: 1, atMs: 45_100, text: '1111 1111. My email is dana dot whitfield at gmail dot com' },
  { index: 1, channel: 0, atMs: 52_000, text: 'And your phone number and social security number?' },
  {
    index: 2,
    channel: 1,
    atMs: 90_500,
    text: 'It is five five five, two one three, eight eight four nine and my social is 123-45-6789. I live at 42 Elm Street. My account number is 00481516.',
  },
];
const PLANTED = [
  /Dana/i,
  /Whitfield/i,
  /4111/,
  /\b1111\b/,
  /gmail/,
  /eight eight four nine/,
  /123-45-6789/,
  /Elm Street/,
  /00481516/,
  /\bSam\b/,
];

describe('merger with REDACT_PII', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'merger-redact-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function merge(redactPii: boolean) {
    const store = new FsObjectStore(dir);
    const { bus, docs } = inMemoryPlatform();
    const merger = await createMerger({ bus, store, docs, log: silentLogger() }, { redactPii });
    const completed: EventOf<'transcript.completed'>[] = [];
    bus.subscribe('probe', 'transcript.completed', async (e) => void completed.push(e));
    await bus.start();
    await merger.onChunked(
      anEvent('audio.chunked', 'a1', { chunkCount: CHUNKS.length, durationMs: 135_000, channels: 2 }),
    );
    for (const c of CHUNKS) {
      const offsetMs = c.index * 45_000;
      const words: Word[] = c.text.split(' ').map((text, i) => ({
        text,
        startMs: c.atMs - offsetMs + i * 300,
        endMs: c.atMs - offsetMs + i * 300 + 280,
        confidence: 0.9,
      }));
      const t: ChunkTranscript = {
        audioId: 'a1',
        chunkId: `c${c.channel}-${c.index}`,
        index: c.index,
        channel: c.channel,
        speaker: c.channel === 0 ? 'agent' : 'customer',
        offsetMs,
        durationMs: 45_000,
        engine: 'test',
        language: 'en-US',
        words,
      };
      const key = `audio/a1/chunks/${t.chunkId}.json`;
      await store.putBuffer(key, JSON.stringify(t));
      await merger.onChunkTranscribed(
        anEvent('chunk.transcribed', 'a1', {
          chunkId: t.chunkId,
          index: c.index,
          channel: c.channel,
          speaker: t.speaker,
          startMs: offsetMs,
          transcriptKey: key,
        }),
      );
    }
    await bus.stop();
    const json = (await store.getBuffer('audio/a1/transcript.json')).toString('utf8');
    const text = (await store.getBuffer('audio/a1/transcript.txt')).toString('utf8');
    return { completed, json, text, transcript: JSON.parse(json) as Transcript };
  }

  it('stores the transcript, JSON and text, without the planted PII, with the counts per kind', async () => {
    const { completed, json, text, transcript } = await merge(true);
    expect(completed).toHaveLength(1);
    for (const p of PLANTED) {
      expect({ planted: String(p), inJson: p.test(json), inText: p.test(text) }).toEqual({
        planted: String(p),
        inJson: false,
        inText: false,
      });
    }
    expect(transcript.redaction).toEqual({
      applied: true,
      counts: { card: 1, ssn: 1, account: 1, phone: 1, email: 1, name: 2, address: 1 },
    });
    // The card read over the chunk boundary: one placeholder spanning its four words' times.
    expect(text).toContain('customer: Sure, my name is [NAME] and the card is [CARD]. My email is [EMAIL]');
    const card = transcript.segments.flatMap((s) => s.words).find((w) => w.text.startsWith('[CARD]'));
    expect(card).toMatchObject({ text: '[CARD].', startMs: 40_000 + 10 * 300, endMs: 45_100 + 300 + 280 });
    expect(transcript.segments.flatMap((s) => s.words.map((w) => w.text))).toContain('[ADDRESS].');
    expect(completed[0]?.payload.wordCount).toBe(transcript.segments.reduce((n, s) => n + s.words.length, 0));
  });

  it('stores the words as recognised when the setting is off', async () => {
    const { json, transcript } = await merge(false);
    expect(json).toContain('4111');
    expect(transcript.redaction).toBeUndefined();
  });
});
