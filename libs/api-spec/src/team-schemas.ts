import { z } from 'zod';
import type { TeamView } from '@speech/analysis';

/** The team view (issue #15): GET /team/agents (libs/services/query team-agents.ts, libs/analysis team-view.ts). */
const mean = (what: string) => z.number().nullable().describe(`${what}, averaged over the calls; null without calls`);

export const FigureAveragesSchema = z.object({
  calls: z.number().int().min(0).describe('analysed calls counted'),
  talkRatio: mean('the agent’s share of the talk time, 0..1'),
  questionsAsked: mean('questions the agent asked per call'),
  longestMonologueMs: mean('the agent’s longest monologue, ms'),
  objectionsRaised: z.number().int().min(0).describe('sales objections the customers raised'),
  objectionsHandled: z.number().int().min(0).describe('those the agent answered'),
  handledShare: z.number().min(0).max(1).nullable().describe('handled of raised; null when none was raised'),
  closingSentiment: mean('the customer’s sentiment at the close, -1..1 (stereo calls)'),
});

export const WeekFiguresSchema = FigureAveragesSchema.extend({
  week: z.string().describe('the week’s Monday, UTC, YYYY-MM-DD'),
});

export const TeamViewSchema = z.object({
  teams: z.array(z.string()).nullable().describe('the teams counted; null: every team (an admin)'),
  truncated: z.boolean().describe('more analysed calls than one view reads: the newest were counted'),
  weeks: z.array(z.string()).describe('the weeks of the trend, oldest first'),
  agents: z.array(
    z.object({
      agentId: z.string().describe('the uploader (the token’s sub)'),
      overall: FigureAveragesSchema,
      weekly: z.array(WeekFiguresSchema),
    }),
  ),
  team: z
    .object({ overall: FigureAveragesSchema, weekly: z.array(WeekFiguresSchema) })
    .describe('every call of the view together, to compare each agent with'),
});

// A field added to the team view without its schema here fails `tsc`.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<
  z.output<typeof TeamViewSchema>,
  TeamView & { teams: string[] | null; truncated: boolean }
> = true;
void sameShape;

export const TEAM_SCHEMAS = {
  FigureAverages: FigureAveragesSchema,
  WeekFigures: WeekFiguresSchema,
  TeamView: TeamViewSchema,
} satisfies Record<string, z.ZodType>;
