import { Readable } from 'node:stream';
import { transcriptSegments } from './transcript-segments';

const transcript = {
  audioId: 'a"1{',
  durationMs: 9000,
  speakers: ['agent', 'customer'],
  segments: [
    { startMs: 0, endMs: 1000, speaker: 'agent', text: 'Hello {there} "quoted" \\ back', words: [{ w: '[x]' }] },
    { startMs: 1000, endMs: 2500, speaker: 'customer', text: 'Ünïcode ✓ and ] brackets', words: [] },
  ],
  text: 'agent: Hello\ncustomer: …',
  language: 'en',
};

async function all(body: Readable) {
  const out = [];
  for await (const s of transcriptSegments(body)) out.push(s);
  return out;
}

describe('transcriptSegments', () => {
  const expected = [
    { index: 0, speaker: 'agent', startMs: 0, endMs: 1000, text: 'Hello {there} "quoted" \\ back' },
    { index: 1, speaker: 'customer', startMs: 1000, endMs: 2500, text: 'Ünïcode ✓ and ] brackets' },
  ];

  it('reads the segments of a stored transcript, whatever its pieces', async () => {
    const bytes = Buffer.from(JSON.stringify(transcript));
    expect(await all(Readable.from([bytes]))).toEqual(expected);
    // One byte at a time: pieces split inside strings, escapes and multi-byte characters.
    const bytewise = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(await all(Readable.from(bytewise))).toEqual(expected);
  });

  it('stops reading at the end of the segments', async () => {
    let pulled = 0;
    async function* body() {
      yield Buffer.from(JSON.stringify({ audioId: 'a', segments: transcript.segments }).slice(0, -1));
      // The plain text after the segments: it never ends here, so reading it would never return.
      for (;;) {
        pulled++;
        yield Buffer.from(',"text":"' + 'x'.repeat(1024));
      }
    }
    expect(await all(Readable.from(body()))).toEqual(expected);
    expect(pulled).toBeLessThan(50); // what the stream reads ahead, not the text
  });

  it('finds no segments in a transcript without any', async () => {
    expect(await all(Readable.from([Buffer.from('{"audioId":"a","segments":[],"text":""}')]))).toEqual([]);
  });
});
