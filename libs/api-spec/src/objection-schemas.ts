import { z } from 'zod';
import { OBJECTION_ISSUE_TYPES } from '@speech/analysis';

/** The objection library (issue #15): the bodies of GET /objections (libs/services/query objections.ts). */
const epochMs = z.number().int().describe('milliseconds since 1970-01-01 UTC');
const ms = z.number().int().min(0);
const objectionType = z.enum(OBJECTION_ISSUE_TYPES);

export const ObjectionSchema = z.object({
  audioId: z.string(),
  analysisId: z.string().describe('the recording’s latest analysis, where the objection was found'),
  title: z.string().describe('the recording’s title (its edited title, else the upload’s, else its file name)'),
  filename: z.string(),
  recordedAt: epochMs,
  type: objectionType,
  quote: z.string().describe('the customer’s words, as in the transcript'),
  speaker: z.string(),
  startMs: ms,
  endMs: ms,
  handled: z
    .boolean()
    .nullable()
    .describe('the agent answered it (spoke after it began); null when the call names no agent, or the agent said it'),
  audioUrl: z.string().describe('the recording’s audio with a media fragment `#t=start,end` at the objection'),
});

export const ObjectionPageSchema = z.object({
  type: objectionType,
  items: z.array(ObjectionSchema),
  nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last'),
});

export const ObjectionTypeCountsSchema = z.object({
  items: z.array(z.object({ type: objectionType, count: z.number().int().min(0) })),
});

export const OBJECTION_SCHEMAS = {
  Objection: ObjectionSchema,
  ObjectionPage: ObjectionPageSchema,
  ObjectionTypeCounts: ObjectionTypeCountsSchema,
} satisfies Record<string, z.ZodType>;
