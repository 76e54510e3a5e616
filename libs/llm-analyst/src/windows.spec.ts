import { aTranscript } from '@speech/analysis/testing';
import { estimateTokens, renderLine, transcriptLines, windowsOf } from './windows';

describe('transcriptLines', () => {
  it('renders one timestamped line per utterance, split at pauses', () => {
    const t = aTranscript()
      .turn('agent', 'hello there // how are you', { atMs: 1000 })
      .turn('customer', 'fine thanks')
      .build();
    const lines = transcriptLines(t);
    expect(lines.map(renderLine)).toEqual([
      '[1000-1600] agent: hello there',
      '[2600-3500] agent: how are you',
      '[4000-4600] customer: fine thanks',
    ]);
    expect(lines.map((l) => [l.wordFrom, l.wordTo])).toEqual([
      [0, 2],
      [2, 5],
      [5, 7],
    ]);
  });

  it('cuts a long monologue into lines no longer than maxLineChars', () => {
    const t = aTranscript()
      .turn('agent', Array.from({ length: 200 }, (_, i) => `word${i}`).join(' '))
      .build();
    const lines = transcriptLines(t, 100);
    expect(lines.length).toBeGreaterThan(10);
    for (const l of lines) expect(l.text.length).toBeLessThanOrEqual(100);
    expect(lines.map((l) => l.text).join(' ')).toBe(t.segments[0]?.text);
  });
});

describe('windowsOf', () => {
  const t = aTranscript();
  for (let i = 0; i < 300; i++) t.turn(i % 2 ? 'customer' : 'agent', `turn ${i} says a few words about the plan`);
  const lines = transcriptLines(t.build());

  it('keeps every window under the budget and every line in exactly one window, in order', () => {
    const windows = windowsOf(lines, 500);
    for (const w of windows) expect(estimateTokens(w.text)).toBeLessThanOrEqual(500);
    expect(windows.flatMap((w) => w.lines)).toEqual(lines);
    expect(windows.map((w) => w.index)).toEqual(windows.map((_, i) => i));
    const total = lines.map(renderLine).join('\n').length;
    expect(windows.length).toBe(Math.ceil(total / 2000));
  });

  it('puts a short call in one window', () => {
    expect(windowsOf(lines.slice(0, 3), 8000)).toHaveLength(1);
    expect(windowsOf([], 8000)).toEqual([]);
  });
});
