import { DEFAULT_SCHEDULE, parseSchedule, retryDelay } from './backoff';

describe('the retry schedule', () => {
  it('parses delays with units; a bare number is milliseconds', () => {
    expect(parseSchedule('500ms, 10s,2m,1h,250')).toEqual([500, 10_000, 120_000, 3_600_000, 250]);
    expect(() => parseSchedule('10s,soon')).toThrow(/not a delay: "soon"/);
    expect(() => parseSchedule('')).toThrow(/not a delay/);
  });

  it('by default retries 8 times over about 22 hours', () => {
    const schedule = parseSchedule(DEFAULT_SCHEDULE);
    expect(schedule).toEqual([10_000, 30_000, 120_000, 600_000, 3_600_000, 10_800_000, 21_600_000, 43_200_000]);
    const total = schedule.reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeGreaterThan(20);
    expect(total / 3_600_000).toBeLessThan(24);
  });

  it('spreads each delay by the jitter, and has none after the last', () => {
    const plan = { schedule: [10_000, 30_000], jitter: 0.2 };
    expect(retryDelay(plan, 1, 0)).toBe(8_000);
    expect(retryDelay(plan, 1, 0.5)).toBe(10_000);
    expect(retryDelay(plan, 1, 0.999999)).toBe(12_000);
    expect(retryDelay(plan, 2, 0.5)).toBe(30_000);
    expect(retryDelay(plan, 3, 0.5)).toBeNull();
    expect(retryDelay({ schedule: [100], jitter: 0 }, 1, 0.9)).toBe(100);
  });
});
