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
  // Rounds 1 and 2 of the held-out set, each measured once as held-out and open for tuning
  // since (round 1: recall 50 %, precision 79 %; round 2: 19 % and 56 % before its round, 28 %
  // and 58 % after). Measured 2026-12-04 with both: recall 96 %, precision 100 %, closing 83 %,
  // owner 83 %, key facts 43 %, 22–23/24 calls with two facts, 0 wrong keys, 2 contradicted.
  development: {
    issueRecall: 0.9,
    issuePrecision: 0.95,
    closingSentiment: 0.78,
    actionItemsWithOwner: 0.78,
    keyFactsAsked: 0.38,
    callsWithTwoFacts: 0.85,
    maxWrongKeys: 1,
    maxContradictedWarnings: 3,
  },
  // The third held-out set (h3-*), written apart from the rules and never read while writing
  // them; only its aggregate is printed. First measured 2026-12-04, with the rules of round 2:
  // recall 38 % (25/66), precision 63–64 % (27/42–43), closing 75 % (9/12), owner 80 % (36/45),
  // key facts 24–28 %, 7/12 calls with two facts, 2 wrong keys, 1 contradicted warning. The
  // floors are those less a small margin; the goals are 85 / 90 / 85 / 80 / – / 12/12 / 0 / 0.
  'held-out': {
    issueRecall: 0.34,
    issuePrecision: 0.58,
    closingSentiment: 0.7,
    actionItemsWithOwner: 0.75,
    keyFactsAsked: 0.2,
    callsWithTwoFacts: 0.5,
    maxWrongKeys: 3,
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
