/**
 * Contract tests of the LLM analyst against local servers speaking the OpenAI and Azure
 * OpenAI chat-completions wire formats: request shapes, structured outputs, validation and
 * repair, evidence checking, retries, provenance, and map-reduce over a 100-hour call.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Segment, Transcript } from '@speech/contracts';
import { type AnalysisResult, AnalysisResultSchema, computeMetrics } from '@speech/analysis';
import { transcriptFromDialogue } from '@speech/analysis/testing';
import { createAnalyst, analystProviderEnvSchema, type AnalystProviderEnv } from './analyst-provider';
import { CallAnalysisSchema, WindowFindingsSchema, jsonSchemaOf } from './llm-schemas';
import { LLM_PROMPT_VERSION } from './prompts';
import {
  callContextOf,
  linesOf,
  scriptedFindings,
  scriptedModel,
  startFakeOpenAiServer,
  type FakeOpenAiServer,
  type ModelAnswer,
  type Responder,
} from './testing/fake-openai-server';
import { renderLine, transcriptLines, maxLineCharsFor } from './windows';
import { redactTranscript } from '@speech/redaction';

const dialogue = readFileSync(join(__dirname, '../../../test/fixtures/sales-discovery.txt'), 'utf8');
const sales = (): Transcript => transcriptFromDialogue(dialogue, { audioId: 'sales-discovery' });

interface Harness {
  server: FakeOpenAiServer;
  waits: number[];
  warnings: Array<{ obj: Record<string, unknown>; msg: string }>;
  analyst: ReturnType<typeof createAnalyst>;
}

async function harness(
  responder: Responder,
  env: Record<string, string> = {},
  opts: { azure?: boolean; model?: string } = {},
): Promise<Harness> {
  const server = await startFakeOpenAiServer(responder, opts);
  const waits: number[] = [];
  const warnings: Harness['warnings'] = [];
  const cfg: AnalystProviderEnv = analystProviderEnvSchema.parse(
    opts.azure
      ? {
          LLM_PROVIDER: 'azure-openai',
          AZURE_OPENAI_ENDPOINT: server.url,
          AZURE_OPENAI_API_KEY: 'azure-test-key',
          AZURE_OPENAI_DEPLOYMENT: 'analyst-gpt4o',
          ...env,
        }
      : { LLM_PROVIDER: 'openai', OPENAI_BASE_URL: `${server.url}/v1`, OPENAI_API_KEY: 'sk-test-abc', ...env },
  );
  const analyst = createAnalyst(cfg, {
    sleep: async (ms) => void waits.push(ms),
    logger: { warn: (obj, msg) => void warnings.push({ obj, msg }) },
  });
  return { server, waits, warnings, analyst };
}

describe('LLM analyst over the OpenAI wire format', () => {
  let h: Harness;
  let result: AnalysisResult;
  const t = sales();

  beforeAll(async () => {
    h = await harness(scriptedModel);
    result = await h.analyst.analyze(t, { competitors: ['Stormvault'] });
  });
  afterAll(() => h.server.close());

  it('posts chat completions with the bearer key and the configured model', () => {
    expect(h.server.requests.map((r) => [r.method, r.url, r.schemaName])).toEqual([
      ['POST', '/v1/chat/completions', 'call_window_findings'],
      ['POST', '/v1/chat/completions', 'call_analysis'],
    ]);
    for (const r of h.server.requests) {
      expect(r.headers['authorization']).toBe('Bearer sk-test-abc');
      expect(r.headers['api-key']).toBeUndefined();
      expect(r.body.model).toBe('gpt-4o-mini');
      expect(r.body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    }
  });

  it('demands strict json_schema structured output with our schemas', () => {
    const [map, call] = h.server.requests;
    expect(map?.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'call_window_findings', strict: true, schema: jsonSchemaOf(WindowFindingsSchema) },
    });
    expect(call?.body.response_format).toEqual({
      type: 'json_schema',
      json_schema: { name: 'call_analysis', strict: true, schema: jsonSchemaOf(CallAnalysisSchema) },
    });
    // The issues inside are the offline analysis's own issue schema.
    const issueItems = (
      jsonSchemaOf(WindowFindingsSchema) as { properties: { issues: { items: { required: string[] } } } }
    ).properties.issues.items;
    expect([...issueItems.required].sort()).toEqual(['confidence', 'endMs', 'quote', 'speaker', 'startMs', 'type']);
  });

  it('sends the transcript as timestamped lines with the competitors', () => {
    const user = h.server.requests[0]?.body.messages[1]?.content ?? '';
    expect(user).toContain('Competitors to flag as "competitor" issues when mentioned: Stormvault.');
    expect(user).toContain('Part 1 of 1');
    // The transcript as redacted before any request (the names of agent and customer).
    const redacted = redactTranscript(t).transcript;
    for (const line of transcriptLines(redacted, maxLineCharsFor(8000))) expect(user).toContain(renderLine(line));
    expect(user).toContain('[NAME]');
    expect(user).not.toMatch(/\blaura\b/);
  });

  it('returns a valid AnalysisResult with issues, summary and action items from the model', () => {
    expect(AnalysisResultSchema.safeParse(result).success).toBe(true);
    expect(result.analyst).toBe('openai');
    expect(result.callType).toBe('sales');
    expect(result.summary).toMatch(/^Sales call\./);
    expect([...new Set(result.issues.map((i) => i.type))].sort()).toEqual(['competitor', 'price']);
    expect(result.actionItems.length).toBeGreaterThan(0);
    expect(result.actionItems.some((a) => a.dueText === 'next wednesday' && a.owner === 'customer')).toBe(true);
    expect(result.quiz).toHaveLength(3);
  });

  it('cites evidence that occurs in the transcript, with the transcript’s times and speaker', () => {
    const quotes = [
      ...result.issues.map((i) => i.quote),
      ...result.sentiment.shifts.map((s) => s.quote),
      ...result.coaching.flatMap((c) => (c.basis.quote ? [c.basis.quote] : [])),
    ];
    expect(quotes.length).toBeGreaterThan(2);
    for (const q of quotes) expect(t.text).toContain(q);
    const price = result.issues.find((i) => i.type === 'price');
    const word = t.segments
      .flatMap((s) => s.words)
      .find((w) => w.text === 'that' && w.startMs >= (price?.startMs ?? 0));
    expect(price).toMatchObject({ speaker: 'customer', startMs: word?.startMs });
  });

  it('keeps metrics deterministic: computed by our code, given to the model as context', () => {
    expect(result.metrics).toEqual(computeMetrics(t));
    const ctx = callContextOf(h.server.requests[1]!);
    const talk = result.metrics.speakers.find((s) => s.speaker === 'agent')?.talkRatio;
    expect(ctx.metrics).toContainEqual({ name: 'agent.talkRatio', value: talk });
    // The model said 0.99; the stored value is ours.
    expect(result.coaching.find((c) => c.id === 'talk-ratio')?.basis).toMatchObject({
      metric: 'agent.talkRatio',
      value: talk,
    });
    // The model was never asked for metrics.
    expect(JSON.stringify(jsonSchemaOf(CallAnalysisSchema))).not.toContain('silenceShare');
  });

  it('gives the reduce findings and notes, never transcript lines', () => {
    const ctx = callContextOf(h.server.requests[1]!);
    expect([...new Set(ctx.issues.map((i) => i.type))].sort()).toEqual(['competitor', 'price']);
    expect(ctx.notes).toHaveLength(1);
    const user = h.server.requests[1]?.body.messages[1]?.content ?? '';
    expect(user).not.toMatch(/\[\d+-\d+\] (agent|customer): /);
    expect(user).not.toContain('around forty terabytes across three offices');
  });

  it('records provenance: provider, answering model, prompt version, summed usage, duration', () => {
    const usage = h.server.requests.length; // two requests, usage summed below
    expect(usage).toBe(2);
    expect(result.provenance).toMatchObject({
      provider: 'openai',
      model: 'gpt-4o-mini-2024-07-18',
      promptVersion: LLM_PROMPT_VERSION,
      llmRequests: 2,
      rejectedEvidence: [],
    });
    const u = result.provenance?.usage;
    expect(u?.totalTokens).toBe((u?.promptTokens ?? 0) + (u?.completionTokens ?? 0));
    expect(u?.promptTokens).toBeGreaterThan(100);
    expect(result.provenance?.durationMs).toBeGreaterThanOrEqual(0);
  });
});

describe('LLM analyst over the Azure OpenAI wire format', () => {
  it('calls /openai/deployments/<deployment>/chat/completions with api-version and api-key', async () => {
    const h = await harness(scriptedModel, {}, { azure: true, model: 'gpt-4o-2024-08-06' });
    try {
      const r = await h.analyst.analyze(sales());
      expect(h.server.requests).toHaveLength(2);
      for (const req of h.server.requests) {
        expect(req.url).toBe('/openai/deployments/analyst-gpt4o/chat/completions?api-version=2024-10-21');
        expect(req.headers['api-key']).toBe('azure-test-key');
        expect(req.headers['authorization']).toBeUndefined();
        expect(req.body.response_format?.json_schema?.strict).toBe(true);
      }
      expect(r.analyst).toBe('azure-openai');
      expect(r.provenance).toMatchObject({ provider: 'azure-openai', model: 'gpt-4o-2024-08-06' });
      expect(AnalysisResultSchema.safeParse(r).success).toBe(true);
    } finally {
      await h.server.close();
    }
  });

  it('fails with a non-retriable ANALYSIS.CONTENT_FILTERED when Azure filters the answer', async () => {
    const h = await harness(() => ({ content: '', finishReason: 'content_filter' }), {}, { azure: true });
    try {
      await expect(h.analyst.analyze(sales())).rejects.toMatchObject({
        code: 'ANALYSIS.CONTENT_FILTERED',
        retriable: false,
      });
    } finally {
      await h.server.close();
    }
  });
});

describe('validation of the model’s answers', () => {
  it('retries an answer that does not validate, sending the errors back', async () => {
    const h = await harness((req, i) =>
      i === 0 ? { content: { notes: 'x', issues: [{ type: 'weather' }] } } : scriptedModel(req, i),
    );
    try {
      const r = await h.analyst.analyze(sales());
      expect(AnalysisResultSchema.safeParse(r).success).toBe(true);
      const repair = h.server.requests[1]!;
      expect(repair.schemaName).toBe('call_window_findings');
      expect(repair.body.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
      expect(repair.body.messages[2]?.content).toBe(JSON.stringify({ notes: 'x', issues: [{ type: 'weather' }] }));
      expect(repair.body.messages[3]?.content).toMatch(/does not validate[\s\S]*issues\.0\.type/);
      expect(repair.body.messages[3]?.content).toMatch(/sentiment/); // the missing field is named
      expect(r.provenance?.llmRequests).toBe(3);
      expect(h.warnings.some((w) => w.msg === 'LLM answer failed validation')).toBe(true);
    } finally {
      await h.server.close();
    }
  });

  it('sends refinement errors back too (a coaching item without a benchmark)', async () => {
    let calls = 0;
    const h = await harness((req, i) => {
      if (req.schemaName !== 'call_analysis' || calls++ > 0) return scriptedModel(req, i);
      const answer = JSON.parse(JSON.stringify((scriptedModel(req, i) as { content: unknown }).content)) as {
        coaching: Array<{ basis: { benchmark: string } }>;
      };
      answer.coaching[0]!.basis.benchmark = ' ';
      return { content: answer };
    });
    try {
      await h.analyst.analyze(sales());
      const repair = h.server.requests.find((r) => r.schemaName === 'call_analysis' && r.body.messages.length === 4);
      expect(repair?.body.messages[3]?.content).toContain('coaching must name its benchmark');
    } finally {
      await h.server.close();
    }
  });

  it('fails with a clear, non-retriable ANALYSIS.INVALID_OUTPUT when the repair fails too', async () => {
    const h = await harness(() => ({ content: 'Sure! Here is the analysis: {"notes": ' }));
    try {
      const err = await h.analyst.analyze(sales()).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ANALYSIS.INVALID_OUTPUT', retriable: false });
      expect((err as Error).message).toMatch(
        /window findings answer of openai\/gpt-4o-mini did not validate after 2 attempt\(s\): the answer is not valid JSON/,
      );
      expect(h.server.requests).toHaveLength(2);
    } finally {
      await h.server.close();
    }
  });

  it('honours LLM_MAX_REPAIRS=0 and treats a truncated answer as invalid', async () => {
    const h = await harness(() => ({ content: '{"notes":"cut', finishReason: 'length' }), { LLM_MAX_REPAIRS: '0' });
    try {
      const err = await h.analyst.analyze(sales()).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ANALYSIS.INVALID_OUTPUT', retriable: false });
      expect((err as Error).message).toContain('finish_reason=length');
      expect(h.server.requests).toHaveLength(1);
    } finally {
      await h.server.close();
    }
  });

  it('stops on a refusal with ANALYSIS.REFUSED', async () => {
    const h = await harness(() => ({ content: null, refusal: "I'm sorry, I can't help with that." }));
    try {
      await expect(h.analyst.analyze(sales())).rejects.toMatchObject({ code: 'ANALYSIS.REFUSED', retriable: false });
    } finally {
      await h.server.close();
    }
  });
});

describe('evidence checking', () => {
  const invented = 'our current vendor lost all our data twice';
  let h: Harness;
  let r: AnalysisResult;
  const t = sales();

  beforeAll(async () => {
    h = await harness((req, i): ModelAnswer => {
      if (req.schemaName === 'call_window_findings') {
        const f = scriptedFindings(req) as { issues: Array<Record<string, unknown>> };
        const price = linesOf(req).find((l) => l.text.includes('price'));
        f.issues = [
          // Invented: no such words in the call.
          { type: 'trust', quote: invented, startMs: 1000, endMs: 3000, speaker: 'customer', confidence: 0.9 },
          // Real words, different case/punctuation/spacing, wrong times and speaker.
          {
            type: 'price',
            quote: 'Your PRICE is   almost double, what  Stormvault quoted!',
            startMs: 5,
            endMs: 6,
            speaker: 'agent',
            confidence: 0.9,
          },
          // Words of two different turns glued together: not a quote.
          {
            type: 'timing',
            quote: 'keep it short of course',
            startMs: price?.startMs ?? 0,
            endMs: price?.endMs ?? 0,
            speaker: 'customer',
            confidence: 0.5,
          },
        ];
        return { content: f };
      }
      if (req.schemaName === 'call_analysis') {
        const a = scriptedModel(req, i) as { content: { coaching: Array<{ evidence: unknown; id: string }> } };
        a.content.coaching.push({
          ...(a.content.coaching[a.content.coaching.length - 1] as object),
          id: 'invented-moment',
          evidence: { quote: 'you promised a free upgrade last year', startMs: 1000, endMs: 2000 },
        } as { evidence: unknown; id: string });
        return a;
      }
      return scriptedModel(req, i);
    });
    r = await h.analyst.analyze(t);
  });
  afterAll(() => h.server.close());

  it('drops a finding whose quote is not in the transcript, and records why', () => {
    expect(r.issues.map((i) => i.quote)).not.toContain(invented);
    expect(r.issues.some((i) => i.type === 'trust' || i.type === 'timing')).toBe(false);
    expect(r.provenance?.rejectedEvidence).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'issue', quote: invented, reason: expect.stringContaining('not found') }),
        expect.objectContaining({ kind: 'issue', quote: 'keep it short of course' }),
        expect.objectContaining({ kind: 'coaching', quote: 'you promised a free upgrade last year' }),
      ]),
    );
    expect(h.warnings.some((w) => w.msg.includes('evidence not in the transcript') && w.obj['rejected'] === 3)).toBe(
      true,
    );
  });

  it('accepts a quote that differs only in case, punctuation and whitespace, and takes the transcript’s words and times', () => {
    const price = r.issues.find((i) => i.type === 'price');
    expect(price?.quote).toBe('your price is almost double what stormvault quoted');
    expect(price?.speaker).toBe('customer');
    const seg = t.segments.find((s) => s.text.includes('your price is almost double')) as Segment;
    const first = seg.words.find((w) => w.text === 'your');
    expect(price?.startMs).toBe(first?.startMs);
    expect(price?.endMs).toBe(seg.words.find((w) => w.text === 'quoted')?.endMs);
  });

  it('drops a coaching point whose evidence was invented', () => {
    expect(r.coaching.map((c) => c.id)).not.toContain('invented-moment');
    for (const q of r.coaching.flatMap((c) => (c.basis.quote ? [c.basis.quote] : []))) expect(t.text).toContain(q);
  });
});

describe('retries and errors', () => {
  it('waits as long as Retry-After says on a 429, then goes on', async () => {
    const h = await harness((req, i) =>
      i === 0
        ? {
            status: 429,
            headers: { 'retry-after': '2' },
            error: {
              message: 'Rate limit reached for gpt-4o-mini on tokens per min (TPM).',
              type: 'tokens',
              code: 'rate_limit_exceeded',
            },
          }
        : scriptedModel(req, i),
    );
    try {
      const r = await h.analyst.analyze(sales());
      expect(h.waits).toEqual([2000]);
      expect(h.server.requests.map((q) => q.schemaName)).toEqual([
        'call_window_findings',
        'call_window_findings',
        'call_analysis',
      ]);
      expect(r.provenance?.llmRequests).toBe(2); // answered requests
    } finally {
      await h.server.close();
    }
  });

  it('gives up on a persistent 5xx with a retriable error, for the analyzer to retry later', async () => {
    const h = await harness(
      () => ({ status: 503, error: { message: 'The server is overloaded.', type: 'server_error' } }),
      { LLM_REQUEST_ATTEMPTS: '3' },
    );
    try {
      const err = await h.analyst.analyze(sales()).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'ANALYSIS.LLM_UNAVAILABLE', retriable: true, status: 503 });
      expect(h.server.requests).toHaveLength(3);
      expect(h.waits).toHaveLength(2);
      expect(h.waits[1]).toBeGreaterThan(h.waits[0] as number);
    } finally {
      await h.server.close();
    }
  });

  it.each([
    [401, 'invalid_api_key', 'ANALYSIS.LLM_UNAUTHORIZED'],
    [404, 'model_not_found', 'ANALYSIS.LLM_NOT_FOUND'],
    [400, 'invalid_json_schema', 'ANALYSIS.LLM_BAD_REQUEST'],
    [429, 'insufficient_quota', 'ANALYSIS.LLM_QUOTA'],
  ])('fails at once, not retriable, on HTTP %i %s', async (status, code, expected) => {
    const h = await harness(() => ({ status, error: { message: `error ${code}`, code } }));
    try {
      const err = await h.analyst.analyze(sales()).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: expected, retriable: false, status });
      expect(h.server.requests).toHaveLength(1);
    } finally {
      await h.server.close();
    }
  });

  it('times out a request that hangs with a retriable ANALYSIS.LLM_TIMEOUT', async () => {
    const h = await harness(
      async (req, i) => {
        await new Promise((r) => setTimeout(r, 500));
        return scriptedModel(req, i);
      },
      { LLM_TIMEOUT_MS: '50', LLM_REQUEST_ATTEMPTS: '1' },
    );
    try {
      await expect(h.analyst.analyze(sales())).rejects.toMatchObject({ code: 'ANALYSIS.LLM_TIMEOUT', retriable: true });
    } finally {
      await h.server.close();
    }
  });

  it('asks nothing for a recording without speech', async () => {
    const h = await harness(scriptedModel);
    try {
      const silent: Transcript = {
        audioId: 's',
        durationMs: 60_000,
        language: 'en',
        engine: 'test',
        speakers: ['agent', 'customer'],
        segments: [],
        text: '',
      };
      const r = await h.analyst.analyze(silent);
      expect(h.server.requests).toHaveLength(0);
      expect(r.provenance?.provider).toBe('local');
    } finally {
      await h.server.close();
    }
  });
});

describe('map-reduce over a 100-hour call', () => {
  const HOURS = 100;
  const TURN_EVERY_MS = 10_000;
  const WINDOW_TOKENS = 2000;

  /** A turn every 10 s, 12 words each; every 400th customer turn talks about price. */
  function longCall(): Transcript {
    const segments: Segment[] = [];
    const turns = (HOURS * 3_600_000) / TURN_EVERY_MS;
    for (let i = 0; i < turns; i++) {
      const speaker = i % 2 === 0 ? 'agent' : 'customer';
      const text =
        speaker === 'customer' && i % 800 === 1
          ? `honestly the price is too high for our budget this year turn${i}`
          : `we talked about item ${i % 97} and the plan for week ${i % 13} number t${i}`;
      const words = text.split(' ').map((w, k) => ({
        text: w,
        startMs: i * TURN_EVERY_MS + k * 300,
        endMs: i * TURN_EVERY_MS + k * 300 + 280,
        confidence: 0.9,
      }));
      segments.push({ speaker, startMs: words[0]!.startMs, endMs: words[words.length - 1]!.endMs, text, words });
    }
    return {
      audioId: 'marathon',
      durationMs: HOURS * 3_600_000,
      language: 'en',
      engine: 'test',
      speakers: ['agent', 'customer'],
      segments,
      text: '',
    };
  }

  it('maps every line exactly once under the token budget, digests the notes, and reduces findings only', async () => {
    const t = longCall();
    const h = await harness(scriptedModel, { LLM_WINDOW_TOKENS: String(WINDOW_TOKENS), LLM_CONCURRENCY: '8' });
    try {
      const r = await h.analyst.analyze(t);
      expect(AnalysisResultSchema.safeParse(r).success).toBe(true);

      const maps = h.server.requests.filter((q) => q.schemaName === 'call_window_findings');
      const digests = h.server.requests.filter((q) => q.schemaName === 'call_notes_digest');
      const calls = h.server.requests.filter((q) => q.schemaName === 'call_analysis');
      const lines = transcriptLines(t, maxLineCharsFor(WINDOW_TOKENS)).map(renderLine);
      const totalChars = lines.reduce((n, l) => n + l.length + 1, 0);

      // Each map request holds at most the budget of transcript (chars/4 ≈ tokens)…
      const sent = maps.map((q) => linesOf(q).map((l) => `[${l.startMs}-${l.endMs}] ${l.speaker}: ${l.text}`));
      for (const s of sent) expect(s.join('\n').length).toBeLessThanOrEqual(WINDOW_TOKENS * 4);
      // …so there are at least total/budget of them, and not many more (windows are filled).
      expect(maps.length).toBeGreaterThanOrEqual(Math.ceil(totalChars / (WINDOW_TOKENS * 4)));
      expect(maps.length).toBeLessThanOrEqual(Math.ceil((totalChars / (WINDOW_TOKENS * 4)) * 1.1) + 1);
      // Every line is sent exactly once, in order across the parts.
      const byPart = [...maps].sort((a, b) => partOf(a) - partOf(b));
      expect(byPart.flatMap((q) => linesOf(q).map((l) => `[${l.startMs}-${l.endMs}] ${l.speaker}: ${l.text}`))).toEqual(
        lines,
      );
      expect(partOf(byPart[byPart.length - 1]!)).toBe(maps.length);

      // Notes of hundreds of parts do not fit one request: digests condense them first.
      expect(digests.length).toBeGreaterThan(0);
      expect(calls).toHaveLength(1);
      expect(h.server.requests).toHaveLength(maps.length + digests.length + 1);

      // The reduce sees findings (the price quotes, verified), not raw transcript text.
      const ctx = callContextOf(calls[0]!);
      expect(ctx.issues.length).toBeGreaterThan(0);
      for (const i of ctx.issues) expect(i.quote).toMatch(/^honestly the price is too high/);
      const user = calls[0]!.body.messages[1]?.content ?? '';
      expect(user).not.toMatch(/\[\d+-\d+\] (agent|customer): /);
      for (const k of [2, 1000, 17_999, 35_998]) expect(user).not.toContain(` number t${k}`);
      expect(user.length / 4).toBeLessThanOrEqual(WINDOW_TOKENS * 1.05);

      expect(r.issues).toHaveLength(Math.ceil(t.segments.length / 800));
      expect(r.metrics.durationMs).toBe(HOURS * 3_600_000);
      expect(r.provenance?.llmRequests).toBe(h.server.requests.length);
    } finally {
      await h.server.close();
    }
  }, 120_000);
});

