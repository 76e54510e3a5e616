import { cepstralStats, utteranceSpans } from './voice-features';

/** A buzzy "voice": a pitch with harmonics shaped by one formant, plus a little noise. */
function aVoice(pitchHz: number, formantHz: number, seconds = 1, seed = 1): Float64Array {
  const out = new Float64Array(16_000 * seconds);
  let r = seed;
  for (let i = 0; i < out.length; i++) {
    let x = 0;
    for (let h = 1; h * pitchHz < 7_000; h++) {
      const f = h * pitchHz;
      x += Math.sin((2 * Math.PI * f * i) / 16_000) / (1 + ((f - formantHz) / 400) ** 2);
    }
    r = (r * 1_103_515_245 + 12_345) % 2 ** 31;
    out[i] = 0.1 * x + 0.001 * (r / 2 ** 31 - 0.5);
  }
  return out;
}

const dist = (a: number[], b: number[]) => Math.sqrt(a.reduce((s, x, i) => s + (x - (b[i] as number)) ** 2, 0));

describe('cepstralStats', () => {
  it('gives 24 numbers per stretch, close for one voice and far between two', () => {
    const low1 = cepstralStats(aVoice(110, 600, 1, 1));
    const low2 = cepstralStats(aVoice(112, 620, 1, 2));
    const high = cepstralStats(aVoice(210, 1_800, 1, 3));
    expect(low1).toHaveLength(24);
    expect(dist(low1, low2)).toBeLessThan(dist(low1, high) / 2);
  });

  it('has nothing to say about silence or a few frames', () => {
    expect(cepstralStats(new Float64Array(16_000))).toEqual([]);
    expect(cepstralStats(aVoice(110, 600).subarray(0, 800))).toEqual([]);
  });
});

describe('utteranceSpans', () => {
  it('joins words without a pause, splits at pauses and caps a stretch at 3 s', () => {
    const w = (startMs: number, endMs: number) => ({ startMs, endMs });
    expect(utteranceSpans([w(0, 300), w(350, 600), w(1_000, 1_200)])).toEqual([w(0, 600), w(1_000, 1_200)]);
    const long = Array.from({ length: 20 }, (_, i) => w(i * 400, i * 400 + 350));
    const spans = utteranceSpans(long);
    expect(spans.every((s) => s.endMs - s.startMs <= 3_000)).toBe(true);
    expect(spans.length).toBeGreaterThan(2);
  });
});
