import { ChunkPlanner, frameDbfs, MIN_DBFS, type ChunkPlannerOptions, type PlannedChunk } from './chunk-planner';

const SPEECH = -20;
const QUIET = -80;

/** Energy profile builder: 10 ms frames. `speech(5_000).silence(400)`… */
class Profile {
  readonly frames: number[] = [];
  speech(ms: number, db = SPEECH): this {
    return this.level(ms, db);
  }
  silence(ms: number, db = QUIET): this {
    return this.level(ms, db);
  }
  level(ms: number, db: number): this {
    for (let i = 0; i < ms / 10; i++) this.frames.push(db);
    return this;
  }
  /** Speech with the short, shallow dips real speech has between syllables (never ≥ 300 ms). */
  talk(ms: number): this {
    for (let t = 0; t < ms; t += 500)
      this.speech(Math.min(400, ms - t)).level(Math.min(100, Math.max(0, ms - t - 400)), -35);
    return this;
  }
}

function plan(frames: number[], opts: ChunkPlannerOptions = {}): PlannedChunk[] {
  const p = new ChunkPlanner(opts);
  const out: PlannedChunk[] = [];
  for (const f of frames) out.push(...p.push(f));
  out.push(...p.finish());
  return out;
}

const ms = (frame: number): number => frame * 10;

