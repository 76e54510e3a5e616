import type { AnalysisResult, Issue } from './analysis.schema';
import { OBJECTION_TYPES } from './objection-response';
import { AGENT } from './utterances';

/**
 * The figures a coach follows per agent and call (issue #15's team view), from one stored
 * analysis: the agent's share of the talk, the questions they asked, their longest monologue,
 * the customer's objections and how many the agent answered, and the customer's mood at the close.
 */
export interface CallFigures {
  /** The agent's share of all talk time, 0..1. */
  talkRatio: number;
  questionsAsked: number;
  longestMonologueMs: number;
  /** Sales objections the customer raised (issues of an OBJECTION_TYPES type, not said by the agent). */
  objectionsRaised: number;
  /** Those the agent answered: the agent spoke after the objection began, before the call ended. */
  objectionsHandled: number;
  /** The customer's closing sentiment score (-1..1); null without a customer (mono calls). */
  closingSentiment: number | null;
}

const OBJECTIONS = new Set<string>(OBJECTION_TYPES);

/**
 * The agent's figures of one call; null when the analysis names no agent (a mono call with
 * several speakers, where who the agent is is unknown). A call with one speaker is theirs.
 */
export function callFigures(a: AnalysisResult): CallFigures | null {
  const agent = agentOf(a);
  if (!agent) return null;
  const agentTurns = agentTurnStarts(a, agent.speaker);
  const objections = a.issues.filter((i) => OBJECTIONS.has(i.type) && i.speaker !== agent.speaker);
  const handled = objections.filter((o) => agentTurns.some((start) => start >= o.startMs)).length;
  return {
    talkRatio: agent.talkRatio,
    questionsAsked: agent.questionsAsked,
    longestMonologueMs: agent.longestMonologueMs,
    objectionsRaised: objections.length,
    objectionsHandled: handled,
    closingSentiment: a.sentiment.closing?.score ?? null,
  };
}

/** The agent's metrics: the AGENT speaker, or the only speaker of a one-speaker call. */
function agentOf(a: AnalysisResult): AnalysisResult['metrics']['speakers'][number] | undefined {
  const speakers = a.metrics.speakers;
  return speakers.find((s) => s.speaker === AGENT) ?? (speakers.length === 1 ? speakers[0] : undefined);
}

const agentTurnStarts = (a: AnalysisResult, agent: string): number[] =>
  a.sentiment.timeline.filter((t) => t.speaker === agent).map((t) => t.startMs);

/** One objection of a call as the objection library lists it. */
export interface CallObjection {
  type: Issue['type'];
  quote: string;
  speaker: string;
  startMs: number;
  endMs: number;
  /**
   * The agent answered it (spoke after it began, before the call ended: the rule of
   * objectionsHandled); null when the analysis names no agent, or the agent raised it.
   */
  handled: boolean | null;
}

/** Every sales objection (an OBJECTION_TYPES issue) of one analysis, in the analysis's order. */
export function callObjections(a: AnalysisResult): CallObjection[] {
  const agent = agentOf(a);
  const agentTurns = agent ? agentTurnStarts(a, agent.speaker) : [];
  return a.issues
    .filter((i) => OBJECTIONS.has(i.type))
    .map((i) => ({
      type: i.type,
      quote: i.quote,
      speaker: i.speaker,
      startMs: i.startMs,
      endMs: i.endMs,
      handled: !agent || i.speaker === agent.speaker ? null : agentTurns.some((start) => start >= i.startMs),
    }));
}
