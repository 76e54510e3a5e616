import type { Segment, Transcript, Word } from '@speech/contracts';
import {
  luhnValid,
  redactSegmentStream,
  redactText,
  redactTranscript,
  ssnValid,
  zeroCounts,
  type PiiCounts,
  type PiiKind,
} from './index';

const only = (kind: PiiKind, n = 1): PiiCounts => ({ ...zeroCounts(), [kind]: n });

function turns(...lines: Array<[string, string]>): Transcript {
  let t = 0;
  const segments: Segment[] = lines.map(([speaker, text]) => {
    const words: Word[] = text
      .split(/\s+/)
      .filter(Boolean)
      .map((w) => {
        const word = { text: w, startMs: t, endMs: t + 300, confidence: 0.9 };
        t += 300;
        return word;
      });
    t += 500;
    return { speaker, startMs: words[0]?.startMs ?? t, endMs: words[words.length - 1]?.endMs ?? t, text, words };
  });
  return {
    audioId: 'a1',
    durationMs: t,
    language: 'en',
    engine: 'test',
    speakers: [...new Set(lines.map((l) => l[0]))],
    segments,
    text: segments.map((s) => `${s.speaker}: ${s.text}`).join('\n'),
  };
}

describe('checksums', () => {
  it('Luhn accepts test card numbers and rejects a changed digit', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5500005555555559')).toBe(true);
    expect(luhnValid('378282246310005')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
  });
  it('SSN shape rules', () => {
    expect(ssnValid('123456789')).toBe(true);
    expect(ssnValid('000456789')).toBe(false);
    expect(ssnValid('666456789')).toBe(false);
    expect(ssnValid('923456789')).toBe(false);
    expect(ssnValid('123006789')).toBe(false);
  });
});

describe('redactText: what is redacted', () => {
  const cases: Array<[string, string, PiiCounts]> = [
    // cards
    ['card digits', 'my card number is 4111 1111 1111 1111.', only('card')],
    ['card one word', 'it is 4111111111111111', only('card')],
    [
      'card and its expiry, counted once',
      'my card number is 4111 1111 1111 1111, expiry twelve twenty seven',
      only('card'),
    ],
    ['card with its security code', 'visa 4111 1111 1111 1111 security code 123', only('card')],
    ['card with dashes', 'sure 5500-0055-5555-5559 okay', only('card')],
    ['amex 15 digits', 'the amex is 3782 822463 10005', only('card')],
    ['card spoken', 'four one one one one one one one one one one one one one one one', only('card')],
    [
      'card spoken with Whisper commas',
      "It's four, one, one, one, one, one, one, one, one, one, one, one, one, one, one, one.",
      only('card'),
    ],
    [
      'card spoken with double and oh',
      'five five double oh double five five five five five five five five nine',
      only('card'),
    ],
    [
      'card spoken with fillers',
      'four one one one uh one one one one um one one one one one one one one',
      only('card'),
    ],
    ['card with a misheard digit after a card cue', 'my visa is 4111 1111 1111 1112', only('card')],
    ['card without a cue, digits mixed', 'ok 4111 one one one one 1111 1111', only('card')],
    // SSNs
    ['ssn dashes', 'my social is 123-45-6789', only('ssn')],
    ['ssn dashes, no cue', 'it is 123-45-6789 okay', only('ssn')],
    ['ssn spaces', 'social security number 123 45 6789', only('ssn')],
    ['ssn spoken', 'my social is one two three four five six seven eight nine', only('ssn')],
    ['ssn last four', 'the last four of my social are six seven eight nine', only('ssn')],
    // phones
    ['phone dashes', 'call me at 555-123-4567', only('phone')],
    ['phone parentheses', 'the number is (415) 555-2671.', only('phone')],
    ['phone dots', 'reach me on 415.555.2671', only('phone')],
    ['phone +1', 'my cell is +1 415 555 2671', only('phone')],
    ['phone international', 'it is +44 20 7946 0958', only('phone')],
    ['phone spoken', 'my number is four one five, five five five, two six seven one', only('phone')],
    ['phone spoken with tens', 'my phone is five five five, two one two, forty five sixty seven', only('phone')],
    ['phone 1-800 spoken', 'call one eight hundred five five five one two one two', only('phone')],
    ['phone seven digits with cue', 'my cell is 555-1234', only('phone')],
    // accounts
    ['account digits', 'my account number is 12345678', only('account')],
    ['account spoken', 'my account is nine eight seven six five four three', only('account')],
    ['member id', 'member id 00481516', only('account')],
    ['policy letters and digits', 'the policy is AB1234567', only('account')],
    ['customer reference', 'my reference number is 7 7 4 2 1 9 3', only('account')],
    ['unlabelled long number', 'it is 9 8 7 6 5 4 3 2 1 0 9', only('account')],
    // emails
    ['email written', 'my email is john.smith@gmail.com.', only('email')],
    ['email half written', 'it is john.smith at gmail.com', only('email')],
    ['email spoken', 'it is john dot smith at gmail dot com', only('email')],
    ['email spoken co uk', 'send it to mary underscore jones at example dot co dot uk', only('email')],
    ['email spelled', 'j o h n at yahoo dot com', only('email')],
    ['email as Whisper half heard it', 'it is john .smuth at gmail.com', only('email')],
    // names
    ['name cue', 'My name is Priya Raman.', only('name')],
    ['name cue lower case', 'my name is priya raman', only('name')],
    ['name after this is (cased)', 'Hi, this is Laura from Cedar Cloud.', only('name')],
    ['name lower case with from', 'hi this is laura from cedar cloud', only('name')],
    ['title', 'I spoke with Mrs. Okafor yesterday', only('name')],
    ['spelled name', 'my last name is spelled k o w a l s k i', only('name')],
    // addresses
    ['street address', 'I live at 42 Elm Street, Springfield, Illinois 62704.', only('address')],
    ['spoken street', 'it is twelve oak avenue', only('address')],
    ['address cue', 'my address is 1600 Pennsylvania Avenue Northwest, Washington', only('address')],
    ['zip code', 'my zip is nine four one zero five', only('address')],
  ];
  it.each(cases)('%s', (_name, text, counts) => {
    const r = redactText(text, 'customer');
    expect({ text: r.value, counts: r.counts }).toEqual({ text: expect.any(String), counts });
  });

  it('replaces the digits with the placeholder', () => {
    expect(redactText('my card number is 4111 1111 1111 1111, thanks', 'customer').value).toBe(
      'my card number is [CARD], thanks',
    );
    expect(redactText('email john dot smith at gmail dot com please').value).toBe('email [EMAIL] please');
    expect(redactText('I live at 42 Elm Street. Thanks').value).toBe('I live at [ADDRESS]. Thanks');
  });
});

