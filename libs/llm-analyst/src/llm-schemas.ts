/**
 * What the model is asked to produce, derived from the offline analysis schema so an LLM
 * analysis and an offline one are the same AnalysisResult:
 *
 *  - map (one per transcript window): findings with evidence — issues exactly as
 *    AnalysisResult's, sentiment points and shifts, action items, coaching moments, notes;
 *  - digest (very long calls only): notes of many windows condensed into one;
 *  - call (the reduce): call type, summary, overall sentiment, coaching and quiz, from the
 *    findings and our metrics, never from the raw transcript.
 *
 * Metrics are not in any of them: computeMetrics() makes them. Every schema is valid for
 * OpenAI strict structured outputs (all properties required, closed objects, nullable instead
 * of optional); refinements (evidence times in order, benchmark named, …) are checked when the
 * answer is validated, and their messages go back to the model in the repair request.
 */
import { z } from 'zod';
import {
  AnalysisResultSchema,
  CallKindSchema,
  IssueSchema,
  SentimentLabelSchema,
  SentimentSchema,
  strictJsonSchema,
} from '@speech/analysis';

const ms = z.number().int().min(0);
const score = z.number().min(-1).max(1);
const text = z.string().refine((s) => s.trim().length > 0, { message: 'must not be empty' });
const ordered = <T extends { startMs: number; endMs: number }>(v: T): boolean => v.endMs >= v.startMs;
const orderedMessage = { message: 'endMs before startMs' };

/** A verbatim quote from one transcript line and that line's times. */
export const EvidenceSchema = z.object({ quote: text, startMs: ms, endMs: ms }).refine(ordered, orderedMessage);

export const WindowFindingsSchema = z.object({
  /** 1–3 sentences on what happens in this part: who wants what, what was decided. */
  notes: z.string(),
  issues: z.array(IssueSchema),
  sentiment: z.array(z.object({ speaker: z.string(), startMs: ms, endMs: ms, score }).refine(ordered, orderedMessage)),
  sentimentShifts: z.array(
    z
      .object({
        speaker: z.string(),
        from: SentimentLabelSchema,
        to: SentimentLabelSchema,
        quote: text,
        startMs: ms,
        endMs: ms,
      })
      .refine(ordered, orderedMessage),
  ),
  actionItems: z.array(
    z
      .object({
        text: text,
        owner: z.string().nullable(),
        dueText: z.string().nullable(),
        quote: text,
        startMs: ms,
        endMs: ms,
      })
      .refine(ordered, orderedMessage),
  ),
  coachingMoments: z.array(
    z
      .object({
        speaker: z.string(),
        kind: z.enum(['strength', 'improvement']),
        observation: text,
        quote: text,
        startMs: ms,
        endMs: ms,
      })
      .refine(ordered, orderedMessage),
  ),
});
export type WindowFindings = z.infer<typeof WindowFindingsSchema>;

export const DigestSchema = z.object({ notes: text });
export type Digest = z.infer<typeof DigestSchema>;

export const LlmCoachingItemSchema = z
  .object({
    id: text,
    title: text,
    recommendation: text,
    severity: z.enum(['info', 'suggestion', 'warning']),
    basis: z.object({
      /** A metric name from the list given (e.g. "agent.talkRatio"), or null. */
      metric: z.string().nullable(),
      value: z.number().nullable(),
      benchmark: z.string(),
      benchmarkValue: z.number().nullable(),
    }),
    evidence: EvidenceSchema.nullable(),
  })
  .refine((c) => c.basis.benchmark.trim().length > 0, {
    message: 'coaching must name its benchmark',
    path: ['basis', 'benchmark'],
  })
  .refine((c) => c.basis.metric !== null || c.evidence !== null, {
    message: 'coaching must be tied to a metric or to evidence',
    path: ['evidence'],
  });
export type LlmCoachingItem = z.infer<typeof LlmCoachingItemSchema>;

/**
 * The reduce's answer. What JSON schema can say is said here (enums, item counts, ranges,
 * descriptions); what it cannot (distinct quiz options, a keyed answer the call supports) is
 * checked afterwards, and a part that fails it after the repair is dropped or repaired alone.
 */
export const CallAnalysisSchema = z.object({
  callType: AnalysisResultSchema.shape.callType,
  // Defaulted for answers of models prompted before these fields; strict mode still requires them.
  callKind: CallKindSchema.default('other'),
  summary: text,
  sentiment: SentimentSchema.pick({ overall: true, bySpeaker: true }),
  /** The customer's mood over their last remarks; null without a customer. */
  closing: z
    .object({ score: z.number().min(-1).max(1), label: SentimentLabelSchema })
    .nullable()
    .default(null),
  coaching: z.array(LlmCoachingItemSchema).max(8),
  quiz: AnalysisResultSchema.shape.quiz,
});
export type CallAnalysis = z.infer<typeof CallAnalysisSchema>;

export const WINDOW_FINDINGS_SCHEMA_NAME = 'call_window_findings';
export const DIGEST_SCHEMA_NAME = 'call_notes_digest';
export const CALL_ANALYSIS_SCHEMA_NAME = 'call_analysis';

let cache: Map<z.ZodType, Record<string, unknown>> | null = null;
/** The strict JSON schema of one of these, computed once. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  cache ??= new Map();
  let json = cache.get(schema);
  if (!json) {
    json = strictJsonSchema(schema);
    cache.set(schema, json);
  }
  return json;
}
