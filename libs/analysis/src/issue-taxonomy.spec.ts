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

describe('round 2: wider patterns for every type, with their guards', () => {
  it.each<[IssueType, string]>([
    ['price', 'forty nine thousand two hundred is not going to work'],
    ['price', 'with a five percent increase on top of last year it is hard to justify the cost'],
    ['discount', 'can you knock something off if we pay upfront'],
    ['budget', 'there is nothing set aside for that'],
    ['budget', 'the money has already been allocated this year'],
    ['authority', 'our owner will want to read it herself before anything gets signed'],
    ['authority', 'our managing partner david hale has to sign'],
    ['authority', 'let me take that back to the partners'],
    ['tender', 'the board policy requires three quotes for anything this size'],
    ['contract-term', 'we do not sign anything longer than twelve months'],
    ['contract-term', 'and we would need service credits if you miss it'],
    ['competitor', 'we are talking to other vendors as well'],
    ['timing', 'you have got forty five seconds'],
    ['timing', 'i am on a job site so make it quick'],
    ['need', 'my wife does it on a spreadsheet'],
    ['need', 'we already have that covered'],
    ['trust', 'i have heard this pitch before every vendor says they cut labor costs'],
    ['trust', 'where does our data live'],
    ['brush-off', 'just email me the case study'],
    ['brush-off', 'email is fine calling back we will see'],
    ['product', 'calls drop right in the middle'],
    ['product', 'a nightly file is going to be a problem'],
    ['support', 'the guy told me it was fixed it is not fixed'],
    ['support', 'that is another week without a fridge that is not acceptable'],
    ['billing', 'you charged me one hundred seventy three dollars this month'],
    ['billing', 'the meter reading is wrong'],
    ['escalation', 'i want to talk to someone above you'],
    ['repeat-contact', 'i already called about this on saturday'],
    ['repeat-contact', 'i opened a ticket three weeks ago'],
    ['churn-threat', 'i am cancelling this warranty'],
    ['churn-threat', 'why should not i just take that and switch'],
    ['churn-threat', 'we will not be renewing'],
  ])('finds %s in "%s"', (type, line) => {
    expect(typesIn(line)).toContain(type);
  });

  it.each([
    ['a price that went down', 'the monthly cost is a lot less than we were paying a temp'],
    ['a discount in the past', 'we had a discount on the first term too and that was fine'],
    ['a question about a fault', 'so is my router broken'],
    ['a condition, not a repeat', 'if this happens again we will talk'],
    ['a condition, not a support failure', 'and if it is not fixed'],
    ['time offered, not time refused', 'sure happy to i have about twenty minutes'],
    ['a vendor claim about costs', 'they say they can cut your costs'],
    ['not leaving', 'we do not want to cancel we like it'],
  ])('flags nothing in %s', (_what, line) => {
    expect(typesIn(line)).toEqual([]);
  });

  it('reads an amount that "is not going to work" as price, not a product fault', () => {
    expect(typesIn('forty nine thousand two hundred is not going to work')).toEqual(['price']);
  });

  it('reads a service-credit demand as contract terms, not an outage', () => {
    expect(typesIn('no service credits is not acceptable for a law firm')).not.toContain('product');
  });
});

describe('round 2: Spanish and service phrasings', () => {
  it.each<[IssueType, string]>([
    ['price', 'la prima ha subido otra vez y es demasiado cara'],
    ['competitor', 'otra aseguradora me ha ofrecido lo mismo'],
    ['churn-threat', 'quiero cancelar la poliza'],
    ['churn-threat', 'no voy a renovar'],
    ['repeat-contact', 'es la tercera vez que llamo'],
    ['timing', 'ahora mismo no puedo estoy conduciendo'],
    ['need', 'ya lo tenemos cubierto'],
    ['support', 'the engineer never showed up'],
    ['billing', 'we could not have used that much'],
    ['trust', 'is the portal hipaa compliant'],
    ['price', 'my premium went up again'],
  ])('finds %s in "%s"', (type, line) => {
    expect(typesIn(line)).toContain(type);
  });

  it('does not read a charge that happened twice as a second call', () => {
    expect(typesIn('es la segunda vez que pasa')).not.toContain('repeat-contact');
  });
});
