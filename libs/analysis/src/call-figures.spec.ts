import type { AnalysisResult } from './analysis.schema';
import { callFigures, type CallFigures } from './call-figures';
import { OfflineAnalyst } from './offline-analyst';
import { teamView, weekStart } from './team-view';
import { PRICE_OBJECTION_DIALOGUE } from './testing/dialogues';
import { transcriptFromDialogue } from './testing/transcript-builder';

const DIALOGUE = PRICE_OBJECTION_DIALOGUE;

describe('callFigures', () => {
  let analysis: AnalysisResult;
  beforeAll(async () => {
    analysis = await new OfflineAnalyst().analyze(transcriptFromDialogue(DIALOGUE));
  });

  it("takes the agent's talk, questions and monologue from the analysis", () => {
    const f = callFigures(analysis);
    const agent = analysis.metrics.speakers.find((s) => s.speaker === 'agent');
    expect(f).not.toBeNull();
    expect(f?.talkRatio).toBe(agent?.talkRatio);
    expect(f?.questionsAsked).toBe(agent?.questionsAsked);
    expect(f?.questionsAsked).toBeGreaterThanOrEqual(2);
    expect(f?.longestMonologueMs).toBe(agent?.longestMonologueMs);
  });

  it("counts the customer's objections and those the agent answered", () => {
    const f = callFigures(analysis);
    const objections = analysis.issues.filter((i) => i.type === 'price' || i.type === 'budget');
    expect(objections.length).toBeGreaterThan(0);
    expect(f?.objectionsRaised).toBeGreaterThan(0);
    expect(f?.objectionsHandled).toBe(f?.objectionsRaised);
    expect(f?.closingSentiment).toBe(analysis.sentiment.closing?.score ?? null);
  });

  it('names no agent on a mono call with several speakers', () => {
    const mono: AnalysisResult = {
      ...analysis,
      metrics: {
        ...analysis.metrics,
        speakers: analysis.metrics.speakers.map((s, i) => ({ ...s, speaker: `speaker ${i}` })),
      },
    };
    expect(callFigures(mono)).toBeNull();
  });
});

describe('teamView', () => {
  const figures = (talkRatio: number, raised = 0, handled = 0, closing: number | null = null): CallFigures => ({
    talkRatio,
    questionsAsked: 2,
    longestMonologueMs: 10_000,
    objectionsRaised: raised,
    objectionsHandled: handled,
    closingSentiment: closing,
  });
  const now = Date.parse('2026-03-12T12:00:00Z'); // a Thursday
  const day = 24 * 3600 * 1000;

  it('starts weeks on Monday, UTC', () => {
    expect(new Date(weekStart(now)).toISOString()).toBe('2026-03-09T00:00:00.000Z');
    expect(weekStart(Date.parse('2026-03-09T00:00:00Z'))).toBe(Date.parse('2026-03-09T00:00:00Z'));
  });

  it('averages per agent and per week, with the team over the same calls', () => {
    const view = teamView(
      [
        { agentId: 'a2', createdAt: now, figures: figures(0.6, 2, 1, 0.5) },
        { agentId: 'a1', createdAt: now - day, figures: figures(0.4, 1, 1, -0.5) },
        { agentId: 'a1', createdAt: now - 7 * day, figures: figures(0.2) },
        { agentId: 'a1', createdAt: now - 30 * day, figures: figures(0.9) },
      ],
      { now, weeks: 2 },
    );
    expect(view.weeks).toEqual(['2026-03-02', '2026-03-09']);
    expect(view.agents.map((a) => a.agentId)).toEqual(['a1', 'a2']);
    const [a1, a2] = view.agents;
    expect(a1?.overall.calls).toBe(2); // the call 30 days ago is outside the window
    expect(a1?.overall.talkRatio).toBeCloseTo(0.3);
    expect(a1?.weekly.map((w) => w.calls)).toEqual([1, 1]);
    expect(a1?.weekly.map((w) => w.talkRatio)).toEqual([0.2, 0.4]);
    expect(a2?.weekly[0]).toMatchObject({ calls: 0, talkRatio: null, handledShare: null });
    expect(a2?.overall).toMatchObject({ objectionsRaised: 2, objectionsHandled: 1, handledShare: 0.5 });
    expect(view.team.overall).toMatchObject({ calls: 3, objectionsRaised: 3, objectionsHandled: 2 });
    expect(view.team.overall.closingSentiment).toBeCloseTo(0);
    expect(view.team.weekly.map((w) => w.calls)).toEqual([1, 2]);
  });

  it('is empty without calls', () => {
    const view = teamView([], { now, weeks: 1 });
    expect(view.agents).toEqual([]);
    expect(view.team.overall).toMatchObject({ calls: 0, talkRatio: null });
  });
});
