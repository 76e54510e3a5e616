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

// Measured 2026-12-02 after round 2 (cased / lower case): tuning recall 98 %, precision 100 %,
// closing 90 %, owner 100 %, key facts 57–58 %, 9/10 calls with two facts, 0 wrong keys, 0
// contradicted warnings; development 96 %, 100 %, 100 %, 98 %, 41–42 %, 12/12, 0, 0.
const FLOORS: Readonly<Record<Half, Floors>> = {
  tuning: {
    issueRecall: 0.93,
    issuePrecision: 0.95,
    closingSentiment: 0.8,
    actionItemsWithOwner: 0.93,
    keyFactsAsked: 0.52,
    callsWithTwoFacts: 0.8,
    maxWrongKeys: 1,
    maxContradictedWarnings: 1,
  },
  // Rounds 1–3 of the held-out set, each measured once as held-out and open for tuning since
  // (first measured: round 1 recall 50 % / precision 79 %; round 2 19 % / 56 %; round 3 38 % /
  // 64 %). Measured 2026-12-04 with all three (cased / lower case): recall 90 / 88 %, precision
  // 95 %, closing 86 %, owner 82 %, key facts 37–38 %, 29–30/36 calls with two facts, 2 wrong
  // keys, 3 contradicted warnings.
  development: {
    issueRecall: 0.85,
    issuePrecision: 0.9,
    closingSentiment: 0.8,
    actionItemsWithOwner: 0.78,
    keyFactsAsked: 0.33,
    callsWithTwoFacts: 0.75,
    maxWrongKeys: 3,
    maxContradictedWarnings: 4,
  },
  // The fourth held-out set (h4-*), written apart from the rules by someone who had not read
  // them, and never read while writing them; only its aggregate is printed. First measured
  // 2026-12-04 with the rules of round 3: recall 23 % (15/66), precision 60 % (15/25), closing
  // 50 % (6/12), owner 59 % (23/39), key facts 25–26 %, 7–8/12 calls with two facts, 5 wrong
  // keys, 3 contradicted warnings. The floors are those less a small margin; the goals are
  // 85 / 90 / 85 / 80 / – / 12/12 / 0 / 0.
  'held-out': {
    issueRecall: 0.2,
    issuePrecision: 0.5,
    closingSentiment: 0.45,
    actionItemsWithOwner: 0.5,
    keyFactsAsked: 0.2,
    callsWithTwoFacts: 0.5,
    maxWrongKeys: 6,
    maxContradictedWarnings: 4,
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