describe('ChunkPlanner', () => {
  it('cuts in the middle of a pause found between minMs and maxMs', () => {
    const chunks = plan(new Profile().talk(40_000).silence(1_000).talk(40_000).frames);
    expect(ms(chunks[0]!.endFrame)).toBeGreaterThanOrEqual(40_000);
    expect(ms(chunks[0]!.endFrame)).toBeLessThan(41_000);
    expect(Math.abs(ms(chunks[0]!.endFrame) - 40_500)).toBeLessThanOrEqual(10);
    expect(chunks[0]!.cut).toBe('silence');
  });

  it('prefers the longest pause after minMs over an earlier, shorter one', () => {
    const frames = new Profile().talk(35_000).silence(400).talk(14_600).silence(2_000).talk(30_000).frames;
    const first = plan(frames)[0]!;
    expect(ms(first.endFrame)).toBeGreaterThan(50_000);
    expect(ms(first.endFrame)).toBeLessThan(52_000);
  });

  it('ignores pauses before minMs', () => {
    const frames = new Profile().talk(20_000).silence(3_000).talk(22_000).silence(500).talk(40_000).frames;
    const first = plan(frames)[0]!;
    expect(ms(first.endFrame)).toBeGreaterThanOrEqual(45_000);
    expect(ms(first.endFrame)).toBeLessThan(45_500);
  });

  it('without a pause, cuts at the quietest stretch, not at a single quiet frame', () => {
    // A one-frame dropout at 33 s (deepest frame of all) and a 200 ms dip (too short for a pause) at 47 s.
    const frames = new Profile().talk(33_000).silence(10, -95).talk(13_990).level(200, -50).talk(30_000).frames;
    const first = plan(frames)[0]!;
    expect(first.cut).toBe('quietest');
    expect(ms(first.endFrame)).toBeGreaterThanOrEqual(47_000);
    expect(ms(first.endFrame)).toBeLessThan(47_200);
  });

  it('judges silence relative to the noise floor (a noisy line never reaches -60 dBFS)', () => {
    const frames = new Profile()
      .level(40_000, -22)
      .level(800, -45)
      .level(40_000, -22)
      .frames.map((db, i) => db + (i % 3)); // a little jitter
    const first = plan(frames, { alwaysSilentDb: -60 })[0]!;
    expect(first.cut).toBe('silence');
    expect(ms(first.endFrame)).toBeGreaterThanOrEqual(40_000);
    expect(ms(first.endFrame)).toBeLessThan(40_800);
  });

  it('keeps every chunk within [minMs, maxMs] except the last, contiguous, covering all frames', () => {
    // Seeded pseudo-random talk with pauses of random length: the invariants must hold on any input.
    let seed = 7;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const profile = new Profile();
    while (profile.frames.length < 60 * 60 * 100) {
      profile.talk(1_000 + Math.floor(rnd() * 20_000));
      profile.silence(Math.floor(rnd() * 1_500), -70 + rnd() * 20);
    }
    const chunks = plan(profile.frames);
    expect(chunks.length).toBeGreaterThan(50);
    // Chunks tile the whole recording…
    expect(chunks.map((c) => c.startFrame)).toEqual([0, ...chunks.slice(0, -1).map((c) => c.endFrame)]);
    expect(chunks.at(-1)?.endFrame).toBe(profile.frames.length);
    // …every chunk but the last is 30–60 s, and the last may carry a short tail.
    const lengths = chunks.map((c) => ms(c.endFrame - c.startFrame));
    for (const len of lengths.slice(0, -1)) {
      expect(len).toBeGreaterThanOrEqual(30_000);
      expect(len).toBeLessThanOrEqual(60_000);
    }
    expect(lengths.at(-1)).toBeLessThanOrEqual(70_000);
    // Most cuts should be inside the planted pauses.
    expect(chunks.filter((c) => c.cut === 'silence').length).toBeGreaterThan(chunks.length * 0.8);
  });

  it('never leaves more than maxPendingFrames undecided (bounded memory for the caller)', () => {
    const p = new ChunkPlanner({ minMs: 3_000, maxMs: 6_000, tailMergeMs: 1_000 });
    let released = 0;
    let worst = 0;
    // Pauses late in each window, so most chunks are held back while their tail accumulates.
    const profile = new Profile();
    while (profile.frames.length < 10_000) profile.talk(5_500).silence(400);
    const frames = profile.frames;
    for (const [i, f] of frames.entries()) {
      for (const c of p.push(f)) released = c.endFrame;
      worst = Math.max(worst, i + 1 - released);
    }
    expect(worst).toBeLessThanOrEqual(p.maxPendingFrames);
    expect(worst).toBeGreaterThan(600); // a chunk was really held back while its tail was pending
  });

  it('cuts pure silence into chunks too', () => {
    const chunks = plan(new Profile().silence(200_000, MIN_DBFS).frames);
    expect(chunks.length).toBeGreaterThanOrEqual(4);
    for (const c of chunks.slice(0, -1)) {
      expect(ms(c.endFrame - c.startFrame)).toBeGreaterThanOrEqual(30_000);
      expect(ms(c.endFrame - c.startFrame)).toBeLessThanOrEqual(60_000);
    }
  });

  it('returns a stream shorter than minMs as one chunk', () => {
    expect(plan(new Profile().talk(12_340).frames)).toEqual([{ startFrame: 0, endFrame: 1_234, cut: 'end' }]);
  });

  it('returns nothing for an empty stream', () => {
    expect(plan([])).toEqual([]);
  });

  it('makes a remainder of tailMergeMs or more its own last chunk', () => {
    const chunks = plan(new Profile().talk(45_000).silence(1_000).talk(20_000).frames);
    expect(chunks).toHaveLength(2);
    expect(ms(chunks[1]!.endFrame - chunks[1]!.startFrame)).toBeGreaterThan(5_000);
    expect(chunks[1]!.cut).toBe('end');
  });

  it('merges a remainder shorter than tailMergeMs into the previous chunk', () => {
    // 59 s talk, 1 s pause, 2 s talk: the pause at 59–60 s is the only cut; a 2.5 s tail is left.
    const frames = new Profile().talk(59_000).silence(1_000).talk(2_000).frames;
    expect(plan(frames)).toEqual([{ startFrame: 0, endFrame: frames.length, cut: 'end' }]);
    // Disabled: the tail stays separate.
    const separate = plan(frames, { tailMergeMs: 0 });
    expect(separate).toHaveLength(2);
    expect(ms(separate[1]!.endFrame - separate[1]!.startFrame)).toBeLessThan(5_000);
  });

  it('does not merge when the merged chunk would exceed maxMergedMs', () => {
    const frames = new Profile().talk(59_000).silence(1_000).talk(2_000).frames;
    const chunks = plan(frames, { maxMergedMs: 60_000 });
    expect(chunks).toHaveLength(2);
    expect(chunks[1]!.endFrame).toBe(frames.length);
  });

  it('rejects options that would break its invariants', () => {
    expect(() => new ChunkPlanner({ minMs: 60_000, maxMs: 30_000 })).toThrow(RangeError);
    expect(() => new ChunkPlanner({ minMs: 3_000, tailMergeMs: 5_000 })).toThrow(RangeError);
  });

  it('refuses frames after finish', () => {
    const p = new ChunkPlanner();
    p.finish();
    expect(() => p.push(-20)).toThrow(/after finish/);
  });
});

describe('frameDbfs', () => {
  it('is 0 dBFS for a full-scale square wave and about -6 dBFS at half scale', () => {
    expect(frameDbfs(160 * 32768 * 32768, 160)).toBeCloseTo(0, 6);
    expect(frameDbfs(160 * 16384 * 16384, 160)).toBeCloseTo(-6.02, 2);
  });

  it('clamps digital silence and empty frames to MIN_DBFS', () => {
    expect(frameDbfs(0, 160)).toBe(MIN_DBFS);
    expect(frameDbfs(0, 0)).toBe(MIN_DBFS);
  });
});
