// @ts-check
import { versionChoices, versionLabel, versionTime } from '../public/js/detail/versions.js';

/** @typedef {import('../public/js/types.js').AnalysisVersion} AnalysisVersion */

/**
 * A version as `GET /audios/:id/analyses` lists it.
 * @param {string} analysisId
 * @param {Partial<AnalysisVersion>} [overrides]
 * @returns {AnalysisVersion}
 */
const aVersion = (analysisId, overrides = {}) => ({
  analysisId,
  completedAt: 1_700_000_000_000,
  analyst: 'offline',
  model: null,
  issueCount: 2,
  quizCount: 4,
  callType: 'discovery',
  overallSentiment: 'positive',
  latest: false,
  path: `/audios/a1/analyses/${analysisId}`,
  ...overrides,
});

describe('analysis versions', () => {
  it('labels a version by its time and analyst, with the model and whether it is the latest', () => {
    const at = 1_700_000_500_000;
    expect(
      versionLabel(aVersion('b', { completedAt: at, analyst: 'llm:openai', model: 'gpt-4o-mini', latest: true })),
    ).toBe(`${versionTime(at)} · llm:openai (gpt-4o-mini) · latest`);
    expect(versionLabel(aVersion('a', { completedAt: at }))).toBe(`${versionTime(at)} · offline`);
    // Listed from before versions were kept: no analyst on record, and perhaps no time.
    expect(versionLabel(aVersion('old', { completedAt: null, analyst: null, latest: true }))).toBe(
      '— · analyst not recorded · latest',
    );
  });

  it('tells apart two analyses made within one minute', () => {
    const minute = Date.UTC(2025, 2, 12, 14, 5, 0);
    expect(versionTime(minute + 9_000)).not.toBe(versionTime(minute + 39_000));
    expect(versionTime(null)).toBe('—');
  });

  it('offers a choice only when there are two analyses or more, in the server’s order', () => {
    expect(versionChoices([], null)).toBeNull();
    expect(versionChoices([aVersion('only', { latest: true })], null)).toBeNull();
    const versions = [aVersion('new', { latest: true, completedAt: 2 }), aVersion('old', { completedAt: 1 })];
    expect(versionChoices(versions, null)?.map((c) => [c.value, c.selected])).toEqual([
      ['new', true],
      ['old', false],
    ]);
  });

  it('selects the picked version, and falls back to the latest when it is not listed', () => {
    const versions = [aVersion('new', { latest: true }), aVersion('mid'), aVersion('old')];
    expect(
      versionChoices(versions, 'old')
        ?.filter((c) => c.selected)
        .map((c) => c.value),
    ).toEqual(['old']);
    expect(
      versionChoices(versions, 'gone')
        ?.filter((c) => c.selected)
        .map((c) => c.value),
    ).toEqual(['new']);
  });
});
