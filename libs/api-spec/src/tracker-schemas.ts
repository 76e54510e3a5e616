import { z } from 'zod';
import { TRACKER_LIMITS, TRACKER_PARTS, TRACKER_SPEAKERS } from '@speech/analysis';

/** Trackers (issue #15): the bodies of /trackers (libs/services/upload-gateway trackers.ts, libs/services/query trackers.ts). */
const epochMs = z.number().int().describe('milliseconds since 1970-01-01 UTC');
const ms = z.number().int().min(0);
const pct = z.number().int().min(0).max(100);

const part = z.object({ fromPct: pct, toPct: pct }).describe('where a hit’s segment starts, in percent of the call');

export const TrackerInputSchema = z
  .object({
    name: z.string().min(1).max(TRACKER_LIMITS.name),
    phrases: z
      .array(z.string().min(1).max(TRACKER_LIMITS.phrase))
      .min(1)
      .max(TRACKER_LIMITS.phrases)
      .describe(
        'phrase patterns: words, `(a|b)` variants, `word?` optional, `#num` a number, `prefix*`; ' +
          'a leading `=` allows no extra words in between (up to two are allowed otherwise)',
      ),
    speaker: z.enum(TRACKER_SPEAKERS).default('any').describe('whose turns count'),
    part: z
      .union([z.enum(Object.keys(TRACKER_PARTS) as [keyof typeof TRACKER_PARTS]), part.partial()])
      .default('any')
      .describe('`opening` (first 20 %), `closing` (last 20 %), `any`, or a range'),
  })
  .strict();

export const TrackerChangeSchema = TrackerInputSchema.partial().strict();

export const TrackerSchema = z.object({
  trackerId: z.string(),
  name: z.string(),
  phrases: z.array(z.string()),
  speaker: z.enum(TRACKER_SPEAKERS),
  part,
  revision: z.number().int().min(1),
  createdAt: epochMs,
  updatedAt: epochMs,
});

const job = z
  .object({
    state: z.enum(['running', 'done']),
    done: z.number().int().min(0).describe('recordings of the library looked at'),
    total: z.number().int().min(0),
    startedAt: epochMs,
    finishedAt: epochMs.nullable(),
  })
  .describe('the run over the library that the latest revision started');

export const TrackerViewSchema = TrackerSchema.extend({ job });
export const TrackerDetailSchema = TrackerViewSchema.extend({ hitCount: z.number().int().min(0) });
export const TrackerListSchema = z.object({ items: z.array(TrackerViewSchema) });
export const TrackerDeletionSchema = z.object({ trackerId: z.string(), status: z.literal('deleting') });

export const TrackerHitSchema = z.object({
  trackerId: z.string(),
  audioId: z.string(),
  title: z.string(),
  recordedAt: epochMs,
  segment: z.number().int().min(0).describe('the segment’s index in the transcript'),
  speaker: z.string(),
  startMs: ms.describe('where the player opens the hit (the segment’s start)'),
  endMs: ms,
  quote: z.string(),
  phrase: z.string().describe('the tracker phrase that matched'),
  audioUrl: z.string().describe('the recording’s audio with a media fragment `#t=` at the hit'),
});

export const TrackerHitPageSchema = z.object({
  hits: z.array(TrackerHitSchema),
  nextCursor: z.string().nullable().describe('pass as ?cursor= for the next page; null on the last'),
});

export const TRACKER_SCHEMAS = {
  TrackerInput: TrackerInputSchema,
  TrackerChange: TrackerChangeSchema,
  Tracker: TrackerSchema,
  TrackerView: TrackerViewSchema,
  TrackerDetail: TrackerDetailSchema,
  TrackerList: TrackerListSchema,
  TrackerDeletion: TrackerDeletionSchema,
  TrackerHit: TrackerHitSchema,
  TrackerHitPage: TrackerHitPageSchema,
} satisfies Record<string, z.ZodType>;