function partOf(req: { body: { messages: Array<{ content: string }> } }): number {
  return Number(/Part (\d+) of/.exec(req.body.messages[1]?.content ?? '')?.[1] ?? NaN);
}

describe('answers that pass the JSON schema but fail our stricter checks', () => {
  /** The scripted reduce answer with its quiz replaced, in every attempt. */
  const withQuiz =
    (quiz: unknown[]): Responder =>
    (req, i) => {
      if (req.schemaName !== 'call_analysis') return scriptedModel(req, i);
      const a = JSON.parse(JSON.stringify((scriptedModel(req, i) as { content: unknown }).content)) as {
        quiz: unknown[];
      };
      a.quiz = quiz;
      return { content: a };
    };
  const q = (question: string, options: string[], answerIndex = 0) => ({
    question,
    options,
    answerIndex,
    explanation: 'From the call.',
    atMs: null,
  });

  it('keeps the analysis after two attempts: repairs or drops only the failing quiz questions and records them', async () => {
    const h = await harness(
      withQuiz([
        q('What did the competitor quote?', ['Stormvault', 'stormvault', 'Acme', 'Northwind']),
        q('Which day was the meeting booked for?', ['Wednesday', 'wednesday', 'WEDNESDAY']),
        q('What was the objection?', ['Price', 'Timing', 'Authority']),
      ]),
    );
    try {
      const r = await h.analyst.analyze(sales());
      expect(AnalysisResultSchema.safeParse(r).success).toBe(true);
      const calls = h.server.requests.filter((x) => x.schemaName === 'call_analysis');
      expect(calls).toHaveLength(2); // the answer and its repair, both with repeated options
      // Question 0 keeps its three distinct options; question 1 has one left and is dropped.
      expect(r.quiz.find((x) => x.question === 'What did the competitor quote?')?.options).toEqual([
        'Stormvault',
        'Acme',
        'Northwind',
      ]);
      expect(r.quiz.some((x) => x.question === 'Which day was the meeting booked for?')).toBe(false);
      expect(r.quiz.length).toBeGreaterThanOrEqual(3);
      expect(r.provenance?.dropped).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ part: 'quiz[0]', action: 'repaired' }),
          expect.objectContaining({ part: 'quiz[1]', action: 'dropped' }),
          expect.objectContaining({ part: 'quiz', action: 'repaired' }),
        ]),
      );
      expect(r.summary).toMatch(/^Sales call\./); // the rest of the answer is the model's
    } finally {
      await h.server.close();
    }
  });

  it('drops a question whose keyed answer the call does not support', async () => {
    const h = await harness(
      withQuiz([
        q('Which competitor was named?', ['Stormvault', 'Acme', 'Northwind']),
        q('How many offices?', ['Seven offices', 'Three offices', 'Two offices']),
        q('What was the objection?', ['Price', 'Timing', 'Authority']),
        q('What did the customer want?', ['A free pony', 'A demo', 'A call']),
      ]),
    );
    try {
      const r = await h.analyst.analyze(sales());
      expect(r.quiz.map((x) => x.question)).toEqual([
        'Which competitor was named?',
        'What was the objection?',
        expect.any(String),
      ]);
      expect(r.provenance?.dropped).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ part: 'quiz[1]', reason: expect.stringContaining('Seven offices') }),
          expect.objectContaining({ part: 'quiz[3]', reason: expect.stringContaining('A free pony') }),
        ]),
      );
    } finally {
      await h.server.close();
    }
  });

  it('gives the model the facts our rules found, in each part and in the reduce', async () => {
    const h = await harness(scriptedModel);
    try {
      const r = await h.analyst.analyze(sales());
      const map =
        h.server.requests.find((x) => x.schemaName === 'call_window_findings')?.body.messages[1]?.content ?? '';
      expect(map).toContain('Facts found by our rules in this part');
      expect(map).toMatch(/"kind":"competitor","text":"stormvault"/);
      const ctx = callContextOf(h.server.requests.find((x) => x.schemaName === 'call_analysis')!) as unknown as {
        facts: { callKind: string; entities: Array<{ kind: string }>; commitments: unknown[] };
      };
      expect(ctx.facts.entities.some((e) => e.kind === 'competitor')).toBe(true);
      expect(ctx.facts.commitments.length).toBeGreaterThan(0);
      expect(r.callKind).toBe('discovery');
      expect(r.sentiment.closing).toMatchObject({ speaker: 'customer', label: 'positive' });
      expect(r.outcomes?.some((o) => o.kind === 'meeting')).toBe(true);
    } finally {
      await h.server.close();
    }
  });
});
