import { isOneOf, keysOf, pick } from './objects';

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

describe('keysOf and isOneOf', () => {
  it("lists a table's keys in order and tells its names from anything else", () => {
    const names = keysOf({ txt: 1, json: 2, srt: 3 });
    expect(names).toEqual(['txt', 'json', 'srt']);
    expect(names.every((n) => isOneOf(names, n))).toBe(true);
    expect(isOneOf(names, 'docx')).toBe(false);
    expect(isOneOf(names, undefined)).toBe(false);
    expect(isOneOf(names, 3)).toBe(false);
  });
});
