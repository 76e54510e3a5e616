/**
 * The analysis JSON produced by every Analyst (offline rules now, an LLM later).
 *
 * The schema is written so that `analysisJsonSchema()` is usable as an OpenAI
 * structured-outputs schema in strict mode: every property is required, objects are
 * closed (zod's output-mode JSON Schema emits `additionalProperties: false`), absent
 * values are `null` rather than optional, per-speaker data are arrays (strict mode has
 * no maps) and literals are enums. Cross-field rules (answerIndex within options, ...)
 * are zod refinements: they validate our output but are not expressible in that subset.
 */
import { z } from 'zod';

const ms = z.number().int().min(0);
const count = z.number().int().min(0);
const share = z.number().min(0).max(1);
const score = z.number().min(-1).max(1);
/**
 * Non-empty string as a refinement, not `.min(1)`: strict structured outputs reject
 * `minLength`, while refinements stay out of the JSON Schema.
 */
const text = z.string().refine((s) => s.trim().length > 0, { message: 'must not be empty' });

/** Sales objections, where the LAER model applies (Listen, Acknowledge, Explore, Respond). */
export const OBJECTION_ISSUE_TYPES = [
  'price',
  'discount',
  'budget',
  'authority',
  'tender',
  'contract-term',
  'competitor',
  'timing',
  'need',
  'trust',
  'brush-off',
] as const;
/**
 * Service complaints (product … repeat-contact), where HEARD applies, then retention:
 * a churn threat is its own type because it needs its own coaching.
 */
export const COMPLAINT_ISSUE_TYPES = [
  'product',
  'support',
  'billing',
  'escalation',
  'repeat-contact',
  'churn-threat',
  'other',
] as const;
/** Sales objections, then service complaints, then retention. */
export const ISSUE_TYPES = [...OBJECTION_ISSUE_TYPES, ...COMPLAINT_ISSUE_TYPES] as const;
export const IssueTypeSchema = z.enum(ISSUE_TYPES);
export type IssueType = z.infer<typeof IssueTypeSchema>;

export const SentimentLabelSchema = z.enum(['positive', 'neutral', 'negative']);
export type SentimentLabel = z.infer<typeof SentimentLabelSchema>;

export const SpeakerMetricsSchema = z.object({
  speaker: z.string(),
  talkTimeMs: ms,
  /** Share of all talk time (not of call duration). */
  talkRatio: share,
  wordCount: count,
  wordsPerMinute: z.number().min(0),
  longestMonologueMs: ms,
  questionsAsked: count,
  /** Turns this speaker started while someone else was still talking. */
  interruptions: count,
});

export const FillerWordsSchema = z.object({
  speaker: z.string(),
  total: count,
  byWord: z.array(z.object({ word: z.string(), count: count })),
});

export const MonologueSchema = z
  .object({ speaker: z.string(), startMs: ms, endMs: ms, durationMs: ms })
  .refine((m) => m.endMs >= m.startMs, { message: 'endMs before startMs' });

export const MetricsSchema = z.object({
  durationMs: ms,
  speakers: z.array(SpeakerMetricsSchema),
  /** Share of the call where nobody speaks. */
  silenceShare: share,
  interruptions: count,
  overtalkMs: ms,
  fillerWords: z.array(FillerWordsSchema),
  longestMonologue: MonologueSchema.nullable(),
});

const SentimentScoreSchema = z.object({ score, label: SentimentLabelSchema });

/** The customer's mood over their last remarks (the close), scored by our code. */
export const ClosingSentimentSchema = z.object({
  speaker: z.string(),
  score,
  label: SentimentLabelSchema,
  /** Start of the last remark that decided it; null when nothing polarised was said at the end. */
  atMs: ms.nullable(),
});

export const SentimentSchema = z.object({
  overall: SentimentScoreSchema,
  bySpeaker: z.array(z.object({ speaker: z.string(), score, label: SentimentLabelSchema })),
  timeline: z.array(z.object({ startMs: ms, endMs: ms, speaker: z.string(), score })),
  shifts: z.array(
    z.object({
      atMs: ms,
      from: SentimentLabelSchema,
      to: SentimentLabelSchema,
      speaker: z.string(),
      quote: z.string(),
    }),
  ),
  /** Null without a customer (mono recordings). Defaulted so analyses stored before it still read. */
  closing: ClosingSentimentSchema.nullable().default(null),
});

