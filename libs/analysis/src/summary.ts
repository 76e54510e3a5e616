/** A short plain-text summary: length, speakers, issues raised, outcome. */
import { isScheduledNextStep } from './action-items';
import type { CallFacts } from './call-facts';
import { formatClock, percent } from './format';
import { AGENT } from './utterances';

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

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
  const parts = [`${kind} of ${formatClock(metrics.durationMs)} ${who}.`];

  const types = [...new Set(facts.issues.map((i) => i.type))];
  if (types.length > 0) {
    parts.push(
      `${facts.customer ? 'The customer' : 'Issues'} raised: ${list(types)}${facts.customer ? ' concerns' : ''}.`,
    );
  } else {
    parts.push('No objections or complaints were detected.');
  }

  const step = facts.actionItems.find(isScheduledNextStep);
  if (step) parts.push(`Next step: "${step.text}" (${step.dueText ?? 'no date'}).`);
  else if (facts.actionItems.length > 0) parts.push(`${facts.actionItems.length} follow-up item(s), no dated meeting.`);

  if (facts.customerClosing) parts.push(`Customer sentiment at the end: ${facts.customerClosing.label}.`);
  return parts.join(' ');
}
