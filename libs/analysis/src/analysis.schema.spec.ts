import { AnalysisResultSchema, analysisJsonSchema, type AnalysisResult } from './analysis.schema';

function validResult(): AnalysisResult {
  const question = (q: string) => ({
    question: q,
    options: ['Positive', 'Neutral', 'Negative'],
    answerIndex: 0,
    explanation: 'The customer thanked the agent.',
    atMs: null,
  });
  return {
    analyst: 'offline',
    analystVersion: '1.0.0',
    callType: 'sales',
    summary: 'Sales call of 1:00.',
    metrics: {
      durationMs: 60_000,
      speakers: [
        {
          speaker: 'agent',
          talkTimeMs: 20_000,
          talkRatio: 0.5,
          wordCount: 50,
          wordsPerMinute: 150,
          longestMonologueMs: 8000,
          questionsAsked: 3,
          interruptions: 0,
        },
      ],
      silenceShare: 0.3,
      interruptions: 0,
      overtalkMs: 0,
      fillerWords: [{ speaker: 'agent', total: 1, byWord: [{ word: 'like', count: 1 }] }],
      longestMonologue: { speaker: 'agent', startMs: 0, endMs: 8000, durationMs: 8000 },
    },
    sentiment: {
      overall: { score: 0.2, label: 'positive' },
      bySpeaker: [{ speaker: 'agent', score: 0.2, label: 'positive' }],
      timeline: [{ startMs: 0, endMs: 8000, speaker: 'agent', score: 0.2 }],
      shifts: [],
    },
    issues: [
      {
        type: 'price',
        quote: 'that is too expensive',
        startMs: 1000,
        endMs: 2000,
        speaker: 'customer',
        confidence: 0.8,
      },
    ],
    coaching: [
      {
        id: 'talk-ratio',
        title: 'Talk-to-listen ratio',
        recommendation: 'Listen more.',
        severity: 'suggestion',
        basis: {
          metric: 'agent.talkRatio',
          value: 0.5,
          benchmark: 'Gong 43:57',
          benchmarkValue: 0.43,
          atMs: null,
          quote: null,
        },
      },
    ],
    quiz: [question('a?'), question('b?'), question('c?')],
    actionItems: [{ text: 'send me an invite', owner: 'agent', dueText: null, atMs: 5000 }],
  };
}

describe('AnalysisResultSchema', () => {
  it('accepts a well-formed result', () => {
    expect(AnalysisResultSchema.safeParse(validResult()).success).toBe(true);
  });

  it.each<[string, (r: AnalysisResult) => void]>([
    ['a talk ratio above 1', (r) => void (r.metrics.speakers[0] && (r.metrics.speakers[0].talkRatio = 1.5))],
    ['an unknown issue type', (r) => void Object.assign(r.issues[0] ?? {}, { type: 'weather' })],
    ['an issue ending before it starts', (r) => void Object.assign(r.issues[0] ?? {}, { startMs: 5000 })],
    ['an empty quote', (r) => void Object.assign(r.issues[0] ?? {}, { quote: '  ' })],
    ['an answerIndex outside the options', (r) => void Object.assign(r.quiz[0] ?? {}, { answerIndex: 3 })],
    ['duplicate options', (r) => void Object.assign(r.quiz[0] ?? {}, { options: ['Yes', 'yes', 'No'] })],
    ['fewer than three quiz questions', (r) => void r.quiz.pop()],
    ['coaching without a benchmark', (r) => void Object.assign(r.coaching[0]?.basis ?? {}, { benchmark: null })],
    [
      'coaching tied to neither a metric nor a moment',
      (r) => void Object.assign(r.coaching[0]?.basis ?? {}, { metric: null, atMs: null }),
    ],
    ['a missing field', (r) => void Reflect.deleteProperty(r, 'summary')],
    ['an optional field left out instead of null', (r) => void Reflect.deleteProperty(r.actionItems[0] ?? {}, 'owner')],
  ])('rejects %s', (_, mutate) => {
    const r = validResult();
    mutate(r);
    expect(AnalysisResultSchema.safeParse(r).success).toBe(false);
  });
});

describe('analysisJsonSchema (OpenAI strict structured outputs)', () => {
  // Keywords strict mode accepts; anything else (minLength, oneOf, const, $schema...) is rejected.
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
      if (props && typeof props === 'object') {
        for (const [k, v] of Object.entries(props)) walk(v, `${path}.${k}`, visit);
      }
      walk(obj['items'], `${path}[]`, visit);
      walk(obj['anyOf'], `${path}|`, visit);
    }
  }

  const schema = analysisJsonSchema();

  it('is a closed object at the root', () => {
    expect(schema['type']).toBe('object');
    expect(schema['$schema']).toBeUndefined();
  });

  it('closes every object and requires every property', () => {
    let objects = 0;
    walk(schema, '$', (n, path) => {
      if (n['type'] !== 'object') return;
      objects++;
      expect({ path, additionalProperties: n['additionalProperties'] }).toEqual({ path, additionalProperties: false });
      expect({ path, required: [...((n['required'] as string[]) ?? [])].sort() }).toEqual({
        path,
        required: Object.keys((n['properties'] as object) ?? {}).sort(),
      });
    });
    expect(objects).toBeGreaterThan(10);
  });

  it('uses only keywords strict mode supports', () => {
    walk(schema, '$', (n, path) => {
      const unsupported = Object.keys(n).filter((k) => !ALLOWED.has(k));
      expect({ path, unsupported }).toEqual({ path, unsupported: [] });
    });
  });

  it('expresses absent values as nullable, not optional', () => {
    const basis = (
      schema as {
        properties: { coaching: { items: { properties: { basis: { properties: Record<string, unknown> } } } } };
      }
    ).properties.coaching.items.properties.basis.properties;
    expect(basis['atMs']).toEqual({
      anyOf: [{ type: 'integer', minimum: 0, maximum: Number.MAX_SAFE_INTEGER }, { type: 'null' }],
    });
  });
});
