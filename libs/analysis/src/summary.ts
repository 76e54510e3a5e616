/**
 * A short plain-text summary from the facts: length and speakers, the kind of call, the issues
 * raised, the key facts (amounts, competitor, who decides), what was given (outcomes), the next
 * step with its owner and date, and how the customer closed.
 */
import { nextStepOf } from './action-items';
import type { CallFacts } from './call-facts';
import { formatClock, percent } from './format';
import { AGENT } from './utterances';

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const KIND_LABEL: Readonly<Record<string, string>> = {
  discovery: 'a discovery call',
  demo: 'a demo',
  negotiation: 'a negotiation',
  renewal: 'a renewal negotiation',
  'cold-call': 'a cold call',
  'billing-support': 'a billing call',
  'technical-support': 'a technical support call',
  churn: 'a cancellation call',
  positive: 'a check-in',
};

const clean = (s: string): string => s.replace(/^[^\p{L}\p{N}$€£]+|[^\p{L}\p{N}%]+$/gu, '');

export function buildSummary(facts: CallFacts): string {
  const { metrics } = facts;
  const spoke = metrics.speakers.filter((s) => s.wordCount > 0);
  if (spoke.length === 0) return `No speech was recognised in this ${formatClock(metrics.durationMs)} recording.`;

  const kind =
    facts.callType === 'unknown' ? 'Call' : `${facts.callType[0]?.toUpperCase()}${facts.callType.slice(1)} call`;
  const agent = metrics.speakers.find((s) => s.speaker === AGENT);
  const who =
    facts.customer && agent
      ? `between the agent and the customer (agent ${percent(agent.talkRatio)} of talk time)`
      : `with ${list(spoke.map((s) => s.speaker))}`;
  const label = KIND_LABEL[facts.callKind];
  const parts = [`${kind} of ${formatClock(metrics.durationMs)} ${who}${label ? `, ${label}` : ''}.`];

  const types = [...new Set(facts.issues.map((i) => i.type))];
  if (types.length > 0) {
    parts.push(
      `${facts.customer ? 'The customer' : 'Issues'} raised: ${list(types)}${facts.customer ? ' concerns' : ''}.`,
    );
  } else {
    parts.push('No objections or complaints were detected.');
  }

  const { entities, outcomes } = facts.found;
  const key = [
    ...entities.filter((e) => e.kind === 'competitor').slice(0, 2),
    ...entities.filter((e) => e.kind === 'money').slice(0, 3),
    ...entities.filter((e) => e.kind === 'person' && e.note !== null).slice(0, 2),
  ].map((e) => (e.kind === 'person' && e.note ? `${clean(e.text)} (${e.note})` : clean(e.text)));
  if (key.length > 0) parts.push(`Key facts: ${list([...new Set(key)])}.`);

  const given = outcomes.filter((o) => o.kind !== 'reference-number');
  if (given.length > 0) {
    parts.push(
      `Outcome: ${list([...new Set(given.map((o) => (o.detail ? `${o.kind} (${clean(o.detail)})` : o.kind)))].slice(0, 5))}.`,
    );
  }

  const step = nextStepOf(facts.actionItems, facts.customer ? AGENT : null);
  if (step) parts.push(`Next step: "${step.text}" (${step.owner ?? 'owner unclear'}, ${step.dueText ?? 'no date'}).`);
  else if (facts.actionItems.length > 0) parts.push(`${facts.actionItems.length} follow-up item(s), none dated.`);

  if (facts.customerClosing) parts.push(`Customer sentiment at the end: ${facts.customerClosing.label}.`);
  return parts.join(' ');
}
