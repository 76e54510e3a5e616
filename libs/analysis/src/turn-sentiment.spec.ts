import { loadSentimentScorer, type SentimentScorer } from './sentiment';
import { aTranscript } from './testing/transcript-builder';
import { turnScorer } from './turn-sentiment';
import { splitUtterances } from './utterances';

/** The customer's turn score, in cased and punctuated text. */
async function customerTurn(line: string, language = 'en-US'): Promise<number> {
  const scorer: SentimentScorer = await loadSentimentScorer();
  const t = aTranscript().turn('agent', 'Anything else I can help with?').turn('customer', line).build();
  const u = splitUtterances(t).find((x) => x.speaker === 'customer');
  if (!u) throw new Error('no customer turn');
  return turnScorer({ scorer, language, issues: [] })(u, 1);
}

describe('turn sentiment at the close', () => {
  it('reads thanks with a reason as appreciation, warmer than the bare formula', async () => {
    const reasoned = await customerTurn('Thanks for working with me on this.');
    const bare = await customerTurn('Thanks.');
    expect(reasoned).toBeGreaterThanOrEqual(0.25);
    expect(reasoned).toBeGreaterThan(bare);
  });

  it('does not let "no, that is all" dilute the thanks that follow', async () => {
    expect(await customerTurn("No, that's it. Thank you for sorting it out.")).toBeGreaterThanOrEqual(0.25);
    expect(await customerTurn('No, eso es todo. Gracias por solucionarlo.', 'es-ES')).toBeGreaterThanOrEqual(0.25);
  });

  it('lets a one-word verdict speak for its turn', async () => {
    expect(await customerTurn('Perfecto, ya me ha llegado.', 'es-ES')).toBeGreaterThanOrEqual(0.1);
  });

  it('keeps a bare sign-off neutral', async () => {
    expect(Math.abs(await customerTurn('Bye.'))).toBeLessThan(0.1);
  });

  it('reads a hypothetical threat at half strength', async () => {
    const hypothetical = await customerTurn('If there is another outage, we are gone.');
    const plain = await customerTurn('There was another outage, we are gone.');
    expect(hypothetical).toBeGreaterThan(plain);
  });
});

describe('distrust at the close', () => {
  it('reads "I will believe it when I see it" as negative', async () => {
    expect(await customerTurn("Fine. I'll believe it when I see it.")).toBeLessThan(-0.1);
  });
});
