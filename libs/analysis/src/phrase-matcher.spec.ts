import { compilePattern, findPhrase } from './phrase-matcher';
import { canonicalTokens, cleanWord, tokenizeText } from './tokens';

const matches = (pattern: string, text: string): boolean =>
  findPhrase(compilePattern(pattern), tokenizeText(text)).length > 0;

describe('token normalisation', () => {
  it('drops recogniser markers and pronunciation variants', () => {
    expect(cleanWord('<sil>')).toBe('');
    expect(cleanWord('[noise]')).toBe('');
    expect(cleanWord('the(2)')).toBe('the');
    expect(cleanWord('Price,')).toBe('price');
  });

  it('expands contractions and folds homophones', () => {
    expect(canonicalTokens("don't")).toEqual(['do', 'not']);
    expect(canonicalTokens('cannot')).toEqual(['can', 'not']);
    expect(canonicalTokens('too')).toEqual(['to']);
  });
});

describe('phrase patterns', () => {
  it('matches alternatives and optional elements', () => {
    const p = 'price is (almost|nearly)? (double|twice)';
    expect(matches(p, 'your price is almost double')).toBe(true);
    expect(matches(p, 'your price is twice')).toBe(true);
    expect(matches(p, 'your price is fine')).toBe(false);
  });

  it('allows up to two extra words inside a match, but not three', () => {
    const p = 'price is double';
    expect(matches(p, 'price is uh double')).toBe(true);
    expect(matches(p, 'price is uh like double')).toBe(true);
    expect(matches(p, 'price is uh like really double')).toBe(false);
  });

  it('reports the slack used so callers can discount noisy matches', () => {
    const [m] = findPhrase(compilePattern('too expensive'), tokenizeText('way too uh expensive'));
    expect(m).toEqual({ start: 1, end: 4, slack: 1 });
  });

  it('allows no slack in "=" patterns', () => {
    expect(matches('=not now', 'not now thanks')).toBe(true);
    expect(matches('=not now', 'not sure now')).toBe(false);
  });

  it('matches contractions and homophones written either way', () => {
    expect(matches('do not need', "we don't need it")).toBe(true);
    expect(matches('too expensive', 'that is to expensive')).toBe(true);
  });

  it('supports number words and prefixes', () => {
    expect(matches('only have #num minutes', 'i only have fifteen minutes')).toBe(true);
    expect(matches('only have #num minutes', 'i only have some minutes')).toBe(false);
    expect(matches('charg* twice', 'they charged twice')).toBe(true);
  });

  it('returns non-overlapping matches left to right', () => {
    const found = findPhrase(compilePattern('to expensive'), tokenizeText('too expensive way too expensive'));
    expect(found.map((m) => m.start)).toEqual([0, 3]);
  });

  it('rejects patterns with nothing required', () => {
    expect(() => compilePattern('(maybe)?')).toThrow(/required/);
  });
});
