import { z } from 'zod';
import { ScorecardRuleSchema } from '@speech/analysis';
import type { RecordingScorecardShape } from './scorecard-shape';

/** Scorecards (issue #15): GET /audios/:audioId/scorecard (libs/services/query scorecards.ts, libs/analysis scorecard.ts). */
export const ScoredCriterionSchema = z.object({
  id: z.string().describe('the template criterion’s id'),
  label: z.string(),
  weight: z.number().describe('its share of the total'),
  rule: ScorecardRuleSchema.describe('metric, comparator and threshold (SCORECARD_TEMPLATE)'),
  value: z
    .union([z.number(), z.string()])
    .nullable()
    .describe('the metric in this call; null when the analysis has none (no customer’s close)'),
  met: z.boolean().describe('whether the rule holds (false for a null value)'),
});

export const RecordingScorecardSchema = z.object({
  audioId: z.string(),
  analysisId: z.string().nullable().describe('the analysis scored: the latest'),
  criteria: z.array(ScoredCriterionSchema),
  totalPercent: z.number().min(0).max(100).describe('weight met over all weight, percent, one decimal'),
});

// A field added to the scorecard without its schema here fails `tsc`.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<z.output<typeof RecordingScorecardSchema>, RecordingScorecardShape> = true;
void sameShape;

export const SCORECARD_SCHEMAS = {
  ScoredCriterion: ScoredCriterionSchema,
  RecordingScorecard: RecordingScorecardSchema,
} satisfies Record<string, z.ZodType>;
