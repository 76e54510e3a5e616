/**
 * Silence-aware chunk planning as a pure streaming state machine: feed it one energy value per
 * frame (dBFS of a 10 ms frame), it tells you where chunks end. No I/O, no clock, no PCM: the
 * caller keeps the samples and cuts them where the planner says.
 *
 * Rules
 * - A chunk is cut only when the pending window holds `maxMs` of frames, so the decision sees
 *   the whole range it may choose from. It is then cut inside [minMs, maxMs]:
 *   1. at the middle of the longest silence that overlaps that range (only its part inside the
 *      range counts; ties go to the quieter one). A silence is a run of ≥ `minSilenceMs` of frames
 *      below `max(floor + silenceAboveFloorDb, alwaysSilentDb)`. The floor is the level of the
 *      quietest `minSilenceMs` stretch of the window, so the threshold follows the recording's own
 *      background noise (a percentile would not do: a 1 s pause is under 2 % of a 60 s window, so
 *      even a low percentile lands on the quiet parts of speech);
 *   2. failing that, at the quietest point, judged on a ~110 ms moving average rather than a single
 *      10 ms frame: a lone quiet frame is often a stop consonant's closure inside a word, while a
 *      quiet stretch that long is almost always between words.
 * - End of stream: the remainder becomes the last chunk (it may be shorter than `minMs`). A
 *   remainder shorter than `tailMergeMs` (5 s) is merged into the chunk before it when the result
 *   stays ≤ `maxMergedMs` (maxMs + 10 s): a 2-second chunk costs a whole STT request and decodes
 *   badly (too little audio for the engine to settle), while a 65 s chunk is harmless.
 *   Making that possible means a chunk is released only once `tailMergeMs` of audio has followed
 *   it (or the stream has ended), so the caller holds at most maxMs + tailMergeMs of samples.
 */

export interface ChunkPlannerOptions {
  /** Duration of one energy frame. */
  frameMs?: number;
  minMs?: number;
  maxMs?: number;
  /** Shortest pause that counts as a silence; 300 ms is longer than any stop closure inside a word. */
  minSilenceMs?: number;
  /** A frame is silent when it is at most this far above the window's noise floor… */
  silenceAboveFloorDb?: number;
  /** …or quieter than this absolute level, whatever the floor (pure digital silence gives a floor of -100). */
  alwaysSilentDb?: number;
  /** A final remainder shorter than this is merged into the previous chunk (0 disables merging). */
  tailMergeMs?: number;
  /** …but only if the merged chunk stays this short. */
  maxMergedMs?: number;
  /** Width of the moving average used for the quietest-point fallback. */
  fallbackSmoothingMs?: number;
}

/** A decided chunk: frames [startFrame, endFrame), counted from the first frame ever pushed. */
export interface PlannedChunk {
  startFrame: number;
  endFrame: number;
  /** How the end was chosen: inside a silence, at the quietest point, or by the end of the stream. */
  cut: 'silence' | 'quietest' | 'end';
}

/** Energies are clamped here; digital silence would otherwise be -Infinity. */
export const MIN_DBFS = -100;

export const DEFAULT_PLANNER_OPTIONS: Readonly<Required<Omit<ChunkPlannerOptions, 'maxMergedMs'>>> = {
  frameMs: 10,
  minMs: 30_000,
  maxMs: 60_000,
  minSilenceMs: 300,
  silenceAboveFloorDb: 12,
  alwaysSilentDb: -60,
  tailMergeMs: 5_000,
  fallbackSmoothingMs: 110,
};

export class ChunkPlanner {
  private readonly o: Required<ChunkPlannerOptions>;
  private readonly minFrames: number;
  private readonly maxFrames: number;
  private readonly minSilenceFrames: number;
  private readonly tailMergeFrames: number;
  private readonly maxMergedFrames: number;
  /** Energies of the frames not yet assigned to a chunk; never more than maxFrames. */
  private readonly window: Float64Array;
  private windowStart = 0;
  private windowLen = 0;
  /** Decided, but kept back until tailMergeMs of audio follows it (it may absorb a short tail). */
  private held: PlannedChunk | null = null;
  private finished = false;

  constructor(options: ChunkPlannerOptions = {}) {
    const base = { ...DEFAULT_PLANNER_OPTIONS, ...stripUndefined(options) };
    this.o = { ...base, maxMergedMs: options.maxMergedMs ?? base.maxMs + 10_000 };
    const { frameMs, minMs, maxMs, tailMergeMs } = this.o;
    if (!(frameMs > 0)) throw new RangeError('frameMs must be > 0');
    if (!(minMs > 0 && maxMs >= minMs)) throw new RangeError(`need 0 < minMs <= maxMs, got ${minMs}, ${maxMs}`);
    // A chunk can only be held back while its successor is shorter than tailMergeMs; that successor
    // must be cut later than minMs, so a tail window of minMs or more would break the invariant.
    if (!(tailMergeMs >= 0 && tailMergeMs < minMs)) throw new RangeError('need 0 <= tailMergeMs < minMs');
    this.minFrames = Math.round(minMs / frameMs);
    this.maxFrames = Math.round(maxMs / frameMs);
    this.minSilenceFrames = Math.max(1, Math.round(this.o.minSilenceMs / frameMs));
    this.tailMergeFrames = Math.round(tailMergeMs / frameMs);
    this.maxMergedFrames = Math.round(this.o.maxMergedMs / frameMs);
    this.window = new Float64Array(this.maxFrames);
  }

