// @ts-check
import { canSwap, correctionErrorText, renameChange, segmentChange, speakerDisplay } from '../public/js/corrections.js';

/** @typedef {import('../public/js/types.js').Transcript} Transcript */

/**
 * @param {string[]} labels
 * @returns {Transcript}
 */
const transcriptOf = (labels) => ({
  audioId: 'a1',
  durationMs: 1000,
  language: 'en',
  engine: 'test',
  speakers: labels,
  segments: labels.map((speaker, i) => ({ speaker, startMs: i, endMs: i + 1, text: 'x', words: [] })),
  text: '',
});

describe('transcript corrections (dashboard)', () => {
  it('shows the owner’s name for a speaker, else the label capitalised', () => {
    expect(speakerDisplay('agent', { agent: ' Dana Whitfield ' })).toBe('Dana Whitfield');
    expect(speakerDisplay('customer', { agent: 'Dana' })).toBe('Customer');
    expect(speakerDisplay('agent', null)).toBe('Agent');
    expect(speakerDisplay('', null)).toBe('Unknown');
    expect(speakerDisplay('toString', {})).toBe('ToString'); // no inherited names
  });

  it('offers the swap only with an agent and a customer', () => {
    expect(canSwap(transcriptOf(['agent', 'customer']))).toBe(true);
    expect(canSwap(transcriptOf(['speaker']))).toBe(false);
    expect(canSwap(transcriptOf(['agent']))).toBe(false);
    expect(canSwap(null)).toBe(false);
  });

  it('sends only the names that changed; an emptied field removes the name', () => {
    expect(renameChange({ agent: '  Dana   Whitfield ', customer: '' }, {}, 0)).toEqual({
      speakers: { agent: 'Dana Whitfield' },
      baseRevision: 0,
    });
    expect(renameChange({ agent: 'Dana', customer: '' }, { agent: 'Dana', customer: 'Lee' }, 3)).toEqual({
      speakers: { customer: null },
      baseRevision: 3,
    });
    expect(renameChange({ agent: 'Dana' }, { agent: 'Dana' }, 1)).toBeNull();
  });

  it('sends a segment’s new text, nothing when it is unchanged, and null to restore it', () => {
    expect(segmentChange(4, ' so  sorry\n', 'sorry', 2)).toEqual({
      segments: [{ index: 4, text: 'so sorry' }],
      baseRevision: 2,
    });
    expect(segmentChange(4, 'sorry ', 'sorry', 2)).toBeNull();
    expect(segmentChange(4, '   ', 'sorry', 2)).toEqual({ segments: [{ index: 4, text: null }], baseRevision: 2 });
  });

  it('says why a save failed in plain words', () => {
    expect(correctionErrorText({ status: 409, code: 'CORRECTIONS.STALE', message: 'at revision 3, not 2' })).toBe(
      'Someone changed this transcript meanwhile. It has been reloaded: make your change again.',
    );
    expect(correctionErrorText({ status: 400, code: 'CORRECTIONS.BAD_REQUEST', message: 'the name is too long' })).toBe(
      'Not saved: the name is too long',
    );
    expect(correctionErrorText({ status: 0, code: 'NETWORK', message: 'The server cannot be reached.' })).toBe(
      'The server cannot be reached.',
    );
    expect(correctionErrorText({ status: 409, code: 'CORRECTIONS.NOTHING_TO_SWAP', message: 'x' })).toMatch(
      /no agent and customer/,
    );
    expect(correctionErrorText(null)).toBe('Not saved: something went wrong');
  });
});
