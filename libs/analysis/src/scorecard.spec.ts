import type { AnalysisResult } from './analysis.schema';
import { callFigures, type CallFigures } from './call-figures';
import { OfflineAnalyst } from './offline-analyst';
import {
  DEFAULT_SCORECARD_TEMPLATE,
  ruleMet,
  ScorecardTemplateSchema,
  scoreCall,
  type ScorecardTemplate,
} from './scorecard';
import { PRICE_OBJECTION_DIALOGUE } from './testing/dialogues';
import { transcriptFromDialogue } from './testing/transcript-builder';

const DIALOGUE = PRICE_OBJECTION_DIALOGUE;

describe('scorecard rules', () => {
  it('compares numbers and labels, and a missing value meets nothing', () => {
    expect(ruleMet({ metric: 'questionsAsked', op: '>=', value: 5 }, 5)).toBe(true);
    expect(ruleMet({ metric: 'questionsAsked', op: '>=', value: 5 }, 4)).toBe(false);
    expect(ruleMet({ metric: 'longestMonologueMs', op: '<=', value: 90_000 }, 90_001)).toBe(false);
    expect(ruleMet({ metric: 'talkRatioAgent', op: 'between', min: 0.3, max: 0.6 }, 0.3)).toBe(true);
    expect(ruleMet({ metric: 'talkRatioAgent', op: 'between', min: 0.3, max: 0.6 }, 0.61)).toBe(false);
    expect(ruleMet({ metric: 'closingSentiment', op: 'not', value: 'negative' }, 'neutral')).toBe(true);
    expect(ruleMet({ metric: 'closingSentiment', op: 'is', value: 'positive' }, 'neutral')).toBe(false);
    expect(ruleMet({ metric: 'closingSentiment', op: 'not', value: 'negative' }, null)).toBe(false);
  });

  it('validates templates: the default passes; bad metrics, ranges and duplicate ids do not', () => {
    expect(ScorecardTemplateSchema.safeParse(DEFAULT_SCORECARD_TEMPLATE).success).toBe(true);
    const one = DEFAULT_SCORECARD_TEMPLATE.criteria[0];
    const bad = (criteria: unknown[]) => ScorecardTemplateSchema.safeParse({ criteria }).success;
    expect(bad([])).toBe(false);
    expect(bad([one, one])).toBe(false);
    expect(bad([{ ...one, rule: { metric: 'talkRatioAgent', op: 'between', min: 0.6, max: 0.3 } }])).toBe(false);
    expect(bad([{ ...one, rule: { metric: 'mood', op: '>=', value: 1 } }])).toBe(false);
    expect(bad([{ ...one, rule: { metric: 'closingSentiment', op: '>=', value: 1 } }])).toBe(false);
    expect(bad([{ ...one, weight: 0 }])).toBe(false);
    expect(bad([{ ...one, id: 'Not An Id' }])).toBe(false);
  });
});

describe('scoreCall', () => {
  let analysis: AnalysisResult;
  let figures: CallFigures;
  beforeAll(async () => {
    analysis = await new OfflineAnalyst().analyze(transcriptFromDialogue(DIALOGUE));
    const f = callFigures(analysis);
    if (!f) throw new Error('the dialogue names an agent');
    figures = f;
  });

  it("scores each criterion from the call's figures and analysis", () => {
    const card = scoreCall(DEFAULT_SCORECARD_TEMPLATE, analysis, figures);
    const byId = new Map(card.criteria.map((c) => [c.id, c]));
    expect(card.criteria.map((c) => c.id)).toEqual(DEFAULT_SCORECARD_TEMPLATE.criteria.map((c) => c.id));
    expect(byId.get('talk-ratio')?.value).toBe(figures.talkRatio);
    expect(byId.get('talk-ratio')?.met).toBe(figures.talkRatio >= 0.3 && figures.talkRatio <= 0.6);
    expect(byId.get('questions')?.value).toBe(figures.questionsAsked);
    expect(byId.get('questions')?.met).toBe(figures.questionsAsked >= 5);
    expect(byId.get('monologue')?.value).toBe(figures.longestMonologueMs);
    expect(figures.objectionsRaised).toBeGreaterThan(0);
    expect(byId.get('objections')?.value).toBe(figures.objectionsHandled / figures.objectionsRaised);
    expect(byId.get('closing')?.value).toBe(analysis.sentiment.closing?.label ?? null);
    expect(byId.get('next-steps')?.value).toBe(analysis.actionItems.length);
  });

  it('totals the weight met over all weight, in percent', () => {
    const template: ScorecardTemplate = {
      criteria: [
        { id: 'a', label: 'A', weight: 3, rule: { metric: 'questionsAsked', op: '>=', value: 0 } },
        { id: 'b', label: 'B', weight: 1, rule: { metric: 'questionsAsked', op: '<', value: 0 } },
      ],
    };
    const card = scoreCall(template, analysis, figures);
    expect(card.criteria.map((c) => c.met)).toEqual([true, false]);
    expect(card.totalPercent).toBe(75);
  });

  it('counts a call without objections as having answered them all', () => {
    const none = { ...figures, objectionsRaised: 0, objectionsHandled: 0 };
    const card = scoreCall(DEFAULT_SCORECARD_TEMPLATE, analysis, none);
    expect(card.criteria.find((c) => c.id === 'objections')).toMatchObject({ value: 1, met: true });
  });
});
