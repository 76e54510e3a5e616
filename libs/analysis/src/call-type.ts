/**
 * Sales or support? Decides which coaching applies (talk ratio and question benchmarks
 * come from sales research; empathy and resolution rules from service research).
 * Scored from the kinds of issues raised and a small vocabulary in the agent's speech.
 */
import { OBJECTION_ISSUE_TYPES, type CallType, type Issue, type IssueType } from './analysis.schema';
import { AGENT, type Utterance } from './utterances';

const SUPPORT_ISSUES: readonly IssueType[] = ['product', 'support', 'billing', 'escalation', 'repeat-contact'];
const SALES_WORDS = [
  'pricing',
  'plan',
  'demo',
  'solution',
  'quote',
  'contract',
  'trial',
  'proposal',
  'budget',
  'roi',
  'discovery',
  'license',
  'onboarding',
  'pilot',
];
const SUPPORT_WORDS = [
  'support',
  'help',
  'ticket',
  'account',
  'sorry',
  'outage',
  'fix',
  'fixed',
  'troubleshoot',
  'reset',
  'engineer',
  'engineers',
  'restart',
  'reboot',
  'refund',
  'issue',
];

export function classifyCall(issues: readonly Issue[], utterances: readonly Utterance[]): CallType {
  const types = new Set(issues.map((i) => i.type));
  const agentTokens = new Set(utterances.filter((u) => u.speaker === AGENT).flatMap((u) => u.tokens));
  // Prefix match so "solutions" counts for "solution".
  const vocab = (words: readonly string[]): number =>
    words.filter((w) => [...agentTokens].some((t) => t === w || (t.startsWith(w) && t.length <= w.length + 2))).length;
  const sales = 2 * OBJECTION_ISSUE_TYPES.filter((t) => types.has(t)).length + vocab(SALES_WORDS);
  const support = 2 * SUPPORT_ISSUES.filter((t) => types.has(t)).length + vocab(SUPPORT_WORDS);
  if (sales === support) return 'unknown';
  return sales > support ? 'sales' : 'support';
}
