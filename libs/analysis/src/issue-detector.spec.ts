import type { Transcript } from '@speech/contracts';
import type { IssueType } from './analysis.schema';
import { detectIssues, editDistance, findCompetitorNames } from './issue-detector';
import { aTranscript } from './testing/transcript-builder';
import { tokenizeText } from './tokens';

/** A stereo call where the customer says `line` after a neutral agent opener. */
function customerSays(line: string): Transcript {
  return aTranscript().turn('agent', 'thanks for taking the call today').turn('customer', line).build();
}

const typesIn = (t: Transcript, competitors: string[] = []): IssueType[] =>
  detectIssues(t, { competitors }).map((i) => i.type);

describe('detectIssues', () => {
  // Phrasings as pocketsphinx would produce them: lowercase, no punctuation, filler
  // words inserted, "too" heard as "to", contractions kept or split.
  it.each<[IssueType, string]>([
    ['price', 'yeah the price is uh almost double what we pay'],
    ['price', 'honestly that is way to expensive for a team our size'],
    ['price', 'it is well over our budget for this year'],
    ['competitor', 'the other vendor quoted us a lot less'],
    ['competitor', 'we are currently using a different backup tool'],
    ['timing', 'i only got like ten minutes before my next meeting'],
    ['timing', 'this is just not the right time for us'],
    ['timing', 'i can give you ten minutes i have a board meeting right after'],
    ['authority', "i'd have to check with my boss first"],
    ['authority', 'we need to run it by our legal team before we sign'],
    ['need', "honestly we don't really need this"],
    ['trust', "i've never heard of your company to be honest"],
    ['trust', 'it sounds to good to be true'],
    ['product', 'the app keeps uh crashing every time i open it'],
    ['product', 'my internet is down again since yesterday'],
    ['support', 'i waited on hold for over an hour last week'],
    ['support', 'nobody ever called me back about the ticket'],
    ['billing', 'i was charged twice on my card this month'],
    ['billing', 'i just want a refund for last month'],
    ['churn-threat', 'if this keeps happening i want to cancel my account'],
  ])('finds %s in "%s"', (type, line) => {
    expect(typesIn(customerSays(line))).toContain(type);
  });

  it('quotes words that occur contiguously in the transcript, with their times', () => {
    const t = customerSays('well to be honest your price is almost double what the others quoted us so yeah');
    const issues = detectIssues(t);
    expect(issues.length).toBeGreaterThan(0);
    const segment = t.segments[1];
    for (const issue of issues) {
      expect(segment?.text).toContain(issue.quote);
      const n = issue.quote.split(' ').length;
      expect(n).toBeGreaterThanOrEqual(6);
      expect(n).toBeLessThanOrEqual(20);
      const first = segment?.words.find((w) => w.startMs === issue.startMs);
      expect(first?.text).toBe(issue.quote.split(' ')[0]);
    }
  });

  it('ignores what the agent says on stereo calls', () => {
    const t = aTranscript()
      .turn('agent', 'some customers find other vendors to expensive but we are not')
      .turn('customer', 'okay sounds good')
      .build();
    expect(detectIssues(t)).toEqual([]);
  });

  it('searches every utterance of a mono recording', () => {
    const t = aTranscript().turn('speaker', 'to be honest it is over our budget').build();
    expect(typesIn(t)).toEqual(['price']);
  });

  it('finds nothing in neutral small talk', () => {
    const t = customerSays('thanks a lot that sounds great have a good weekend');
    expect(detectIssues(t)).toEqual([]);
  });

  it('gives noisier matches lower confidence', () => {
    const [exact] = detectIssues(customerSays('that is too expensive for us right now honestly'));
    const [noisy] = detectIssues(customerSays('that is too uh well expensive for us right now honestly'));
    expect(exact?.type).toBe('price');
    expect(noisy?.type).toBe('price');
    expect(noisy?.confidence ?? 1).toBeLessThan(exact?.confidence ?? 0);
  });

  it('merges overlapping findings of the same type', () => {
    const t = customerSays('it is too expensive way too expensive and over our budget');
    expect(typesIn(t)).toEqual(['price']);
  });

  it('keeps separate mentions far apart', () => {
    const t = aTranscript()
      .turn('customer', 'first of all it is too expensive for us')
      .turn('agent', 'i understand what budget did you have in mind')
      .turn('customer', 'well i still think it is too expensive compared to last year')
      .build();
    expect(typesIn(t)).toEqual(['price', 'price']);
  });

  describe('custom competitor names', () => {
    it('matches names the recogniser split or misspelled', () => {
      expect(typesIn(customerSays('we have been talking to storm vault about this'), ['Stormvault'])).toEqual([
        'competitor',
      ]);
      expect(typesIn(customerSays('we have been talking to storm volt about this'), ['Stormvault'])).toEqual([
        'competitor',
      ]);
    });

    it('does not match unrelated words', () => {
      expect(typesIn(customerSays('a storm took out the power last week and'), ['Stormvault'])).not.toContain(
        'competitor',
      );
    });

    it('matches multi-word names', () => {
      const found = findCompetitorNames(tokenizeText('we use acme backup today'), ['Acme Backup']);
      expect(found).toEqual([{ start: 2, end: 4, exact: true }]);
    });
  });

  it('computes bounded edit distance', () => {
    expect(editDistance('stormvolt', 'stormvault', 2)).toBe(2);
    expect(editDistance('kitten', 'sitting', 1)).toBe(2); // exceeds max: max + 1
  });
});
