import type { CallFigures } from './call-figures';

/** The team view's figures over a set of calls: means of each figure (null: no call had it). */
export interface FigureAverages {
  calls: number;
  talkRatio: number | null;
  questionsAsked: number | null;
  longestMonologueMs: number | null;
  objectionsRaised: number;
  objectionsHandled: number;
  /** objectionsHandled / objectionsRaised; null when no objection was raised. */
  handledShare: number | null;
  closingSentiment: number | null;
}

export interface WeekFigures extends FigureAverages {
  /** Monday 00:00 UTC of the week, as YYYY-MM-DD. */
  week: string;
}

export interface AgentFigures {
  agentId: string;
  overall: FigureAverages;
  /** One entry per week of the window, oldest first (a week without calls has calls: 0). */
  weekly: WeekFigures[];
}

export interface TeamView {
  weeks: string[];
  agents: AgentFigures[];
  /** Every call of the view together: what each agent is compared to. */
  team: { overall: FigureAverages; weekly: WeekFigures[] };
}

/** One analysed call of an agent. */
export interface AgentCall {
  agentId: string;
  createdAt: number;
  figures: CallFigures;
}

const DAY_MS = 24 * 3600 * 1000;

/** Monday 00:00 UTC of the week holding `ms`. */
export function weekStart(ms: number): number {
  const day = Math.floor(ms / DAY_MS) * DAY_MS;
  const weekday = (new Date(day).getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return day - weekday * DAY_MS;
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

const mean = (xs: number[]): number | null => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

export function averages(figures: readonly CallFigures[]): FigureAverages {
  const raised = figures.reduce((n, f) => n + f.objectionsRaised, 0);
  const handled = figures.reduce((n, f) => n + f.objectionsHandled, 0);
  return {
    calls: figures.length,
    talkRatio: mean(figures.map((f) => f.talkRatio)),
    questionsAsked: mean(figures.map((f) => f.questionsAsked)),
    longestMonologueMs: mean(figures.map((f) => f.longestMonologueMs)),
    objectionsRaised: raised,
    objectionsHandled: handled,
    handledShare: raised ? handled / raised : null,
    closingSentiment: mean(figures.map((f) => f.closingSentiment).filter((s): s is number => s !== null)),
  };
}

/**
 * Per-agent figures with a weekly trend over the `weeks` weeks ending with the week of `now`,
 * and the team's figures over the same calls for comparison. Calls before the window are left out.
 */
export function teamView(calls: readonly AgentCall[], opts: { now: number; weeks: number }): TeamView {
  const last = weekStart(opts.now);
  const starts = Array.from({ length: opts.weeks }, (_, i) => last - (opts.weeks - 1 - i) * 7 * DAY_MS);
  const inWindow = calls.filter((c) => c.createdAt >= starts[0] && c.createdAt < last + 7 * DAY_MS);
  const weekly = (cs: readonly AgentCall[]): WeekFigures[] =>
    starts.map((s) => ({
      week: isoDay(s),
      ...averages(cs.filter((c) => weekStart(c.createdAt) === s).map((c) => c.figures)),
    }));
  const byAgent = new Map<string, AgentCall[]>();
  for (const c of inWindow) byAgent.set(c.agentId, [...(byAgent.get(c.agentId) ?? []), c]);
  const agents = [...byAgent]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([agentId, cs]) => ({ agentId, overall: averages(cs.map((c) => c.figures)), weekly: weekly(cs) }));
  return {
    weeks: starts.map(isoDay),
    agents,
    team: { overall: averages(inWindow.map((c) => c.figures)), weekly: weekly(inWindow) },
  };
}
