import { z } from 'zod';
import type { AnalysisResult } from './analysis.schema';
import type { CallFigures } from './call-figures';

/**
 * Scorecards (issue #15's team view): a template is a list of criteria, each a rule over one
 * metric of the call (its figures, callFigures, and the analysis), kept as data so an operator
 * can replace it (SCORECARD_TEMPLATE) without code.
 */
export const SCORECARD_METRICS = [
  'talkRatioAgent',
  'questionsAsked',
  'longestMonologueMs',
  'objectionsRaised',
  'objectionsHandled',
  /** Handled over raised; 1 for a call without objections (nothing was left unanswered). */
  'objectionsHandledShare',
  /** The customer's closing sentiment label: positive, neutral or negative (null: none). */
  'closingSentiment',
  'actionItems',
] as const;
export type ScorecardMetric = (typeof SCORECARD_METRICS)[number];

const LABELS = ['positive', 'neutral', 'negative'] as const;
const NUMERIC = SCORECARD_METRICS.filter((m) => m !== 'closingSentiment') as Exclude<
  ScorecardMetric,
  'closingSentiment'
>[];

const NumericMetricSchema = z.enum(NUMERIC as [(typeof NUMERIC)[number], ...(typeof NUMERIC)[number][]]);

export const ScorecardRuleSchema = z.discriminatedUnion('op', [
  z.object({ metric: NumericMetricSchema, op: z.enum(['>=', '<=', '>', '<', '==']), value: z.number().finite() }),
  z
    .object({
      metric: NumericMetricSchema,
      op: z.literal('between'),
      min: z.number().finite(),
      max: z.number().finite(),
    })
    .refine((r) => r.min <= r.max, { message: 'min must not exceed max' }),
  z.object({ metric: z.literal('closingSentiment'), op: z.enum(['is', 'not']), value: z.enum(LABELS) }),
]);
export type ScorecardRule = z.infer<typeof ScorecardRuleSchema>;

export const ScorecardCriterionSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'id: lower-case letters, digits and dashes, up to 64'),
  label: z.string().trim().min(1).max(200),
  weight: z.number().positive().max(100),
  rule: ScorecardRuleSchema,
});
export type ScorecardCriterion = z.infer<typeof ScorecardCriterionSchema>;

export const ScorecardTemplateSchema = z
  .object({ criteria: z.array(ScorecardCriterionSchema).min(1).max(50) })
  .refine((t) => new Set(t.criteria.map((c) => c.id)).size === t.criteria.length, {
    message: 'criterion ids must be unique',
  });
export type ScorecardTemplate = z.infer<typeof ScorecardTemplateSchema>;

/** The template that ships (README, "Scorecards"); SCORECARD_TEMPLATE replaces it. */
export const DEFAULT_SCORECARD_TEMPLATE: ScorecardTemplate = {
  criteria: [
    {
      id: 'talk-ratio',
      label: 'Agent talks 30–60% of the time',
      weight: 2,
      rule: { metric: 'talkRatioAgent', op: 'between', min: 0.3, max: 0.6 },
    },
    {
      id: 'questions',
      label: 'Asks at least 5 questions',
      weight: 2,
      rule: { metric: 'questionsAsked', op: '>=', value: 5 },
    },
    {
      id: 'monologue',
      label: 'No monologue over 90 s',
      weight: 1,
      rule: { metric: 'longestMonologueMs', op: '<=', value: 90_000 },
    },
    {
      id: 'objections',
      label: 'Answers every objection',
      weight: 2,
      rule: { metric: 'objectionsHandledShare', op: '>=', value: 1 },
    },
    {
      id: 'closing',
      label: 'Customer not negative at the close',
      weight: 2,
      rule: { metric: 'closingSentiment', op: 'not', value: 'negative' },
    },
    {
      id: 'next-steps',
      label: 'Agrees at least one action item',
      weight: 1,
      rule: { metric: 'actionItems', op: '>=', value: 1 },
    },
  ],
};

export interface ScoredCriterion {
  id: string;
  label: string;
  weight: number;
  rule: ScorecardRule;
  /** The metric's value in this call (null: the analysis has none, e.g. no customer's close). */
  value: number | string | null;
  /** Whether the rule holds; false when the value is null. */
  met: boolean;
}

export interface Scorecard {
  criteria: ScoredCriterion[];
  /** Weight of the criteria met over all weight, as a percentage rounded to one decimal. */
  totalPercent: number;
}

/** The value of one metric in a call. */
export function metricValue(metric: ScorecardMetric, a: AnalysisResult, f: CallFigures): number | string | null {
  switch (metric) {
    case 'talkRatioAgent':
      return f.talkRatio;
    case 'questionsAsked':
      return f.questionsAsked;
    case 'longestMonologueMs':
      return f.longestMonologueMs;
    case 'objectionsRaised':
      return f.objectionsRaised;
    case 'objectionsHandled':
      return f.objectionsHandled;
    case 'objectionsHandledShare':
      return f.objectionsRaised === 0 ? 1 : f.objectionsHandled / f.objectionsRaised;
    case 'closingSentiment':
      return a.sentiment.closing?.label ?? null;
    case 'actionItems':
      return a.actionItems.length;
  }
}

/** Whether a rule holds for a value (a null value meets no rule). */
export function ruleMet(rule: ScorecardRule, value: number | string | null): boolean {
  if (value === null) return false;
  if (rule.op === 'is') return value === rule.value;
  if (rule.op === 'not') return value !== rule.value;
  if (typeof value !== 'number') return false;
  switch (rule.op) {
    case 'between':
      return value >= rule.min && value <= rule.max;
    case '>=':
      return value >= rule.value;
    case '<=':
      return value <= rule.value;
    case '>':
      return value > rule.value;
    case '<':
      return value < rule.value;
    case '==':
      return value === rule.value;
  }
}

/** Weight met over weight in all, in percent to one decimal (0 for no weight). */
export function scorecardTotal(criteria: readonly Pick<ScoredCriterion, 'met' | 'weight'>[]): number {
  const all = criteria.reduce((s, c) => s + c.weight, 0);
  const met = criteria.reduce((s, c) => s + (c.met ? c.weight : 0), 0);
  return all ? Math.round((met / all) * 1000) / 10 : 0;
}

/** Scores one call's analysis and figures (callFigures) against a template. */
export function scoreCall(template: ScorecardTemplate, analysis: AnalysisResult, figures: CallFigures): Scorecard {
  const criteria = template.criteria.map((c): ScoredCriterion => {
    const value = metricValue(c.rule.metric, analysis, figures);
    return { id: c.id, label: c.label, weight: c.weight, rule: c.rule, value, met: ruleMet(c.rule, value) };
  });
  return { criteria, totalPercent: scorecardTotal(criteria) };
}
