import type { ChunkTranscript, Segment } from '@speech/contracts';
import { mergeTranscript } from './merge-transcript';

function aChunk(speaker: string, channel: number, offsetMs: number, words: [string, number][]): ChunkTranscript {
  return {
    audioId: 'a',
    chunkId: `${channel}-${offsetMs}`,
    index: 0,
    channel,
    speaker,
    offsetMs,
    durationMs: 60_000,
    engine: 'test',
    language: 'en-US',
    words: words.map(([text, at]) => ({ text, startMs: at, endMs: at + 300, confidence: 1 })),
  };
}

async function* from<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function collect(it: AsyncIterable<Segment>): Promise<Segment[]> {
  const out: Segment[] = [];
  for await (const s of it) out.push(s);
  return out;
}

describe('mergeTranscript', () => {
  it('makes times absolute, orders by time across channels and groups speaker turns', async () => {
    const agent = [
      aChunk('agent', 0, 0, [
        ['hello', 0],
        ['there', 400],
      ]),
      aChunk('agent', 0, 40_000, [['bye', 1_000]]),
    ];
    const customer = [
      aChunk('customer', 1, 0, [
        ['hi', 2_000],
        ['how', 2_400],
      ]),
      aChunk('customer', 1, 35_000, [['fine', 500]]),
    ];
    const segs = await collect(mergeTranscript([from(agent), from(customer)]));
    expect(segs.map((s) => [s.speaker, s.text, s.startMs])).toEqual([
      ['agent', 'hello there', 0],
      ['customer', 'hi how', 2_000],
      ['customer', 'fine', 35_500],
      ['agent', 'bye', 41_000],
    ]);
    expect(segs[3].words[0]).toEqual({ text: 'bye', startMs: 41_000, endMs: 41_300, confidence: 1 });
  });

  it('splits one speaker’s words into turns at long pauses', async () => {
    const segs = await collect(
      mergeTranscript([
        from([
          aChunk('speaker', 0, 0, [
            ['one', 0],
            ['two', 500],
            ['three', 9_000],
          ]),
        ]),
      ]),
    );
    expect(segs.map((s) => s.text)).toEqual(['one two', 'three']);
  });

  it('keeps a sentence whole when the other side talks over it, and orders the turns by their start', async () => {
    // The agent speaks for 3.2 s without a pause; the customer's "yeah" falls in the middle of it.
    const agent = aChunk('agent', 0, 0, [
      ['so', 0],
      ['our', 400],
      ['plan', 800],
      ['covers', 1_200],
      ['daily', 1_600],
      ['snapshots', 2_000],
      ['and', 2_400],
      ['restores', 2_800],
      // a new sentence after a breath, while the customer is still talking
      ['right', 4_000],
      ['okay', 4_400],
    ]);
    const customer = aChunk('customer', 1, 0, [
      ['yeah', 1_500],
      ['that', 3_300],
      ['sounds', 3_700],
      ['good', 4_100],
    ]);
    const segs = await collect(mergeTranscript([from([agent]), from([customer])]));
    expect(segs.map((s) => [s.speaker, s.text])).toEqual([
      ['agent', 'so our plan covers daily snapshots and restores'],
      ['customer', 'yeah that sounds good'],
      ['agent', 'right okay'],
    ]);
    // Word by word, "yeah" at 1.5 s cut the agent's sentence in two: the old order.
    expect(segs[0]?.words.map((w) => w.startMs)).toEqual([0, 400, 800, 1_200, 1_600, 2_000, 2_400, 2_800]);
  });

  it('yields nothing for silence', async () => {
    expect(await collect(mergeTranscript([from([aChunk('agent', 0, 0, [])])]))).toEqual([]);
  });
});
