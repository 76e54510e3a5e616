import { SttError } from './stt-error';
import { DEFAULT_RETRY_POLICY, Semaphore, backoffDelayMs, retryAfterMs, withRetries } from './resilience';

const headers = (h: Record<string, string>) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });

describe('retryAfterMs', () => {
  const now = Date.parse('2025-03-01T12:00:00Z');
  it.each([
    [{ 'retry-after': '3' }, 3000],
    [{ 'retry-after': '0.5' }, 500],
    [{ 'retry-after-ms': '250', 'retry-after': '3' }, 250],
    [{ 'retry-after': 'Sat, 01 Mar 2025 12:00:07 GMT' }, 7000],
    [{ 'retry-after': 'Sat, 01 Mar 2025 11:59:00 GMT' }, 0],
    [{ 'retry-after': 'soon' }, null],
    [{}, null],
  ])('reads %j as %s ms', (h, expected) => {
    expect(retryAfterMs(headers(h), now)).toBe(expected);
  });
});

describe('backoffDelayMs', () => {
  const policy = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 1000, maxDelayMs: 5000 };
  it('doubles per attempt, keeps half and jitters the other half, up to the cap', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, policy, () => 0))).toEqual([500, 1000, 2000, 2500]);
    expect([1, 2, 3, 4].map((a) => backoffDelayMs(a, policy, () => 1))).toEqual([1000, 2000, 4000, 5000]);
  });
});

describe('withRetries', () => {
  const transient = () => new SttError('STT.ENGINE_FAILED', 'flaky', { retriable: true });
  it('retries retriable errors up to maxAttempts', async () => {
    const waits: number[] = [];
    let calls = 0;
    const result = await withRetries(
      async () => {
        if (++calls < 3) throw transient();
        return 'ok';
      },
      {
        policy: { ...DEFAULT_RETRY_POLICY, maxAttempts: 3 },
        sleep: async (ms) => void waits.push(ms),
        random: () => 0,
      },
    );
    expect(result).toBe('ok');
    expect(calls).toBe(3);
    expect(waits).toEqual([250, 500]);
  });

  it('throws a non-retriable error at once', async () => {
    let calls = 0;
    const err = new SttError('STT.BAD_AUDIO', 'broken');
    await expect(
      withRetries(
        async () => {
          calls++;
          throw err;
        },
        { policy: DEFAULT_RETRY_POLICY, sleep: async () => undefined },
      ),
    ).rejects.toBe(err);
    expect(calls).toBe(1);
  });
});

describe('Semaphore', () => {
  it('admits `limit` holders and serves waiters in order', async () => {
    const s = new Semaphore(2);
    const order: string[] = [];
    const r1 = await s.acquire();
    const r2 = await s.acquire();
    const w3 = s.acquire().then((r) => (order.push('3'), r));
    const w4 = s.acquire().then((r) => (order.push('4'), r));
    expect(s.waiting).toBe(2);
    r1();
    r1(); // releasing twice frees one slot only
    const r3 = await w3;
    expect(order).toEqual(['3']);
    expect(s.inUse).toBe(2);
    r2();
    const r4 = await w4;
    expect(order).toEqual(['3', '4']);
    r3();
    r4();
    expect(s.inUse).toBe(0);
  });

  it('lets an aborted waiter leave the queue', async () => {
    const s = new Semaphore(1);
    const release = await s.acquire();
    const ctrl = new AbortController();
    const waiting = s.acquire(ctrl.signal);
    ctrl.abort();
    await expect(waiting).rejects.toMatchObject({ code: 'STT.ABORTED' });
    expect(s.waiting).toBe(0);
    release();
    expect(s.inUse).toBe(0);
  });
});
