/**
 * How long one chunk may take, for every engine: STT_TIMEOUT_MS is the floor, and above it the
 * budget follows the engine's speed as this process measures it (a moving average of wall time
 * per audio second over the chunks it transcribed), times a safety factor. On a busy machine the
 * engine slows down and the budget grows with it, so chunks are not failed for the machine's load
 * (a 93-second call once failed with a fixed max(60 s, 3 × audio)); a hung engine still times out.
 */
export interface SpeedBudgetOptions {
  /** The least any chunk gets (STT_TIMEOUT_MS). Default 60 s. */
  floorMs?: number;
  /** Wall seconds per audio second before anything was measured (the engine's nominal speed). */
  nominalFactor: number;
  /** Budget = safety × audio × factor. Default 3. */
  safety?: number;
  /** The measured factor is capped here, so one pathological chunk cannot stretch every budget. Default 8. */
  maxFactor?: number;
  /** Weight of the newest measurement. Default 0.3. */
  alpha?: number;
}

export class SpeedBudget {
  private factor: number | null = null;
  private readonly floorMs: number;
  private readonly safety: number;
  private readonly maxFactor: number;
  private readonly alpha: number;

  constructor(private readonly opts: SpeedBudgetOptions) {
    this.floorMs = opts.floorMs ?? 60_000;
    this.safety = opts.safety ?? 3;
    this.maxFactor = opts.maxFactor ?? 8;
    this.alpha = opts.alpha ?? 0.3;
  }

  /** Wall seconds per audio second: measured, or the nominal one until something was measured. */
  get speedFactor(): number {
    return this.factor ?? this.opts.nominalFactor;
  }

  budgetMs(audioMs: number): number {
    // Never below the nominal speed: a run of fast, easy chunks must not starve a hard one.
    const f = Math.min(this.maxFactor, Math.max(this.opts.nominalFactor, this.speedFactor));
    return Math.max(this.floorMs, Math.round(this.safety * Math.max(0, audioMs) * f));
  }

  /** A finished transcription: `elapsedMs` of wall time for `audioMs` of audio. */
  record(audioMs: number, elapsedMs: number): void {
    if (!(audioMs >= 1_000) || !(elapsedMs >= 0)) return; // too short to say anything about speed
    const f = elapsedMs / audioMs;
    this.factor = this.factor === null ? f : this.alpha * f + (1 - this.alpha) * this.factor;
  }
}

/** Nominal wall seconds per audio second on one core of a laptop (libs/stt/README.md). */
export const NOMINAL_SPEED_FACTOR: Readonly<Record<string, number>> = {
  pocketsphinx: 0.3,
  whisper: 0.3,
  'whisper-base': 0.45,
  cloud: 0.5,
};

/** The message a user sees when a chunk timed out: what happened, in plain words. */
export function timeoutMessage(engine: string, timeoutMs: number, audioMs: number | null): string {
  const secs = (ms: number) => `${Math.round(ms / 1000)} s`;
  const what = audioMs ? ` for ${secs(audioMs)} of audio` : '';
  return `the speech engine (${engine}) needed more than ${secs(timeoutMs)}${what}, so this part was stopped; the machine may be overloaded. Transcribe again to retry it`;
}
