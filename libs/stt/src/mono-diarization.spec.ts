import type { ChunkTranscript } from '@speech/contracts';
import { agentCluster, chunkUtterances, fitTwoSpeakers, relabelChunk, UtteranceSample } from './mono-diarization';

/** A voice: features near `centre`, with a small deterministic wobble. */
const voice = (centre: number, i: number) => Array.from({ length: 4 }, (_, k) => centre + 0.1 * Math.sin(i * 7 + k));

function aMonoChunk(lines: [who: 'A' | 'B', text: string][]): ChunkTranscript {
  let at = 0;
  const words: ChunkTranscript['words'] = [];
  const spans: NonNullable<ChunkTranscript['voice']> = [];
  lines.forEach(([who, text], i) => {
    const start = at;
    for (const t of text.split(' ')) {
      words.push({ text: t, startMs: at, endMs: at + 300, confidence: 1 });
      at += 350;
    }
    spans.push({ startMs: start, endMs: at - 50, features: voice(who === 'A' ? 5 : -5, i) });
    at += 400;
  });
  return {
    audioId: 'a',
    chunkId: 'c',
    index: 0,
    channel: 0,
    speaker: 'speaker',
    offsetMs: 10_000,
    durationMs: at,
    engine: 'test',
    language: 'en',
    words,
    voice: spans,
  };
}

const call = aMonoChunk([
  ['B', 'Hi, this is Laura from Cedar Cloud.'],
  ['A', 'Thanks Laura.'],
  ['B', 'What made you look at backups?'],
  ['A', 'We lost two days of work.'],
  ['B', 'That sounds painful.'],
]);

describe('fitTwoSpeakers', () => {
  it('finds the two voices and names the one who introduces themselves the agent', () => {
    const model = fitTwoSpeakers(chunkUtterances(call));
    expect(model).not.toBeNull();
    const runs = relabelChunk(model!, call);
    expect(runs.map((r) => [r.speaker, r.words.map((w) => w.text).join(' ')])).toEqual([
      ['agent', 'Hi, this is Laura from Cedar Cloud.'],
      ['customer', 'Thanks Laura.'],
      ['agent', 'What made you look at backups?'],
      ['customer', 'We lost two days of work.'],
      ['agent', 'That sounds painful.'],
    ]);
    // Absolute times are kept: each run is the chunk's offset plus its words' own times.
    expect(runs.every((r) => r.offsetMs === 10_000 && r.voice === undefined)).toBe(true);
  });

  it('needs at least two voiced utterances', () => {
    expect(fitTwoSpeakers([])).toBeNull();
    expect(fitTwoSpeakers(chunkUtterances(aMonoChunk([['A', 'hello there']])))).toBeNull();
  });
});

describe('agentCluster', () => {
  it('takes the first greeting, else the first question, else the first to speak', () => {
    expect(
      agentCluster([
        { cluster: 0, startMs: 0, text: 'yes?' },
        { cluster: 1, startMs: 1, text: 'Good morning, this is Priya from Kestrel Labs' },
      ]),
    ).toBe(1);
    expect(
      agentCluster([
        { cluster: 0, startMs: 0, text: 'hello' },
        { cluster: 1, startMs: 1, text: 'what seems to be the problem?' },
      ]),
    ).toBe(1);
    expect(agentCluster([{ cluster: 1, startMs: 0, text: 'hello' }])).toBe(1);
  });
});

describe('UtteranceSample', () => {
  it('keeps an even, bounded sample of a long call', () => {
    const s = new UtteranceSample(100);
    for (let i = 0; i < 1_000; i++) s.add({ startMs: i, endMs: i + 1, features: [i], text: '' });
    expect(s.utterances.length).toBeLessThanOrEqual(100);
    expect(s.utterances.length).toBeGreaterThan(50);
    const starts = s.utterances.map((u) => u.startMs);
    expect(starts[0]).toBe(0);
    expect(starts[starts.length - 1]).toBeGreaterThan(800);
  });
});
