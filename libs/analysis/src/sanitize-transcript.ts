import type { Transcript } from '@speech/contracts';

const isMs = (x: number): boolean => Number.isInteger(x) && x >= 0;
const ms = (x: number): number => (Number.isFinite(x) ? Math.max(0, Math.round(x)) : 0);

/**
 * Integer, non-negative, ordered word times. The contract promises them, but one bad word
 * from an engine should cost a slightly odd metric, not a failed analysis. Copies only
 * when something needs fixing; a clean transcript is returned as it is.
 */
export function sanitizeTranscript(t: Transcript): Transcript {
  const clean =
    isMs(t.durationMs) &&
    t.segments.every(
      (s) =>
        isMs(s.startMs) &&
        isMs(s.endMs) &&
        s.words.every((w) => isMs(w.startMs) && isMs(w.endMs) && w.endMs >= w.startMs),
    );
  if (clean) return t;
  return {
    ...t,
    durationMs: ms(t.durationMs),
    segments: t.segments.map((s) => ({
      ...s,
      startMs: ms(s.startMs),
      endMs: ms(s.endMs),
      words: s.words.map((w) => ({ ...w, startMs: ms(w.startMs), endMs: Math.max(ms(w.startMs), ms(w.endMs)) })),
    })),
  };
}
