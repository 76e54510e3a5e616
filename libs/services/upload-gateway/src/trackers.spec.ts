import { parseTracker } from './trackers';

describe('parseTracker', () => {
  it('takes a tracker with defaults, trimming and de-duplicating phrases', () => {
    expect(
      parseTracker(
        { name: ' Price ', phrases: ['(price|pricing) is  too high', '(price|pricing) is too high'] },
        'create',
      ),
    ).toEqual({
      name: 'Price',
      phrases: ['(price|pricing) is too high'],
      speaker: 'any',
      fromPct: 0,
      toPct: 100,
    });
    expect(parseTracker({ name: 'x', phrases: ['a'], speaker: 'customer', part: 'closing' }, 'create')).toMatchObject({
      speaker: 'customer',
      fromPct: 80,
      toPct: 100,
    });
    expect(parseTracker({ part: { toPct: 30 } }, 'change')).toEqual({ fromPct: 0, toPct: 30 });
  });

  it.each([
    ['no object', 'x', /JSON object/],
    ['no name', { phrases: ['a'] }, /name/],
    ['no phrases', { name: 'a' }, /phrases/],
    ['an empty phrase', { name: 'a', phrases: [' '] }, /phrase/],
    ['a phrase that is no pattern', { name: 'a', phrases: ['(a|b)?'] }, /not a usable pattern/],
    ['an unknown field', { name: 'a', phrases: ['a'], team: 'x' }, /unknown fields: team/],
    ['an unknown speaker', { name: 'a', phrases: ['a'], speaker: 'boss' }, /speaker/],
    ['an unknown part', { name: 'a', phrases: ['a'], part: 'middle' }, /part/],
    ['a part out of range', { name: 'a', phrases: ['a'], part: { fromPct: 50, toPct: 120 } }, /toPct/],
    ['an empty part', { name: 'a', phrases: ['a'], part: { fromPct: 50, toPct: 50 } }, /below/],
    ['too many phrases', { name: 'a', phrases: Array.from({ length: 51 }, (_, i) => `p${i}`) }, /at most 50/],
  ])('rejects %s with a 400 and the reason', (_what, body, reason) => {
    expect(() => parseTracker(body, 'create')).toThrow(
      expect.objectContaining({ status: 400, code: 'TRACKER.BAD_REQUEST', message: expect.stringMatching(reason) }),
    );
  });

  it('rejects a change of nothing', () => {
    expect(() => parseTracker({}, 'change')).toThrow(/nothing to change/);
  });
});
