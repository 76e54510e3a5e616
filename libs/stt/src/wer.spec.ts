import { integerWords, normalizeWords, spellNumbers, spokenWordErrorRate, wordErrorRate } from './wer';

describe('normalizeWords', () => {
  it('lowercases, drops punctuation, keeps in-word apostrophes', () => {
    expect(normalizeWords('Hi, this is Laura — from "Cedar Cloud". Don’t worry!')).toEqual([
      'hi',
      'this',
      'is',
      'laura',
      'from',
      'cedar',
      'cloud',
      "don't",
      'worry',
    ]);
  });

  it('does not spell out numbers', () => {
    expect(normalizeWords('Around 40 terabytes')).toEqual(['around', '40', 'terabytes']);
  });

  it('splits hyphenated words as the engines do', () => {
    expect(normalizeWords('side-by-side')).toEqual(['side', 'by', 'side']);
  });
});

describe('wordErrorRate', () => {
  it('is 0 for the same words, whatever the case and punctuation', () => {
    expect(wordErrorRate('Of course. What made you look?', 'of course what made you look')).toEqual({
      wer: 0,
      substitutions: 0,
      deletions: 0,
      insertions: 0,
      refWords: 6,
    });
  });

  it('counts a deletion', () => {
    expect(wordErrorRate('the cat sat on the mat', 'the cat sat on mat')).toMatchObject({
      deletions: 1,
      substitutions: 0,
      insertions: 0,
      refWords: 6,
    });
    expect(wordErrorRate('the cat sat on the mat', 'the cat sat on mat').wer).toBeCloseTo(1 / 6, 10);
  });

  it('counts an insertion', () => {
    expect(wordErrorRate('thanks laura', 'thanks to laura')).toMatchObject({
      insertions: 1,
      deletions: 0,
      substitutions: 0,
      wer: 0.5,
    });
  });

  it('prefers one substitution over a deletion plus an insertion', () => {
    expect(wordErrorRate('from cedar cloud', 'from steve cloud')).toMatchObject({
      substitutions: 1,
      deletions: 0,
      insertions: 0,
    });
  });

  it('treats a number and its spelling as different words', () => {
    expect(wordErrorRate('forty terabytes', '40 terabytes')).toMatchObject({ substitutions: 1, wer: 0.5 });
  });

  it('scores a real recognition error pattern', () => {
    // Reference vs what pocketsphinx made of the first agent turn of sales-discovery.
    const r = wordErrorRate(
      'Hi, this is Laura from Cedar Cloud. Thanks for joining the call, Tom.',
      'hi this is laura from steve urkel out thanks for joining the qualcomm',
    );
    // cedar→steve, cloud→urkel, +out, call→qualcomm, -tom
    expect(r).toMatchObject({ substitutions: 3, insertions: 1, deletions: 1, refWords: 13 });
    expect(r.wer).toBeCloseTo(5 / 13, 10);
  });

  it('can exceed 1 when the hypothesis is mostly insertions', () => {
    expect(wordErrorRate('yes', 'well yes indeed it is').wer).toBe(4);
  });

  it('handles empty texts', () => {
    expect(wordErrorRate('', '').wer).toBe(0);
    expect(wordErrorRate('', 'hello').wer).toBe(Infinity);
    expect(wordErrorRate('hello there', '')).toMatchObject({ wer: 1, deletions: 2 });
  });
});

describe('spellNumbers / spokenWordErrorRate', () => {
  it('spells the numbers Whisper writes as digits', () => {
    expect(normalizeWords(spellNumbers('$2,000 for 40 TB, 15 minutes at 10:30, 2.5% off, 100'))).toEqual(
      'two thousand dollars for forty tb fifteen minutes at ten thirty two point five percent off one hundred'.split(
        ' ',
      ),
    );
    expect(integerWords(1_234_567)).toBe('one million two hundred thirty four thousand five hundred sixty seven');
  });

  it('scores a digit and its words the same, and still counts a wrong number', () => {
    expect(spokenWordErrorRate('about fifteen minutes', 'About 15 minutes.').wer).toBe(0);
    expect(spokenWordErrorRate('two thousand dollars', '$2,000').wer).toBe(0);
    expect(spokenWordErrorRate('and mister john dashwood', 'And Mr. John Dashwood').wer).toBe(0);
    expect(spokenWordErrorRate('five five five, two one three, one one zero zero', '555 -213 -1100.').wer).toBe(0);
    expect(spokenWordErrorRate('about fifteen minutes', 'about 50 minutes').substitutions).toBe(1);
  });
});
