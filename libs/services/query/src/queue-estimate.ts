import type { QueuePlace } from '@speech/contracts';

/** A recording being transcribed, as the queue estimate sees it. */
export interface Queued {
  audioId: string;
  /** When its transcription was requested: its place in line. */
  requestedAt: number;
  /** Chunks without an outcome yet. */
  remaining: number;
}

/** Gaps between completions longer than this (and than 5 × the usual gap) are idle time, not work. */
const MIN_IDLE_GAP_MS = 60_000;

/**
 * The platform's measured time per chunk: the mean time between recent chunk completions (over
 * every recording and worker, so it is the whole platform's throughput), counted over the
 * latest busy stretch only: an idle hour between two calls is not taken for slowness.
 * Null until two completions are known.
 */
export function msPerChunk(completedAt: readonly number[]): number | null {
  const t = [...completedAt].sort((a, b) => a - b);
  if (t.length < 2) return null;
  const gaps = t.slice(1).map((x, i) => x - t[i]);
  const median = [...gaps].sort((a, b) => a - b)[Math.floor((gaps.length - 1) / 2)];
  const idle = Math.max(MIN_IDLE_GAP_MS, 5 * median);
  let from = 0;
  for (let i = 0; i < gaps.length; i++) if (gaps[i] > idle) from = i + 1;
  const run = t.slice(from);
  if (run.length < 2) return null;
  return (run[run.length - 1] - run[0]) / (run.length - 1);
}

/**
 * Where `audioId` stands: its position by request time among the recordings with chunks
 * waiting (1: the oldest), how many there are, and the time left. The workers take chunks
 * round-robin across recordings, so until this one is done every other recording gets as many
 * chunks as this one still needs, or all it has left if fewer: the time left is the platform's
 * time per chunk times Σ min(remaining of each, remaining of this one).
 */
export function queuePlace(audioId: string, queued: readonly Queued[], perChunkMs: number | null): QueuePlace | null {
  const waiting = queued.filter((q) => q.remaining > 0);
  const me = waiting.find((q) => q.audioId === audioId);
  if (!me) return null;
  const earlier = (q: Queued) =>
    q.requestedAt < me.requestedAt || (q.requestedAt === me.requestedAt && q.audioId < me.audioId);
  const chunksUntilDone = waiting.reduce((sum, q) => sum + Math.min(q.remaining, me.remaining), 0);
  return {
    position: 1 + waiting.filter(earlier).length,
    of: waiting.length,
    etaMs: perChunkMs === null ? null : Math.round(perChunkMs * chunksUntilDone),
  };
}
