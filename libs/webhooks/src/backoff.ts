/**
 * When a failed delivery is tried again: a schedule of delays, one per retry (the default
 * 10 s, 30 s, 2 min, 10 min, 1 h, 3 h, 6 h, 12 h: about 22 hours over 9 attempts), each spread by
 * ±20 % jitter so endpoints that fail together are not retried together. After the last delay's
 * attempt fails, the delivery has failed for good.
 */
export const DEFAULT_SCHEDULE = '10s,30s,2m,10m,1h,3h,6h,12h';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** `"10s,30s,2m"` → `[10000, 30000, 120000]`; a bare number is milliseconds. Throws on anything else. */
export function parseSchedule(text: string): number[] {
  const delays = text.split(',').map((part) => {
    const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(part);
    if (!m) throw new Error(`not a delay: "${part}" (expected e.g. 500ms, 10s, 2m, 1h)`);
    return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']!);
  });
  if (!delays.length) throw new Error('at least one delay');
  return delays;
}

export interface RetryPlan {
  /** Delays before the 2nd, 3rd … attempt: attempts in all are `schedule.length + 1`. */
  schedule: number[];
  /** The spread around each delay, 0.2 = ±20 %. */
  jitter: number;
}

/**
 * The delay before the attempt after `attempt` (1-based) failed, or null when none is left.
 * `random` is in [0, 1) (Math.random, or a fixed value in tests).
 */
export function retryDelay(plan: RetryPlan, attempt: number, random: number): number | null {
  const base = plan.schedule[attempt - 1];
  if (base === undefined) return null;
  return Math.max(0, Math.round(base * (1 - plan.jitter + 2 * plan.jitter * random)));
}
