import { SpeedBudget, timeoutMessage } from './stt-timeout';

describe('SpeedBudget', () => {
  it('gives every chunk at least STT_TIMEOUT_MS, and 3 × its length × the nominal speed above that', () => {
    const b = new SpeedBudget({ floorMs: 60_000, nominalFactor: 0.3 });
    expect(b.budgetMs(10_000)).toBe(60_000);
    expect(b.budgetMs(100_000)).toBe(90_000);
    expect(new SpeedBudget({ floorMs: 5_000, nominalFactor: 0.3 }).budgetMs(10_000)).toBe(9_000);
  });

  it('grows with the speed measured on a busy machine, and never shrinks below the nominal one', () => {
    const b = new SpeedBudget({ floorMs: 1_000, nominalFactor: 0.3 });
    b.record(60_000, 120_000); // 2 s of wall time per audio second
    expect(b.speedFactor).toBe(2);
    expect(b.budgetMs(60_000)).toBe(360_000);
    for (let i = 0; i < 20; i++) b.record(60_000, 600); // then very fast chunks
    expect(b.budgetMs(60_000)).toBe(54_000); // 3 × 60 s × the nominal 0.3
  });

  it('caps the measured speed, so one pathological chunk cannot stretch every budget', () => {
    const b = new SpeedBudget({ floorMs: 1_000, nominalFactor: 0.3, maxFactor: 8 });
    b.record(10_000, 10_000_000);
    expect(b.budgetMs(10_000)).toBe(240_000);
  });

  it('ignores chunks too short to say anything about speed', () => {
    const b = new SpeedBudget({ nominalFactor: 0.3 });
    b.record(200, 60_000);
    expect(b.speedFactor).toBe(0.3);
  });
});

describe('timeoutMessage', () => {
  it('says what happened in plain words, in seconds, and what to do', () => {
    expect(timeoutMessage('pocketsphinx', 93_254, 45_000)).toBe(
      'the speech engine (pocketsphinx) needed more than 93 s for 45 s of audio, so this part was stopped; the machine may be overloaded. Transcribe again to retry it',
    );
  });
});
