import type { Transcript } from '@speech/contracts';
import type { IssueType } from './analysis.schema';
import { detectIssues } from './issue-detector';
import { aTranscript } from './testing/transcript-builder';

/** The widened taxonomy and its guards, in lower-case unpunctuated text (pocketsphinx style). */
function customerSays(line: string): Transcript {
  return aTranscript().turn('agent', 'thanks for taking the call today').turn('customer', line).build();
}
const typesIn = (line: string): IssueType[] => detectIssues(customerSays(line)).map((i) => i.type);

describe('negotiation, retention and service issue types', () => {
  it.each<[IssueType, string]>([
    ['discount', 'that number is too high we need at least twenty percent off to renew'],
    ['discount', 'is there any flexibility on the price'],
    ['budget', 'we have been asked to cut software spend by fifteen percent'],
    ['budget', 'our budget is frozen until april'],
    ['authority', 'she signs anything over fifty thousand dollars'],
    ['authority', 'the final decision is with our finance director'],
    ['tender', 'if we cannot agree we will have to go out to tender'],
    ['tender', 'our procurement rules say we have to get three quotes'],
    ['contract-term', 'we cannot commit to three years'],
    ['contract-term', 'and we want the auto renewal clause taken out'],
    ['brush-off', 'look we are not interested thanks'],
    ['brush-off', 'just send me an email'],
    ['escalation', 'i want to speak to a supervisor'],
    ['repeat-contact', 'this is the third time i am calling about this'],
    ['repeat-contact', 'i have called about this before'],
    ['churn-threat', 'if this happens again i am switching to another provider'],
    ['churn-threat', 'i am honestly thinking of moving my home and car policies somewhere else'],
    ['billing', 'i never asked for that service'],
  ])('finds %s in "%s"', (type, line) => {
    expect(typesIn(line)).toContain(type);
  });

  it.each([
    ['praise', 'oh that would be a lot better than what we have now'],
    ['acceptance of a price', 'that is not expensive at all let us do it'],
    ['a question about cost', 'maybe what does that cost'],
    ['a question about paying', 'thursday morning works will i have to pay for that'],
    ['a budget meeting', 'i will take it to angela at our budget meeting on the tenth'],
    ['a polite close', 'no that is all have a good day'],
    ['no problems', 'no nothing we have had no problems at all'],
    ['a fault that might come back', 'i need to know the outages will not happen again'],
  ])('flags nothing in %s', (_what, line) => {
    expect(typesIn(line)).toEqual([]);
  });

  it('reads a threat to switch as a churn threat, not a competitor comparison', () => {
    expect(typesIn('if this happens again i am switching to another provider')).toEqual(['churn-threat']);
  });

  it('treats checking a fact as no authority objection', () => {
    expect(typesIn('i am not sure i would have to check with our it lead')).toEqual([]);
  });

  it('reads a "not yet" to the budget question as a budget issue', () => {
    const t = aTranscript()
      .turn('agent', 'understood and is there a budget set aside for this year')
      .turn('customer', 'not yet honestly')
      .build();
    expect(detectIssues(t).map((i) => i.type)).toEqual(['budget']);
  });
});
