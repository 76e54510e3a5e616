import { AnalysisResultSchema, analysisJsonSchema } from '@speech/analysis';
import { CallAnalysisSchema, DigestSchema, WindowFindingsSchema, jsonSchemaOf } from './llm-schemas';

// Keywords OpenAI strict structured outputs accept (see analysis.schema.spec.ts).
const ALLOWED = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'anyOf',
  'minimum',
  'maximum',
  'minItems',
  'maxItems',
  'description',
]);

function walk(node: unknown, path: string, visit: (n: Record<string, unknown>, path: string) => void): void {
  if (Array.isArray(node)) node.forEach((n, i) => walk(n, `${path}[${i}]`, visit));
  else if (node && typeof node === 'object') {
    const obj = node as Record<string, unknown>;
    visit(obj, path);
    const props = obj['properties'];
    if (props && typeof props === 'object') for (const [k, v] of Object.entries(props)) walk(v, `${path}.${k}`, visit);
    walk(obj['items'], `${path}[]`, visit);
    walk(obj['anyOf'], `${path}|`, visit);
  }
}

describe.each([
  ['window findings', WindowFindingsSchema],
  ['digest', DigestSchema],
  ['call analysis', CallAnalysisSchema],
])('the %s schema as a strict structured-outputs schema', (_, schema) => {
  const json = jsonSchemaOf(schema);

  it('closes every object and requires every property', () => {
    walk(json, '$', (n, path) => {
      if (n['type'] !== 'object') return;
      expect({ path, additionalProperties: n['additionalProperties'] }).toEqual({ path, additionalProperties: false });
      expect({ path, required: [...((n['required'] as string[]) ?? [])].sort() }).toEqual({
        path,
        required: Object.keys((n['properties'] as object) ?? {}).sort(),
      });
    });
  });

  it('uses only keywords strict mode supports', () => {
    walk(json, '$', (n, path) =>
      expect({ path, unsupported: Object.keys(n).filter((k) => !ALLOWED.has(k)) }).toEqual({ path, unsupported: [] }),
    );
  });
});

describe('derived from the offline analysis schema', () => {
  it('asks for issues and quiz questions exactly as AnalysisResult has them', () => {
    const full = analysisJsonSchema() as { properties: Record<string, unknown> };
    const map = jsonSchemaOf(WindowFindingsSchema) as { properties: Record<string, unknown> };
    const call = jsonSchemaOf(CallAnalysisSchema) as { properties: Record<string, unknown> };
    expect(map.properties['issues']).toEqual(full.properties['issues']);
    expect(call.properties['quiz']).toEqual(full.properties['quiz']);
    expect(call.properties['callType']).toEqual(full.properties['callType']);
    expect(call.properties['metrics']).toBeUndefined();
  });

  it('keeps provenance out of the model-facing schema, and optional in results', () => {
    expect((analysisJsonSchema() as { properties: Record<string, unknown> }).properties['provenance']).toBeUndefined();
    expect(AnalysisResultSchema.shape.provenance.safeParse(undefined).success).toBe(true);
    expect(
      AnalysisResultSchema.shape.provenance.safeParse({
        provider: 'openai',
        model: 'gpt-4o-mini',
        promptVersion: 'call-analysis/1.0.0',
        usage: { promptTokens: 10, completionTokens: 5, totalTokens: 15 },
        durationMs: 1200,
        llmRequests: 2,
        rejectedEvidence: [{ kind: 'issue', quote: 'x', reason: 'quote not found' }],
      }).success,
    ).toBe(true);
  });

  it('rejects evidence that ends before it starts and coaching without benchmark or anchor', () => {
    const base = {
      id: 'x',
      title: 't',
      recommendation: 'r',
      severity: 'info' as const,
      basis: { metric: null, value: null, benchmark: 'B', benchmarkValue: null },
    };
    const call = (coaching: unknown[]) => ({
      callType: 'sales',
      summary: 's',
      sentiment: { overall: { score: 0, label: 'neutral' }, bySpeaker: [] },
      coaching,
      quiz: [1, 2, 3].map((i) => ({
        question: `q${i}`,
        options: ['a', 'b', 'c'],
        answerIndex: 0,
        explanation: 'e',
        atMs: null,
      })),
    });
    expect(
      CallAnalysisSchema.safeParse(call([{ ...base, evidence: { quote: 'q', startMs: 5, endMs: 9 } }])).success,
    ).toBe(true);
    expect(
      CallAnalysisSchema.safeParse(call([{ ...base, evidence: { quote: 'q', startMs: 9, endMs: 5 } }])).success,
    ).toBe(false);
    expect(CallAnalysisSchema.safeParse(call([{ ...base, evidence: null }])).success).toBe(false);
    expect(
      CallAnalysisSchema.safeParse(
        call([{ ...base, basis: { ...base.basis, metric: 'agent.talkRatio', benchmark: ' ' }, evidence: null }]),
      ).success,
    ).toBe(false);
  });
});
