import { AnalysisResultSchema, callFigures, teamView, type AgentCall, type TeamView } from '@speech/analysis';
import { HttpError, managedTeams, type Viewer } from '@speech/platform';
import { getJson, type ObjectStore } from '@speech/storage';
import type { Filter } from '@speech/persistence';
import type { ReadModel } from './read-model';

/** The most analysed calls one team view reads; more: `truncated`, the newest kept. */
export const TEAM_VIEW_MAX_CALLS = 2000;
const MAX_WEEKS = 52;

export interface TeamAgentsQuery {
  weeks: number;
  /** One of the viewer's teams (an admin: any); absent: all of the viewer's teams. */
  team?: string;
}

export function teamAgentsQueryOf(query: Record<string, unknown>): TeamAgentsQuery {
  const bad = (message: string) => new HttpError(400, 'TEAM.BAD_REQUEST', message);
  const weeksText = query.weeks ?? '8';
  if (typeof weeksText !== 'string' || !/^\d{1,2}$/.test(weeksText))
    throw bad('weeks must be a whole number from 1 to 52');
  const weeks = Number(weeksText);
  if (weeks < 1 || weeks > MAX_WEEKS) throw bad('weeks must be a whole number from 1 to 52');
  const team = query.team;
  if (team !== undefined && (typeof team !== 'string' || !team || team.length > 200))
    throw bad('team must be one team id');
  return { weeks, team };
}

/**
 * GET /team/agents: the figures of every agent of the viewer's teams over the weeks asked for,
 * from their latest analyses (a manager: the calls of their teams; an admin: of every team, or
 * of the one named; an agent: 403). Recordings without an analysis, or whose analysis names no
 * agent, are left out.
 */
export async function teamAgents(
  deps: { model: ReadModel; store: ObjectStore; now?: () => number },
  viewer: Viewer,
  q: TeamAgentsQuery,
): Promise<TeamView & { teams: string[] | null; truncated: boolean }> {
  const managed = managedTeams(viewer);
  if (q.team !== undefined && managed && !managed.includes(q.team)) {
    throw new HttpError(403, 'TEAM.FORBIDDEN', `you do not manage team ${q.team}`);
  }
  const teams = q.team !== undefined ? [q.team] : managed ? [...managed] : null;
  const now = (deps.now ?? Date.now)();
  const since = now - (q.weeks + 1) * 7 * 24 * 3600 * 1000;
  const filter: Filter = { createdAt: { $gte: since }, analysisKey: { $ne: null } };
  if (teams) filter.teamIds = { $in: teams };
  const docs = teams?.length === 0 ? [] : await deps.model.docsIn(viewer, filter, TEAM_VIEW_MAX_CALLS + 1);
  const calls: AgentCall[] = [];
  for (const doc of docs.slice(0, TEAM_VIEW_MAX_CALLS)) {
    if (!doc.userId || !doc.analysisKey) continue;
    const parsed = AnalysisResultSchema.safeParse(await getJson<unknown>(deps.store, doc.analysisKey));
    const figures = parsed.success ? callFigures(parsed.data) : null;
    if (figures) calls.push({ agentId: doc.userId, createdAt: doc.createdAt, figures });
  }
  return {
    teams,
    truncated: docs.length > TEAM_VIEW_MAX_CALLS,
    ...teamView(calls, { now, weeks: q.weeks }),
  };
}
