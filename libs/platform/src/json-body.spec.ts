import { HttpError, jsonObjectOf } from './http';

describe('jsonObjectOf', () => {
  const bad = (message: string) => new HttpError(400, 'X.BAD_REQUEST', message);

  it('returns an object that holds only allowed fields', () => {
    expect(jsonObjectOf({ a: 1 }, ['a', 'b'], bad)).toEqual({ a: 1 });
  });

  it.each([null, undefined, 'text', 3, [1]])('refuses %p as not an object, with the expected wording', (body) => {
    expect(() => jsonObjectOf(body, ['a'], bad, 'expected a JSON object of things')).toThrow(
      expect.objectContaining({ status: 400, code: 'X.BAD_REQUEST', message: 'expected a JSON object of things' }),
    );
  });

  it('names the unknown fields and the allowed ones', () => {
    expect(() => jsonObjectOf({ a: 1, z: 2, y: 3 }, ['a', 'b'], bad)).toThrow('unknown fields: z, y (allowed: a, b)');
  });
});
