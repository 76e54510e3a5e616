// @ts-check
import { hitPlace, snippetParts } from '../public/js/search.js';

describe('search hits', () => {
  it('splits a snippet into marked and plain text, unescaped (built with textContent, never innerHTML)', () => {
    expect(snippetParts('…the <mark>invoice doubled</mark> &amp; I want a <mark>refund</mark>')).toEqual([
      { text: '…the ', mark: false },
      { text: 'invoice doubled', mark: true },
      { text: ' & I want a ', mark: false },
      { text: 'refund', mark: true },
    ]);
    expect(snippetParts('&lt;script&gt;')).toEqual([{ text: '<script>', mark: false }]);
    expect(snippetParts('')).toEqual([]);
  });

  it('says where a hit is: the speaker and time, or the title and tags', () => {
    const hit = {
      audioId: 'a',
      title: 't',
      createdAt: 0,
      segment: 3,
      speaker: 'customer',
      startMs: 83_000,
      endMs: 90_000,
      snippet: '',
    };
    expect(hitPlace(hit)).toBe('customer at 01:23');
    expect(hitPlace({ ...hit, segment: null, speaker: null })).toBe('title or tags');
  });
});
