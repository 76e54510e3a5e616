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

  it('yields nothing for silence', async () => {
    expect(await collect(mergeTranscript([from([aChunk('agent', 0, 0, [])])]))).toEqual([]);
  });
});
