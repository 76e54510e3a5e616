/**
 * The facts our rules found, in the compact form an LLM gets as context (the LLM analyst,
 * libs/llm-analyst): what was said (amounts, names, dates, competitors, references), what was
 * given (outcomes) and promised (commitments), the kind of call and how the customer closed.
 * Short phrases and times only, never whole transcript lines.
 */
import type { CallKind, OutcomeKind, SentimentLabel } from './analysis.schema';
import type { CallFacts } from './call-facts';

export interface PromptFacts {
  callKind: CallKind;
  entities: Array<{ kind: string; text: string; speaker: string; atMs: number; note: string | null }>;
  outcomes: Array<{ kind: OutcomeKind; detail: string | null; speaker: string; atMs: number }>;
  commitments: Array<{ owner: string | null; dueText: string | null; atMs: number; text: string }>;
  rootCause: { text: string; atMs: number } | null;
  customerClosing: { label: SentimentLabel; score: number } | null;
}

/** At most this many of each list: a long call has thousands, and the model needs the gist. */
const MAX_ITEMS = 400;

export function promptFactsOf(facts: CallFacts): PromptFacts {
  const { found } = facts;
  return {
    callKind: facts.callKind,
    entities: found.entities
      .filter((e) => e.kind !== 'role')
      .slice(0, MAX_ITEMS)
      .map((e) => ({ kind: e.kind, text: e.text, speaker: e.speaker, atMs: e.atMs, note: e.note })),
    outcomes: found.outcomes
      .slice(0, MAX_ITEMS)
      .map((o) => ({ kind: o.kind, detail: o.detail, speaker: o.speaker, atMs: o.atMs })),
    commitments: facts.actionItems
      .slice(0, MAX_ITEMS)
      .map((a) => ({ owner: a.owner, dueText: a.dueText, atMs: a.atMs, text: a.text })),
    rootCause: found.rootCause ? { text: found.rootCause.text, atMs: found.rootCause.atMs } : null,
    customerClosing: facts.customerClosing
      ? { label: facts.customerClosing.label, score: facts.customerClosing.score }
      : null,
  };
}