  /** Upper bound on frames the caller must keep (held chunk + pending window). */
  get maxPendingFrames(): number {
    return this.maxFrames + this.tailMergeFrames;
  }

  /** Index of the next frame to be pushed (= frames pushed so far). */
  get framesPushed(): number {
    return this.windowStart + this.windowLen;
  }

  /** Adds one frame; returns the chunks that became final (usually none, at most two). */
  push(frameDb: number): PlannedChunk[] {
    if (this.finished) throw new Error('ChunkPlanner.push after finish');
    const out: PlannedChunk[] = [];
    this.window[this.windowLen++] = Number.isNaN(frameDb) ? MIN_DBFS : Math.max(MIN_DBFS, frameDb);
    if (this.held && this.windowLen >= this.tailMergeFrames) this.release(out);
    if (this.windowLen >= this.maxFrames) {
      const { frame, cut } = this.chooseCut();
      const chunk: PlannedChunk = { startFrame: this.windowStart, endFrame: this.windowStart + frame, cut };
      this.window.copyWithin(0, frame, this.windowLen);
      this.windowLen -= frame;
      this.windowStart += frame;
      if (this.held) this.release(out); // unreachable given tailMergeMs < minMs; kept so order can never break
      this.held = chunk;
      if (this.windowLen >= this.tailMergeFrames) this.release(out);
    }
    return out;
  }

  /** End of stream: returns the remaining chunks. The planner cannot be used afterwards. */
  finish(): PlannedChunk[] {
    if (this.finished) return [];
    this.finished = true;
    const out: PlannedChunk[] = [];
    const held = this.held;
    this.held = null;
    if (this.windowLen === 0) {
      if (held) out.push(held);
      return out;
    }
    const tail: PlannedChunk = {
      startFrame: this.windowStart,
      endFrame: this.windowStart + this.windowLen,
      cut: 'end',
    };
    if (held && tail.endFrame - held.startFrame <= this.maxMergedFrames) {
      out.push({ startFrame: held.startFrame, endFrame: tail.endFrame, cut: 'end' });
    } else {
      if (held) out.push(held);
      out.push(tail);
    }
    this.windowLen = 0;
    return out;
  }

  private release(out: PlannedChunk[]): void {
    if (this.held) out.push(this.held);
    this.held = null;
  }

  /** Returns the cut as a frame offset into the window, in [minFrames, windowLen]. */
  private chooseCut(): { frame: number; cut: 'silence' | 'quietest' } {
    const n = this.windowLen;
    const e = this.window;
    const lo = Math.min(this.minFrames, n);
    const threshold = Math.max(
      quietestStretch(e, n, this.minSilenceFrames) + this.o.silenceAboveFloorDb,
      this.o.alwaysSilentDb,
    );

    // Longest silent run (of at least minSilenceFrames) overlapping [lo, n); ties → lower mean energy.
    let bestLen = 0;
    let bestMean = Infinity;
    let bestCut = -1;
    let runStart = -1;
    for (let i = 0; i <= n; i++) {
      const silent = i < n && e[i] < threshold;
      if (silent && runStart < 0) runStart = i;
      if (!silent && runStart >= 0) {
        if (i - runStart >= this.minSilenceFrames) {
          const s = Math.max(runStart, lo);
          const len = i - s;
          if (len > 0) {
            const mean = meanOf(e, s, i);
            if (len > bestLen || (len === bestLen && mean < bestMean)) {
              bestLen = len;
              bestMean = mean;
              bestCut = s + Math.floor(len / 2);
            }
          }
        }
        runStart = -1;
      }
    }
    if (bestCut >= 0) return { frame: Math.max(bestCut, lo), cut: 'silence' };

    // No pause: quietest point by a centred moving average (O(n·w) with w ≈ 11 frames, once a chunk).
    const half = Math.max(0, Math.floor(Math.round(this.o.fallbackSmoothingMs / this.o.frameMs) / 2));
    let quietest = lo;
    let quietestMean = Infinity;
    for (let i = lo; i < n; i++) {
      const mean = meanOf(e, Math.max(0, i - half), Math.min(n, i + half + 1));
      if (mean < quietestMean) {
        quietestMean = mean;
        quietest = i;
      }
    }
    return { frame: lo >= n ? n : quietest, cut: 'quietest' };
  }
}

/** RMS level in dBFS of a frame of signed 16-bit samples, from their sum of squares (clamped to MIN_DBFS). */
export function frameDbfs(sumOfSquares: number, sampleCount: number): number {
  if (sampleCount <= 0 || sumOfSquares <= 0) return MIN_DBFS;
  const db = 10 * Math.log10(sumOfSquares / sampleCount / (32768 * 32768));
  return Math.max(MIN_DBFS, db);
}

function meanOf(a: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = from; i < to; i++) s += a[i];
  return s / Math.max(1, to - from);
}

/** Lowest mean over any `width` consecutive frames of a[0, n) (sliding sum, O(n)). */
function quietestStretch(a: Float64Array, n: number, width: number): number {
  const w = Math.min(width, n);
  if (w === 0) return MIN_DBFS;
  let sum = 0;
  for (let i = 0; i < w; i++) sum += a[i];
  let lowest = sum;
  for (let i = w; i < n; i++) {
    sum += a[i] - a[i - w];
    if (sum < lowest) lowest = sum;
  }
  return lowest / w;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
