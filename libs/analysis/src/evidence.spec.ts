import { aTranscript } from './testing/transcript-builder';
import { TranscriptIndex, normalizeForEvidence } from './evidence';

const t = aTranscript()
  .turn('agent', "Hi, this is Laura. I understand — pricing's a concern?", { atMs: 0 })
  .turn('customer', 'yes your price is almost double what stormvault quoted', { atMs: 5000 })
  .turn('agent', 'I hear you. Does the Stormvault quote include support', { atMs: 10_000 })
  .turn('customer', 'your price is almost double', { atMs: 60_000 })
  .build();
const index = new TranscriptIndex(t);

describe('normalizeForEvidence', () => {
  it.each([
    ['  Your PRICE is\talmost   double!! ', 'your price is almost double'],
    ["pricing's a concern?", 'pricing s a concern'],
    ['Café — déjà vu', 'cafe deja vu'],
    ['ＰＲＩＣＥ', 'price'],
    ['...', ''],
  ])('%j → %j', (input, expected) => expect(normalizeForEvidence(input)).toBe(expected));
});

describe('TranscriptIndex.find', () => {
  it('finds a quote regardless of case, punctuation and spacing, with the words’ own times and speaker', () => {
    const m = index.find('Your price is ALMOST double, what Stormvault quoted.');
    expect(m).toMatchObject({
      quote: 'your price is almost double what stormvault quoted',
      speaker: 'customer',
      startMs: 5300,
    });
    expect(m?.endMs).toBe(5000 + 9 * 300);
  });

  it('matches punctuation inside transcript words too', () => {
    expect(index.find('I understand, pricings a concern')).toBeNull(); // "pricing's" ≠ "pricings"
    expect(index.find("i understand pricing's a concern")?.quote).toBe("I understand — pricing's a concern?");
  });

  it('rejects invented words, partial words, and quotes spanning two turns', () => {
    expect(index.find('your price is triple')).toBeNull();
    expect(index.find('our price is almost')).toBeNull(); // "your" ≠ "our"
    expect(index.find('stormvault quoted i hear you')).toBeNull();
    expect(index.find('   ')).toBeNull();
  });

  it('picks the occurrence closest to the claimed time', () => {
    expect(index.find('your price is almost double', { nearMs: 59_000 })?.startMs).toBe(60_000);
    expect(index.find('your price is almost double', { nearMs: 0 })?.startMs).toBe(5300);
  });

  it('searches only the given words when told to (the window the model saw)', () => {
    const firstTurns = { from: 0, to: t.segments[0]!.words.length + t.segments[1]!.words.length };
    expect(index.find('does the stormvault quote', { within: firstTurns })).toBeNull();
    expect(index.find('your price is almost double', { within: firstTurns, nearMs: 60_000 })?.startMs).toBe(5300);
    const last = index.wordCount - t.segments[3]!.words.length;
    expect(index.find('your price is almost double', { within: { from: last, to: index.wordCount } })?.startMs).toBe(
      60_000,
    );
  });
});