export const IssueSchema = z
  .object({
    type: IssueTypeSchema,
    /** Words that occur contiguously in the transcript. */
    quote: text,
    startMs: ms,
    endMs: ms,
    speaker: z.string(),
    confidence: share,
  })
  .refine((i) => i.endMs >= i.startMs, { message: 'endMs before startMs' });

export const CoachingSeveritySchema = z.enum(['info', 'suggestion', 'warning']);

export const CoachingItemSchema = z
  .object({
    id: text,
    title: text,
    recommendation: text,
    severity: CoachingSeveritySchema,
    basis: z.object({
      metric: z.string().nullable(),
      value: z.number().nullable(),
      /** Named benchmark and its source, e.g. "Gong Labs 43:57 talk-to-listen ratio". */
      benchmark: z.string().nullable(),
      benchmarkValue: z.number().nullable(),
      atMs: ms.nullable(),
      quote: z.string().nullable(),
    }),
  })
  .refine((c) => (c.basis.benchmark ?? '').length > 0, { message: 'coaching must name its benchmark' })
  .refine((c) => c.basis.metric !== null || c.basis.atMs !== null, {
    message: 'coaching must be tied to a metric or a moment',
  });

export const QuizQuestionSchema = z
  .object({
    question: text,
    options: z.array(text).min(3).max(4),
    answerIndex: z.number().int().min(0).max(3),
    explanation: text,
    atMs: ms.nullable(),
  })
  .refine((q) => q.answerIndex < q.options.length, { message: 'answerIndex out of range' })
  .refine((q) => new Set(q.options.map((o) => o.trim().toLowerCase())).size === q.options.length, {
    message: 'options must be distinct',
  });

export const ActionItemSchema = z.object({
  text: text,
  /** Speaker label responsible, or null when it is shared or unclear. */
  owner: z.string().nullable(),
  /** The words that say when, as spoken ("next wednesday"), or null. */
  dueText: z.string().nullable(),
  atMs: ms,
});

export const CallTypeSchema = z.enum(['sales', 'support', 'unknown']);

/** The finer kind of call, which decides what coaching applies (a cold call is not a discovery call). */
export const CALL_KINDS = [
  'discovery',
  'demo',
  'negotiation',
  'renewal',
  'cold-call',
  'billing-support',
  'technical-support',
  'churn',
  'positive',
  'other',
] as const;
export const CallKindSchema = z.enum(CALL_KINDS);

export const OUTCOME_KINDS = [
  'refund',
  'credit',
  'discount',
  'callback',
  'reference-number',
  'technician-visit',
  'fix',
  'meeting',
] as const;
export const OutcomeKindSchema = z.enum(OUTCOME_KINDS);

/** Something the call resolved or gave the customer, with the words that say so. */
export const OutcomeSchema = z.object({
  kind: OutcomeKindSchema,
  /** Words that occur contiguously in the transcript. */
  quote: text,
  speaker: z.string(),
  atMs: ms,
  /** The amount, date, number or person it comes with ("eighty nine dollars"), or null. */
  detail: z.string().nullable(),
});

export const TokenUsageSchema = z.object({ promptTokens: count, completionTokens: count, totalTokens: count });

/**
 * How an analysis was made, recorded by our code (never produced by a model): which provider
 * and model, which prompt version, the tokens it cost and how long it took.
 */