describe('redactText: what is kept', () => {
  const kept: Array<[string, string]> = [
    ['prices', 'the price is $89 a month, or $1,250 a year, that is 89,000 over the contract'],
    ['spoken prices', 'it is eighty nine dollars, one forty nine for the premium'],
    ['dates', 'we met on March 15, 2024 and again on 12/05/2024'],
    ['times', 'call back at 10:30 or at three thirty'],
    ['quantities', 'we need twenty five seats, maybe one or two more, and 500 licences'],
    ['model numbers', 'the model XR-5000 or the WH-1000XM4, part number 123456789'],
    ['years and percentages', 'since 2019 we grew 15% and in 2023 by 20%'],
    ['a short count', 'one two three, can you hear me'],
    ['agent reference', 'your reference number is 7 7 4 2 1 9 3'],
    ['order quantity with order', 'I would like to order 200000 units'],
    ['everyday words after cues', 'this is great, I am calling about my bill, thanks so much'],
    ['an interjection oh', 'oh, okay, oh no'],
    ['decimals', 'it went up 3.5 percent to 12.99'],
  ];
  it.each(kept)('%s', (name, text) => {
    const r = redactText(text, name === 'agent reference' ? 'agent' : 'customer');
    expect(r.value).toBe(text);
    expect(r.counts).toEqual(zeroCounts());
  });
});

