import { msPerChunk, queuePlace } from './queue-estimate';

describe('queue estimate', () => {
  describe('msPerChunk (the measured speed)', () => {
    it('is the mean time between recent completions, over every worker', () => {
      // Two workers finishing close together, every 20 s: 10 s per chunk for the platform.
      expect(msPerChunk([0, 1_000, 20_000, 21_000, 40_000])).toBe(10_000);
      expect(msPerChunk([30_000, 0, 10_000, 20_000])).toBe(10_000); // in any order
    });

    it('does not count idle time before the latest busy stretch', () => {
      const yesterday = [0, 10_000, 20_000];
      const now = [5_000_000, 5_012_000, 5_024_000];
      expect(msPerChunk([...yesterday, ...now])).toBe(12_000);
    });

    it('is unknown until two completions of one stretch are known', () => {
      expect(msPerChunk([])).toBeNull();
      expect(msPerChunk([5])).toBeNull();
      expect(msPerChunk([0, 10_000, 5_000_000])).toBeNull();
    });
  });

  describe('queuePlace', () => {
    const long = { audioId: 'long', requestedAt: 1, remaining: 20 };
    const short = { audioId: 'short', requestedAt: 2, remaining: 4 };

    it('places a recording by request time and counts, round-robin, the chunks until its last', () => {
      // Until the short call's 4 chunks are done, the long call gets 4 too: 8 chunks of 10 s.
      expect(queuePlace('short', [long, short], 10_000)).toEqual({ position: 2, of: 2, etaMs: 80_000 });
      // The long call shares until the short one is done, then has the workers alone: 24 chunks.
      expect(queuePlace('long', [long, short], 10_000)).toEqual({ position: 1, of: 2, etaMs: 240_000 });
    });

    it('leaves out recordings with nothing left, and has no place for one that is done', () => {
      const merging = { audioId: 'merging', requestedAt: 0, remaining: 0 };
      expect(queuePlace('short', [merging, short], 10_000)).toEqual({ position: 1, of: 1, etaMs: 40_000 });
      expect(queuePlace('merging', [merging, short], 10_000)).toBeNull();
    });

    it('has no estimate before the speed is measured', () => {
      expect(queuePlace('short', [long, short], null)).toEqual({ position: 2, of: 2, etaMs: null });
    });
  });
});
