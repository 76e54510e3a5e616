import { pick } from './objects';

describe('pick', () => {
  it('copies the named fields in the order named, and no others', () => {
    const o = { a: 1, b: 'two', c: [3], d: null };
    const out = pick(o, ['c', 'a', 'd']);
    expect(out).toEqual({ c: [3], a: 1, d: null });
    expect(Object.keys(out)).toEqual(['c', 'a', 'd']);
    expect(out.c).toBe(o.c);
  });

  it('keeps a field that is present but undefined', () => {
    const o: { a?: number; b: number } = { a: undefined, b: 2 };
    expect(Object.keys(pick(o, ['a', 'b']))).toEqual(['a', 'b']);
  });
});
