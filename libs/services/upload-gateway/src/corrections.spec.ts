import { NO_CORRECTIONS } from '@speech/contracts';
import { HttpError } from '@speech/platform';
import { mergeCorrections, parseCorrectionChange, type TranscriptFacts } from './corrections';

const refusal = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    if (err instanceof HttpError) return { status: err.status, code: err.code, message: err.message };
    throw err;
  }
  throw new Error('accepted');
};

describe('parseCorrectionChange', () => {
  it('takes names, a swap, segment texts and a base revision, tidied', () => {
    expect(
      parseCorrectionChange({
        speakers: { agent: '  Dana   Whitfield ', customer: null, speaker: '' },
        swapChannels: true,
        segments: [
          { index: 2, text: ' so\nsorry ' },
          { index: 0, text: null },
        ],
        baseRevision: 3,
      }),
    ).toEqual({
      speakers: { agent: 'Dana Whitfield', customer: null, speaker: null },
      swapChannels: true,
      segments: [
        { index: 2, text: 'so sorry' },
        { index: 0, text: null },
      ],
      baseRevision: 3,
    });
  });

  it.each([
    [null, /JSON object/],
    [[], /JSON object/],
    [{}, /nothing to change/],
    [{ baseRevision: 1 }, /nothing to change/],
    [{ title: 'x' }, /unknown fields: title/],
    [{ speakers: ['agent'] }, /speakers must be an object/],
    [{ speakers: {} }, /no speaker/],
    [{ speakers: { '<b>': 'x' } }, /not a speaker label/],
    [{ speakers: { agent: 42 } }, /string or null/],
    [{ speakers: { agent: 'x'.repeat(121) } }, /longer than 120/],
    [{ swapChannels: 'yes' }, /true or false/],
    [{ segments: [] }, /non-empty array/],
    [{ segments: [{ index: -1, text: 'a' }] }, /whole number/],
    [{ segments: [{ index: 1.5, text: 'a' }] }, /whole number/],
    [{ segments: [{ index: 1, text: 'a', startMs: 0 }] }, /unknown segment fields: startMs/],
    [{ segments: [{ index: 1, text: '   ' }] }, /empty/],
    [{ segments: [{ index: 1, text: 5 }] }, /must be a string/],
    [{ segments: [{ index: 1, text: 'x'.repeat(4001) }] }, /longer than 4000/],
    [
      {
        segments: [
          { index: 1, text: 'a' },
          { index: 1, text: 'b' },
        ],
      },
      /given twice/,
    ],
    [{ segments: Array.from({ length: 501 }, (_, index) => ({ index, text: 'a' })) }, /at most 500/],
    [{ speakers: { agent: 'A' }, baseRevision: 'x' }, /baseRevision/],
  ] as [unknown, RegExp][])('refuses a bad body with a 400 and its reason: %#', (body, reason) => {
    const r = refusal(() => parseCorrectionChange(body));
    expect(r).toMatchObject({ status: 400, code: 'CORRECTIONS.BAD_REQUEST' });
    expect(r.message).toMatch(reason);
  });
});

describe('mergeCorrections', () => {
  const stereo: TranscriptFacts = { segments: 3, labels: new Set(['agent', 'customer']) };

  it('merges a change into the set: names set and removed, texts set and restored, sorted', () => {
    const current = {
      revision: 2,
      speakers: [{ label: 'customer', name: 'Lee' }],
      swapChannels: false,
      segments: [{ index: 1, text: 'old edit' }],
    };
    const next = mergeCorrections(
      current,
      {
        speakers: { agent: 'Dana', customer: null },
        segments: [
          { index: 2, text: 'new' },
          { index: 1, text: null },
          { index: 0, text: 'first' },
        ],
      },
      stereo,
    );
    expect(next).toEqual({
      revision: 2,
      speakers: [{ label: 'agent', name: 'Dana' }],
      swapChannels: false,
      segments: [
        { index: 0, text: 'first' },
        { index: 2, text: 'new' },
      ],
    });
  });

  it('refuses what the transcript does not have', () => {
    expect(
      refusal(() => mergeCorrections(NO_CORRECTIONS, { segments: [{ index: 3, text: 'x' }] }, stereo)),
    ).toMatchObject({
      status: 400,
      message: expect.stringMatching(/has 3 segments/),
    });
    expect(refusal(() => mergeCorrections(NO_CORRECTIONS, { speakers: { speaker: 'X' } }, stereo))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/no speaker speaker/),
    });
  });

  it('swaps only a transcript with an agent and a customer (mono heard as one voice: 409)', () => {
    expect(mergeCorrections(NO_CORRECTIONS, { swapChannels: true }, stereo).swapChannels).toBe(true);
    const mono: TranscriptFacts = { segments: 2, labels: new Set(['speaker']) };
    expect(refusal(() => mergeCorrections(NO_CORRECTIONS, { swapChannels: true }, mono))).toMatchObject({
      status: 409,
      code: 'CORRECTIONS.NOTHING_TO_SWAP',
    });
    // Undoing a swap, or leaving it off, is always allowed.
    expect(mergeCorrections(NO_CORRECTIONS, { swapChannels: false }, mono).swapChannels).toBe(false);
  });

  it('bounds the edited text of the whole set', () => {
    const big = {
      ...NO_CORRECTIONS,
      segments: Array.from({ length: 70 }, (_, index) => ({ index, text: 'x'.repeat(3_600) })),
    };
    const facts = { segments: 100, labels: new Set(['agent']) };
    expect(
      refusal(() => mergeCorrections(big, { segments: [{ index: 80, text: 'y'.repeat(3_000) }] }, facts)),
    ).toMatchObject({ status: 413, code: 'CORRECTIONS.TOO_LARGE' });
  });
});