describe('redactTranscript', () => {
  const t = turns(
    ['agent', 'Thanks for calling, this is Laura. Can I have your card number?'],
    ['customer', 'Sure, it is 4111 1111'],
    ['agent', 'Mhm.'],
    ['customer', '1111 1111.'],
    ['agent', 'And your social security number?'],
    ['customer', 'one two three, four five, six seven eight nine'],
    ['agent', 'Thank you Laura here again, and the email?'],
    ['customer', 'My name is Tom Baker, email tom dot baker at gmail dot com. Call me Tom.'],
  );
  const { transcript, counts } = redactTranscript(t);

  it('counts each span once per kind', () => {
    expect(counts).toEqual({ card: 1, ssn: 1, account: 0, phone: 0, email: 1, name: 4, address: 0 });
  });

  it('reads a card number across the other speaker’s backchannel and cues from the question', () => {
    expect(transcript.segments[1]?.text).toBe('Sure, it is [CARD]');
    expect(transcript.segments[2]?.text).toBe('Mhm.');
    expect(transcript.segments[3]?.text).toBe('[CARD].');
    expect(transcript.segments[5]?.text).toBe('[SSN]');
  });

  it('redacts later mentions of a name found by a cue', () => {
    expect(transcript.segments[6]?.text).toBe('Thank you [NAME] here again, and the email?');
    expect(transcript.segments[7]?.text).toBe('My name is [NAME], email [EMAIL]. Call me [NAME].');
  });

  it('keeps word timing: one placeholder word spans the words it replaces', () => {
    const original = t.segments[5]?.words ?? [];
    const ssn = transcript.segments[5]?.words ?? [];
    expect(ssn).toHaveLength(1);
    expect(ssn[0]).toMatchObject({
      text: '[SSN]',
      startMs: original[0]?.startMs,
      endMs: original[original.length - 1]?.endMs,
    });
    expect(transcript.text).toContain('customer: [SSN]');
    expect(transcript.text).not.toMatch(/4111|baker|six seven eight/i);
  });

  it('leaves a transcript without PII as it is', () => {
    const clean = turns(['agent', 'hello there'], ['customer', 'we need two seats at $89']);
    expect(redactTranscript(clean).transcript).toBe(clean);
  });

  it('is idempotent: placeholders are never redacted again', () => {
    const again = redactTranscript(transcript);
    expect(again.counts).toEqual(zeroCounts());
    expect(again.transcript.text).toBe(transcript.text);
  });
});

describe('what Whisper tiny.en wrote of the planted-PII call (test/fixtures/planted-pii.txt)', () => {
  const heard = turns(
    ['agent', 'Thank you. What is the card number in the account?'],
    ['customer', 'it is 4 -11 -11 -11 -11 -11 -11 -11.'],
    ['agent', 'And your social security number?'],
    ['customer', '1 -2 -3 -4 -5 -6 -7 -8 -9'],
    ['agent', 'What is the best phone number to reach you?'],
    ['customer', 'My phone number is 555 - IDs amplifier 3 -8849'],
    // another run: Whisper repeated the social in the next answer, around a Luhn-valid stretch
    ['agent', 'What is the best phone number to reach you?'],
    ['customer', '-1 -2 -3 -4 -5 -6 -7 -8 -9 -4 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -1 -4 -5 -6 -7 -8 -7 -8 -9.'],
    ['agent', 'And your mail address?'],
    ['customer', 'It is John .smitholyot .com'],
    ['agent', 'And your account number?'],
    ['customer', 'My account number is 9 -8765332 I'],
    ['agent', 'And the address on file?'],
    ['customer', 'live at 4T2 Elm Street Spring Field.'],
    ['agent', 'Thank you. Visit cedarcloud.com for the invoice.'],
  );
  it('redacts digits written with dashes, fragments of a number asked for, and half-heard emails', () => {
    const { transcript, counts } = redactTranscript(heard);
    expect(counts).toEqual({ card: 2, ssn: 1, account: 1, phone: 4, email: 1, name: 0, address: 1 });
    expect(transcript.segments.map((s) => s.text).filter((_, i) => i % 2 === 1)).toEqual([
      'it is [CARD].',
      '[SSN]',
      'My phone number is [PHONE] - IDs amplifier [PHONE]',
      expect.not.stringMatching(/\d/),
      'It is [EMAIL]',
      'My account number is [ACCOUNT] I',
      'live at [ADDRESS].',
    ]);
    expect(transcript.segments[14]?.text).toBe('Thank you. Visit cedarcloud.com for the invoice.');
  });
});

describe('redactSegmentStream', () => {
  it('redacts like the whole-transcript function and fills the counts', async () => {
    const t = turns(
      ['agent', 'Can I get your phone number?'],
      ['customer', 'It is 415 555 2671 and my email is ann@example.org'],
      ['customer', 'My name is Ann Lee.'],
    );
    async function* source(): AsyncGenerator<Segment> {
      yield* t.segments;
    }
    const counts = zeroCounts();
    const out: Segment[] = [];
    for await (const s of redactSegmentStream(source(), counts)) out.push(s);
    expect(out.map((s) => s.text)).toEqual(redactTranscript(t).transcript.segments.map((s) => s.text));
    expect(counts).toEqual({ ...zeroCounts(), phone: 1, email: 1, name: 1 });
  });
});
