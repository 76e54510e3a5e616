/**
 * Regression floor of the offline analyst on the labelled evaluation set (eval/calls), on the
 * reference transcripts of both styles (no audio, so this is the unit tier).
 *
 * The tuning and development halves' floors are what the analyst reaches now, a little under it
 * so that an unrelated rule change is not a failure; they were not taken from the issue's goals.
 * The held-out half (never read while writing rules) has floors a small margin under its
 * measured figures, never above them; it is skipped in a checkout without held-out calls.
 */
import { OfflineAnalyst } from '@speech/analysis';
import { halfIsPresent, loadHalf, type Half } from './src/eval-set';
import { runReference } from './src/reference-run';
import { TRANSCRIPT_STYLES } from './src/reference-transcript';
import { pct, type Summary } from './src/report';

interface Floors {
  issueRecall: number;
  issuePrecision: number;
  closingSentiment: number;
  actionItemsWithOwner: number;
  keyFactsAsked: number;
  callsWithTwoFacts: number;
  maxWrongKeys: number;
  maxContradictedWarnings: number;
}

const FLOORS: Readonly<Record<Half, Floors>> = {
  tuning: {
    issueRecall: 0.9,
    issuePrecision: 0.9,
    closingSentiment: 0.8,
    actionItemsWithOwner: 0.85,
    keyFactsAsked: 0.45,
    callsWithTwoFacts: 0.7,
    maxWrongKeys: 2,
    maxContradictedWarnings: 1,
  },
  // The first held-out set, measured once (2026-12-02: recall 50 %, precision 79 %, closing 83 %,
  // action items with owner 83 %, 8/12 calls with two facts, 3 wrong keys, 2 contradicted
  // warnings) and open for tuning since.
  development: {
    issueRecall: 0.45,
    issuePrecision: 0.74,
    closingSentiment: 0.75,
    actionItemsWithOwner: 0.75,
    keyFactsAsked: 0.25,
    callsWithTwoFacts: 0.6,
    maxWrongKeys: 3,
    maxContradictedWarnings: 2,
  },
  // First measurement of the second held-out set (2026-12-02, 12 calls, before any rule was
  // changed for round 2): recall 19 %, precision 56 %, closing 50 %, action items with owner 44 %,
  // key facts 34–37 %, 8/12 calls with two facts, 8–9 wrong keys, 2 contradicted warnings.
  // The goals are 85 / 90 / 85 / 80 / – / 12/12 / 0 / 0.
  'held-out': {
    issueRecall: 0.15,
    issuePrecision: 0.5,
    closingSentiment: 0.45,
    actionItemsWithOwner: 0.4,
    keyFactsAsked: 0.3,
    callsWithTwoFacts: 0.6,
    maxWrongKeys: 9,
    maxContradictedWarnings: 2,
  },
};

const analyst = new OfflineAnalyst();

/** Fails naming the measure and its value, e.g. { issueRecall: 0.83 } instead of { issueRecall: true }. */
function atLeast(name: string, value: number | null, floor: number): void {
  expect({ [name]: value !== null && value >= floor ? true : value }).toEqual({ [name]: true });
}

function check(s: Summary, f: Floors): void {
  atLeast('issueRecall', pct(s.issueRecall), f.issueRecall);
  atLeast('issuePrecision', pct(s.issuePrecision), f.issuePrecision);
  atLeast('closingSentiment', pct(s.sentiment.close), f.closingSentiment);
  atLeast('actionItemsWithOwner', pct(s.actionItemsOwner), f.actionItemsWithOwner);
  atLeast('keyFactsAsked', pct(s.keyFacts), f.keyFactsAsked);
  atLeast('callsWithTwoFacts', pct(s.callsWithTwoFacts), f.callsWithTwoFacts);
  expect(s.wrongKeys).toBeLessThanOrEqual(f.maxWrongKeys);
  expect(s.contradictedWarnings).toBeLessThanOrEqual(f.maxContradictedWarnings);
}

describe.each(TRANSCRIPT_STYLES)('offline analyst on the evaluation set (%s reference transcripts)', (style) => {
  it('stays above the tuning half floors', async () => {
    const calls = loadHalf('tuning');
    expect(calls.length).toBeGreaterThanOrEqual(8);
    check((await runReference(calls, analyst, style)).summary, FLOORS.tuning);
  });

  it('stays above the development half floors', async () => {
    const calls = loadHalf('development');
    expect(calls.length).toBeGreaterThanOrEqual(8);
    check((await runReference(calls, analyst, style)).summary, FLOORS.development);
  });

  // Skipped if a checkout has no held-out calls (see the module comment).
  (halfIsPresent('held-out') ? it : it.skip)('stays above the held-out half floors', async () => {
    const calls = loadHalf('held-out');
    check((await runReference(calls, analyst, style)).summary, FLOORS['held-out']);
  });
});