export const ProvenanceSchema = z.object({
  /** 'local' for the offline analyst, else the LLM provider ('openai', 'azure-openai'). */
  provider: text,
  /** The model (or Azure deployment) that answered; null for the offline analyst. */
  model: z.string().nullable(),
  promptVersion: z.string().nullable(),
  /** Summed over every model request; null when nothing was billed or reported. */
  usage: TokenUsageSchema.nullable(),
  durationMs: ms,
  /** Model requests made: map windows, digests, the final call, and repairs. 0 when local. */
  llmRequests: count,
  /** Findings dropped because their quote does not occur in the transcript (first 100). */
  rejectedEvidence: z.array(z.object({ kind: z.string(), quote: z.string(), reason: z.string() })),
  /**
   * Parts of a model's answer that failed our stricter checks after the last repair and were
   * dropped or repaired instead of failing the analysis ("quiz[2]: options must be distinct").
   */
  dropped: z
    .array(z.object({ part: z.string(), reason: z.string(), action: z.enum(['dropped', 'repaired']) }))
    .default([]),
  /**
   * LLM analysts: PII spans replaced by placeholders ([CARD], [NAME] …) in what was sent to the
   * model, per kind (libs/redaction). Absent for the offline analyst and older analyses.
   */
  piiRedacted: z.record(z.string(), count).optional(),
  /**
   * The owner's transcript corrections the analysis was made with (the analyzer records them):
   * their revision and the speakers' names by label. Absent: the merged transcript, uncorrected.
   */
  corrections: z.object({ revision: count, speakerNames: z.record(z.string(), z.string()) }).optional(),
});

export const AnalysisResultSchema = z.object({
  /** Which analyst produced this ("offline" for the rule-based one). */
  analyst: text,
  analystVersion: text,
  callType: CallTypeSchema,
  /** Defaulted (like every field added later) so analyses stored before it still read. */
  callKind: CallKindSchema.default('other'),
  summary: z.string(),
  metrics: MetricsSchema,
  sentiment: SentimentSchema,
  issues: z.array(IssueSchema),
  coaching: z.array(CoachingItemSchema),
  quiz: z.array(QuizQuestionSchema).min(3).max(6),
  actionItems: z.array(ActionItemSchema),
  outcomes: z.array(OutcomeSchema).default([]),
  /** Optional so analyses stored before it was recorded still read. */
  provenance: ProvenanceSchema.optional(),
});

/**
 * The input side of the schema: fields added after the first release (closing, callKind,
 * outcomes, provenance.dropped) are optional in the type, as they are in analyses stored
 * before them; AnalysisResultSchema.parse fills their defaults.
 */
export type AnalysisResult = z.input<typeof AnalysisResultSchema>;
export type AnalysisResultParsed = z.output<typeof AnalysisResultSchema>;
export type Metrics = z.infer<typeof MetricsSchema>;
export type SpeakerMetrics = z.infer<typeof SpeakerMetricsSchema>;
export type Sentiment = z.infer<typeof SentimentSchema>;
export type SentimentPoint = Sentiment['timeline'][number];
export type SentimentShift = Sentiment['shifts'][number];
export type Issue = z.infer<typeof IssueSchema>;
export type CoachingItem = z.infer<typeof CoachingItemSchema>;
export type CoachingBasis = CoachingItem['basis'];
export type QuizQuestion = z.infer<typeof QuizQuestionSchema>;
export type ActionItem = z.infer<typeof ActionItemSchema>;
export type CallType = z.infer<typeof CallTypeSchema>;
export type CallKind = z.infer<typeof CallKindSchema>;
export type Outcome = z.infer<typeof OutcomeSchema>;
export type OutcomeKind = z.infer<typeof OutcomeKindSchema>;
export type ClosingSentiment = z.infer<typeof ClosingSentimentSchema>;
export type Provenance = z.infer<typeof ProvenanceSchema>;
export type TokenUsage = z.infer<typeof TokenUsageSchema>;

/**
 * JSON Schema (draft 2020-12 subset) of AnalysisResult, for LLM structured outputs.
 * `$schema` is dropped because OpenAI's strict mode expects a bare schema object, and
 * `provenance` because our code records it: a model never produces it.
 */
export function analysisJsonSchema(): Record<string, unknown> {
  return strictJsonSchema(AnalysisResultSchema.omit({ provenance: true }));
}

/** A zod schema as an OpenAI strict structured-outputs schema (output mode, no `$schema`). */
export function strictJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json: Record<string, unknown> = { ...z.toJSONSchema(schema, { io: 'output' }) };
  delete json['$schema'];
  return withoutDefaults(json) as Record<string, unknown>;
}

/** Strict mode rejects `default`; defaults only serve old stored analyses, never a model. */
function withoutDefaults(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDefaults);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node as Record<string, unknown>)
      .filter(([k]) => k !== 'default')
      .map(([k, v]) => [k, withoutDefaults(v)]),
  );
}
