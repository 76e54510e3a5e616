// @ts-check
import { handledText, objectionMeta, typeOptions } from '../public/js/objections/objections-view.js';

describe('objection library picker', () => {
  it('puts the types with objections first, most first, labelled with their counts', () => {
    const options = typeOptions([
      { type: 'price', count: 2 },
      { type: 'budget', count: 0 },
      { type: 'timing', count: 5 },
      { type: 'trust', count: 2 },
    ]);
    expect(options.map((o) => o.label)).toEqual(['timing (5)', 'price (2)', 'trust (2)', 'budget (0)']);
    expect(options.map((o) => o.disabled)).toEqual([false, false, false, true]);
  });
});

describe('objection lines', () => {
  const o = {
    audioId: 'a1',
    analysisId: 'an1',
    title: 'Renewal call',
    filename: 'renewal.mp3',
    recordedAt: Date.UTC(2026, 0, 2, 10, 0),
    type: 'price',
    quote: 'the price is too high',
    speaker: 'customer',
    startMs: 83_000,
    endMs: 85_000,
    handled: true,
    audioUrl: '/audios/a1/audio#t=83.000,85.000',
  };

  it('says the recording, the time in it, who said it and whether it was answered', () => {
    const meta = objectionMeta(o);
    expect(meta.startsWith('Renewal call · ')).toBe(true);
    expect(meta).toContain(' · at 01:23 · customer · answered');
    expect(objectionMeta({ ...o, handled: null }).endsWith('customer')).toBe(true);
  });

  it('words the handling', () => {
    expect([handledText(true), handledText(false), handledText(null)]).toEqual(['answered', 'not answered', '']);
  });
});
