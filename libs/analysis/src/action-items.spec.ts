import { extractActionItems, isScheduledNextStep } from './action-items';
import { aTranscript } from './testing/transcript-builder';

describe('extractActionItems', () => {
  const call = aTranscript()
    .turn('agent', 'makes sense could we book thirty minutes with your team next wednesday')
    .turn('customer', 'wednesday works send me an invite for ten in the morning')
    .turn('agent', "great i'll send a side by side comparison today")
    .turn('customer', 'i would have to check with finance')
    .build();
  const items = extractActionItems(call);

  it('finds proposals, requests and commitments with owners', () => {
    expect(items.map((i) => [i.owner, i.text])).toEqual([
      ['agent', 'could we book thirty minutes with your team next wednesday'],
      ['agent', 'send me an invite for ten in the morning'],
      ['agent', "i'll send a side by side comparison today"],
      ['customer', 'i would have to check with finance'],
    ]);
  });

  it('keeps the spoken due date verbatim', () => {
    expect(items.map((i) => i.dueText)).toEqual(['next wednesday', 'ten in the morning', 'today', null]);
  });

  it('times each item at its trigger word', () => {
    const agentTurn = call.segments[0];
    expect(items[0]?.atMs).toBe(agentTurn?.words[2]?.startMs);
  });

  it('marks dated meetings as booked next steps', () => {
    expect(items.map(isScheduledNextStep)).toEqual([true, true, false, false]);
  });

  it('leaves owner null for requests on mono recordings', () => {
    const mono = aTranscript().turn('speaker', 'please send the report by friday').build();
    expect(extractActionItems(mono)).toEqual([
      { text: 'please send the report by friday', owner: null, dueText: 'by friday', atMs: 0 },
    ]);
  });

  it('finds nothing in a call without commitments', () => {
    const t = aTranscript().turn('agent', 'hello how are you').turn('customer', 'fine thanks').build();
    expect(extractActionItems(t)).toEqual([]);
  });
});

describe('commitments in the present, in the third person and in contractions', () => {
  const ownersOf = (speaker: 'agent' | 'customer', line: string): Array<string | null> =>
    extractActionItems(
      aTranscript()
        .turn(speaker === 'agent' ? 'customer' : 'agent', 'okay')
        .turn(speaker, line)
        .build(),
    ).map((i) => i.owner);

  it.each<['agent' | 'customer', string]>([
    ['agent', "I'm assigning him the ticket right now so it doesn't sit again."],
    ['agent', "She's on another call, so she'll call you back by two o'clock tomorrow."],
    ['agent', 'The technician will call thirty minutes before arriving.'],
    ['agent', 'I would like a technician to check the cable.'],
    ['agent', 'Shall I keep the Wednesday appointment for you?'],
    ['agent', 'Ahora mismo anulo la penalización de cuarenta y cinco euros.'],
    ['customer', "Thursday morning works. I'll be home."],
  ])('gives the %s the item in "%s"', (speaker, line) => {
    expect(ownersOf(speaker, line)).toContain(speaker);
  });

  it.each([
    ["I'm calling about my refrigerator."],
    ['I have already sent the form last week.'],
    ['We sent you the invoice in March.'],
  ])('finds no commitment in "%s" (a reason to call, or the past)', (line) => {
    expect(ownersOf('customer', line)).toEqual([]);
  });
});

describe('requests the other side is asked to carry out', () => {
  it('gives "I need you to send …" to the other party', () => {
    const items = extractActionItems(
      aTranscript()
        .turn('customer', 'my bill is wrong again')
        .turn('agent', 'I need you to send a photo of the meter by Friday.')
        .build(),
    );
    expect(items.map((i) => i.owner)).toContain('customer');
  });
});
