/**
 * The finer kind of call (CALL_KINDS), which decides what coaching applies: a two-minute cold
 * call is not held to a discovery call's question count, a demo is allowed to be mostly the
 * agent talking, a churn call is judged on the save. Read from the issues raised, the outcomes
 * and a small vocabulary of the agent's speech.
 */
import type { CallKind, CallType, Issue, IssueType, Outcome } from './analysis.schema';
import { compilePattern, containsAny } from './phrase-matcher';
import { AGENT, type Utterance } from './utterances';

const DEMO_WORDS = ['=(show|showing) you', '=(here is|this is) the', '=walk you through', '=let me show', '=demo'].map(
  compilePattern,
);
/** Offering a demo later ("could we book a live demo?") is not giving one. */
const DEMO_OFFER = [
  '=(book|schedule|set up|do|arrange|organise|organize) (a|an|the)? (live|short|quick|full)? demo',
].map(compilePattern);
const COLD_OPEN = [
  '=(calling|called) because',
  '=do you have a (minute|moment|second)',
  '=is this',
  '=(we|i) help',
  '=(the)? reason (i am|for my) (calling|call)',
  '=(did i|have i) (catch|caught) you',
  '=(i will|i promise to|i will try to) be (quick|brief)',
  '=(this is|it is) a cold call',
].map(compilePattern);
/** An agent opening that checks in with an existing customer. */
const CHECK_IN = [
  '=(checking|check) in',
  '=how (is|are|has|have) (it|things|everything|the|your) (*)? (going|working|been)',
  '=(see|hear) how (it|things|everything|the|your) (*)? (is|are|has|have) (going|working|gone|been)',
].map(compilePattern);
const COMPLAINT: readonly IssueType[] = [
  'support',
  'billing',
  'product',
  'churn-threat',
  'escalation',
  'repeat-contact',
  'other',
];
const RENEWAL_WORDS = ['=(renewal|renew|renewing)'].map(compilePattern);
const NEGOTIATION: readonly IssueType[] = ['discount', 'budget', 'tender', 'contract-term'];
const SUPPORT_BILLING: readonly IssueType[] = ['billing'];
const SUPPORT_TECH: readonly IssueType[] = ['product'];

export function classifyCallKind(input: {
  callType: CallType;
  issues: readonly Issue[];
  outcomes: readonly Outcome[];
  utterances: readonly Utterance[];
  customerMood: number | null;
}): CallKind {
  const { issues, utterances } = input;
  const agent = utterances.filter((u) => u.speaker === AGENT);
  if (agent.length === 0) return 'other';
  const count = (types: readonly IssueType[]): number => issues.filter((i) => types.includes(i.type)).length;
  const endMs = utterances[utterances.length - 1]?.endMs ?? 0;
  const early = (i: Issue): boolean => i.startMs < endMs * 0.25;
  const opening = agent.slice(0, 2).flatMap((u) => u.tokens);
  const agentTokens = agent.flatMap((u) => u.tokens);

  if (issues.some((i) => i.type === 'churn-threat' && early(i))) return 'churn';
  if (count(NEGOTIATION) >= 2 || (count(NEGOTIATION) >= 1 && containsAny(RENEWAL_WORDS, agentTokens))) {
    return containsAny(RENEWAL_WORDS, agentTokens) ? 'renewal' : 'negotiation';
  }
  if (
    containsAny(COLD_OPEN, opening) &&
    issues.filter((i) => i.type === 'brush-off' || i.type === 'timing' || i.type === 'need').length >= 1
  ) {
    return 'cold-call';
  }
  // A check-in with a happy customer and nothing to complain about.
  if (containsAny(CHECK_IN, opening) && count(COMPLAINT) === 0 && (input.customerMood ?? 0) > 0) return 'positive';
  if (count(SUPPORT_BILLING) > 0 && count(SUPPORT_BILLING) >= count(SUPPORT_TECH)) return 'billing-support';
  if (count(SUPPORT_TECH) > 0 && input.callType !== 'sales') return 'technical-support';
  if (
    input.callType === 'sales' ||
    issues.some((i) => ['authority', 'need', 'timing', 'competitor', 'trust', 'price'].includes(i.type))
  ) {
    const demoTurns = agent.filter(
      (u) => containsAny(DEMO_WORDS, u.tokens) && !containsAny(DEMO_OFFER, u.tokens),
    ).length;
    return demoTurns >= 2 ? 'demo' : 'discovery';
  }
  if (issues.length === 0 && (input.customerMood ?? 0) > 0) return 'positive';
  return 'other';
}

/** Kinds whose coaching follows sales research (talk ratio, discovery questions, next step). */
export const SALES_KINDS: readonly CallKind[] = ['discovery', 'demo', 'negotiation', 'renewal', 'cold-call'];
