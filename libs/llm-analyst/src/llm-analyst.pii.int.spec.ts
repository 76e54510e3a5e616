/**
 * PII never reaches the model: a call with planted PII of every kind, in digits and in words,
 * analysed through the local OpenAI-compatible server; every request body it received (map
 * windows, notes digests, the final call) is searched for the planted values.
 */
import type { Segment, Transcript, Word } from '@speech/contracts';
import { AnalysisResultSchema, computeMetrics, splitUtterances, type AnalysisResult } from '@speech/analysis';
import { createAnalyst, analystProviderEnvSchema } from './analyst-provider';
import { scriptedModel, startFakeOpenAiServer, type FakeOpenAiServer } from './testing/fake-openai-server';

const DIALOGUE: Array<[string, string]> = [
  ['agent', 'Good morning, this is Laura from Cedar Cloud billing. Who am I speaking with?'],
  ['customer', 'Hi Laura, my name is Priya Raman. I am calling about the price on my last invoice.'],
  ['agent', 'I understand, Priya. Can I have your account number please?'],
  ['customer', 'Sure, my account number is 00481516.'],
  ['agent', 'Thank you. And the card on file?'],
  ['customer', 'It is 4111 1111 1111 1111.'],
  ['agent', 'And the backup card?'],
  ['customer', 'five five double oh, double five five five, five five five five, five five five nine.'],
  ['agent', 'For verification, your social security number?'],
  ['customer', '123-45-6789.'],
  ['agent', 'And the social of the second account holder?'],
  ['customer', 'one two three, four five, six seven eight eight.'],
  ['agent', 'What is the best phone number to reach you?'],
  ['customer', 'My cell is (415) 555-2671, or the office, five five five, two one three, eight eight four nine.'],
  ['agent', 'And your email?'],
  ['customer', 'It is priya.raman@gmail.com, or my assistant, mary dot jones at example dot com.'],
  ['customer', 'I live at 42 Elm Street, Springfield, and the price is too expensive for us.'],
  ['agent', 'I hear you. I will send you a revised quote today, Ms. Raman.'],
  ['customer', 'Please send me the quote by Friday. Thanks, Laura.'],
];

/** Every planted value, in each spelling planted (and the parts of it that identify). */
const PLANTED = [
  'Priya',
  'Raman',
  'Laura',
  '00481516',
  '4111 1111',
  '4111',
  'five five double oh',
  'double five five five',
  '123-45-6789',
  'six seven eight eight',
  '(415) 555-2671',
  '555-2671',
  'two one three, eight eight four nine',
  'eight eight four nine',
  'priya.raman@gmail.com',
  'gmail',
  'mary dot jones',
  'example dot com',
  '42 Elm Street',
  'Elm Street',
  'Springfield',
];

function plantedCall(): Transcript {
  let t = 0;
  const segments: Segment[] = DIALOGUE.map(([speaker, text]) => {
    const words: Word[] = text.split(' ').map((w) => {
      const word = { text: w, startMs: t, endMs: t + 280, confidence: 0.95 };
      t += 300;
      return word;
    });
    t += 700;
    return { speaker, startMs: words[0]?.startMs ?? 0, endMs: words[words.length - 1]?.endMs ?? 0, text, words };
  });
  return {
    audioId: 'planted-pii',
    durationMs: t,
    language: 'en',
    engine: 'whisper',
    speakers: ['agent', 'customer'],
    segments,
    text: segments.map((s) => `${s.speaker}: ${s.text}`).join('\n'),
  };
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A planted value as a whole word sequence (a timestamp like 41110 is not "4111"). */
const containsValue = (body: string, v: string): boolean =>
  new RegExp(`(^|[^\\p{L}\\p{N}])${escape(v)}($|[^\\p{L}\\p{N}])`, 'iu').test(body);

describe.each([
  ['one window', '8000'],
  ['many windows and notes digests', '200'],
])('LLM analyst with planted PII (%s)', (_name, windowTokens) => {
  let server: FakeOpenAiServer;
  let result: AnalysisResult;

  beforeAll(async () => {
    // Long notes, so that a call cut into many windows needs digest requests too.
    server = await startFakeOpenAiServer((req, i) => {
      const answer = scriptedModel(req, i);
      if (req.schemaName !== 'call_window_findings' || !('content' in answer)) return answer;
      const content = answer.content as { notes: string };
      return { content: { ...content, notes: `${content.notes} ${'The customer asked about the bill. '.repeat(6)}` } };
    });
    const analyst = createAnalyst(
      analystProviderEnvSchema.parse({
        LLM_PROVIDER: 'openai',
        OPENAI_BASE_URL: `${server.url}/v1`,
        OPENAI_API_KEY: 'sk-test-pii',
        LLM_WINDOW_TOKENS: windowTokens,
      }),
      { sleep: async () => undefined },
    );
    result = await analyst.analyze(plantedCall(), { competitors: ['Stormvault'] });
  });
  afterAll(() => server.close());

  it('sends none of the planted values in any request', () => {
    const kinds = new Set(server.requests.map((r) => r.schemaName));
    expect(kinds).toEqual(
      new Set(
        windowTokens === '200'
          ? ['call_window_findings', 'call_notes_digest', 'call_analysis']
          : ['call_window_findings', 'call_analysis'],
      ),
    );
    for (const r of server.requests) {
      const body = JSON.stringify(r.body);
      const raw = r.body.messages.map((m) => m.content).join('\n');
      for (const v of PLANTED) {
        expect({ request: r.schemaName, value: v, found: containsValue(raw, v) || containsValue(body, v) }).toEqual({
          request: r.schemaName,
          value: v,
          found: false,
        });
      }
    }
  });

  it('sends the placeholders instead', () => {
    const maps = server.requests
      .filter((r) => r.schemaName === 'call_window_findings')
      .map((r) => r.body.messages.map((m) => m.content).join('\n'))
      .join('\n');
    for (const p of ['[CARD]', '[SSN]', '[ACCOUNT]', '[PHONE]', '[EMAIL]', '[NAME]', '[ADDRESS]'])
      expect(maps).toContain(p);
  });

  it('records the counts per kind in the provenance', () => {
    expect(result.provenance?.piiRedacted).toEqual({
      card: 2,
      ssn: 2,
      account: 1,
      phone: 2,
      email: 2,
      // Laura ×3, Priya Raman, Priya, Raman
      name: 6,
      address: 1,
    });
  });

  it('maps the findings back onto the redacted transcript', () => {
    expect(AnalysisResultSchema.safeParse(result).success).toBe(true);
    const price = result.issues.find((i) => i.type === 'price' && i.quote.includes('[ADDRESS]'));
    expect(price).toMatchObject({ speaker: 'customer' });
    expect(result.provenance?.rejectedEvidence).toEqual([]);
    // Metrics come from the words as spoken: the backup card read out in words is 11 words, not 1.
    const customer = result.metrics.speakers.find((s) => s.speaker === 'customer');
    const call = plantedCall();
    const asSpoken = computeMetrics(call, splitUtterances(call)).speakers.find((s) => s.speaker === 'customer');
    expect(customer?.wordCount).toBe(asSpoken?.wordCount);
    expect(customer?.wordCount).toBeGreaterThan(100);
    const everything = JSON.stringify(result);
    for (const v of PLANTED)
      expect({ value: v, found: containsValue(everything, v) }).toEqual({ value: v, found: false });
  });
});
