/** Shared shapes of the benchmark suite. */

export interface BenchOptions {
  /** The short run (< 15 min on 2 cores): smaller inputs, fewer repetitions. */
  quick: boolean;
  /** Also measure the distributed mode (needs the native stack: `bash deploy/stack/up.sh`). */
  stack: boolean;
  /** Benchmark names (or result keys) to run; null = all. */
  only: string[] | null;
}

/**
 * One figure of latest.json. Every figure names what it is compared with (`baseline`) and its
 * `target`; `met` is the comparison of the measured value with the target (null when there is
 * no value, e.g. a mode that was not run). Everything else is raw data.
 */
export interface Figure {
  value: number | null;
  unit: string;
  target: string;
  baseline: string;
  met: boolean | null;
  [detail: string]: unknown;
}

export interface FailedFigure {
  error: string;
  [detail: string]: unknown;
}

export type Result = Figure | FailedFigure;

export interface InputInfo {
  path: string;
  bytes: number;
  durationS: number | null;
  channels?: number;
  made?: string;
}

export interface StackEnv {
  env: Record<string, string>;
  /** Unique suffix for this run's topics, databases and buckets. */
  run: string;
}

export interface BenchContext {
  opts: BenchOptions;
  /** Repo root. */
  root: string;
  /** bench/.cache: generated inputs, kept between runs. */
  cacheDir: string;
  /** A per-run scratch folder under the OS temp dir, removed at the end. */
  workDir: string;
  /** The stack's env when --stack is given and the stack answers; null otherwise. */
  stack: StackEnv | null;
  /** Why the stack part is not measured (when `stack` is null). */
  stackSkipReason: string;
  /** Inputs used, by name: written to latest.json. */
  inputs: Record<string, InputInfo>;
  log(msg: string): void;
}

export interface Benchmark {
  /** Used by --only. */
  name: string;
  /** The latest.json keys this benchmark writes. */
  keys: string[];
  run(ctx: BenchContext): Promise<Record<string, Result>>;
}

/** `met` for a value against an upper or lower bound. */
export function meets(value: number | null | undefined, op: '<=' | '>=', bound: number): boolean | null {
  if (value === null || value === undefined || !Number.isFinite(value)) return null;
  return op === '<=' ? value <= bound : value >= bound;
}

export function errorText(err: unknown): string {
  if (err instanceof Error) return err.stack ? err.stack.split('\n').slice(0, 6).join('\n') : err.message;
  return String(err);
}
