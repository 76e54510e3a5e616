/**
 * Prompts of the LLM analyst. Any change to the wording or to the schemas it asks for bumps
 * LLM_PROMPT_VERSION, which every analysis records (provenance.promptVersion), so results
 * from different prompts can be told apart.
 */
import { BENCHMARKS, CALL_KINDS, ISSUE_TYPES, type PromptFacts } from '@speech/analysis';
import type { ChatMessage } from './chat-model';

export const LLM_PROMPT_VERSION = 'call-analysis/1.1.0';

const SPEAKERS = `Speaker labels: "agent" is the company's representative (the person being coached), "customer" the other party; "speaker" means a one-channel recording where voices are not separated (infer roles from what is said).`;

const TRANSCRIPT_FORMAT = `The transcript comes from automatic speech recognition: it may be lowercase, unpunctuated and contain misrecognised words. Each line is "[startMs-endMs] speaker: words", times in milliseconds from the start of the recording.`;

const EVIDENCE_RULES = `Evidence rules (findings that break them are discarded):
- "quote" is copied verbatim from ONE transcript line: 3 to 25 consecutive words, same spelling, no paraphrase, no words added or left out in between.
- "startMs"/"endMs" are the times of the line the quote comes from.
- Report only what the transcript supports; empty arrays are a fine answer.`;

export const MAP_SYSTEM_PROMPT = `You analyse one part of a recorded sales or support call for a coaching platform.
${TRANSCRIPT_FORMAT}
${SPEAKERS}

Report for this part only:
- issues: objections, complaints and problems raised (mostly by the customer). type is one of ${ISSUE_TYPES.join(', ')}; confidence 0..1 that it is a real issue.
- sentiment: the mood of each speaker over this part, one point per speaker per stretch of 1 to 5 minutes (score -1 very negative .. 1 very positive, startMs/endMs of the stretch).
- sentimentShifts: moments where a speaker's mood clearly changes (from/to: positive, neutral, negative), quoting the words where it turns.
- actionItems: next steps and commitments: text (imperative, e.g. "Send the security questionnaire"), owner (a speaker label, or null when shared or unclear), dueText (when, in the words spoken, e.g. "next wednesday", or null), with the quote that says it.
- coachingMoments: what the agent did well ("strength") or should do differently ("improvement"): objection handling, empathy, questions, listening, next steps; observation in one sentence.
- notes: 1 to 3 sentences on what happens in this part (who wants what, what was decided), for a summary of the whole call.

Facts found by rule-based extraction may come with the part (amounts, names, dates, competitors, outcomes, commitments, each with its time). Use them to check your findings; they can be incomplete or wrong, so trust the transcript.

Issue types: "discount" is asking for a price cut, "budget" a budget cut or freeze, "tender" a procurement process or competing bids, "contract-term" length, notice, auto-renewal or clauses, "brush-off" ending or deflecting the conversation, "escalation" asking for a manager, "repeat-contact" having called about it before, "churn-threat" threatening to cancel or switch. Praise ("that is a lot better"), questions about a price and polite closings are not issues.

${EVIDENCE_RULES}`;

export const DIGEST_SYSTEM_PROMPT = `You condense notes taken on consecutive parts of one long call into a single set of notes of at most 200 words. Keep who wants what, the main issues, decisions, commitments with their owners and dates, and how the mood develops; keep times ("at 1:02:00") for key moments. Do not invent anything that is not in the notes.`;

export const CALL_SYSTEM_PROMPT = `You write the final analysis of a recorded sales or support call for a coaching platform. You do not see the transcript: you get findings extracted from it part by part (each quote verbatim, with its times), notes on each part, and conversation metrics computed exactly from word timings.
${SPEAKERS}

Produce:
- callType: "sales", "support", or "unknown"; callKind: one of ${CALL_KINDS.join(', ')}.
- summary: 3 to 6 sentences: why the call happened, the main issues, how the agent handled them, the outcome and the agreed next steps (with owner and date when the call says so).
- sentiment: overall and per speaker (score -1..1 and its label: negative at or below -0.1, positive at or above 0.1, else neutral), from the findings; closing: the customer's mood over their last remarks (a polite "thanks, bye" is not negative; a curt demand is not positive).
- coaching: 2 to 6 recommendations for the agent. Each names the benchmark it compares against (one from the list given, quoted by name, or another published benchmark by name and source) and is tied to a metric (basis.metric exactly as named in the metrics list, with its value and the benchmark's value) and/or to evidence (a quote copied verbatim from a finding, with that finding's startMs/endMs). Severity: "info" for strengths, "suggestion", or "warning" for what hurts the call most.
- quiz: 3 to 5 multiple-choice questions to train other agents on this call, about its facts (the amounts, the competitor, who decides, the dates, the next step, the root cause), not about the analysis: 3 or 4 distinct options of the same kind, answerIndex of the right one, whose text is in the words of the call or the facts; a one-sentence explanation; atMs of the moment it is about or null.
- coaching that the call contradicts is wrong: no "no commitment" when a refund, a credit, a fix or a dated callback was given; no question-count benchmark for a short cold call.

The metrics are facts: use their values as given, never recompute or contradict them.`;

export interface MapPromptInput {
  part: number;
  parts: number;
  startMs: number;
  endMs: number;
  transcript: string;
  competitors: readonly string[];
  /** Facts our rules found in this part (prompt-facts.ts in libs/analysis). */
  facts?: Partial<PromptFacts> | null;
}

export function mapMessages(input: MapPromptInput): ChatMessage[] {
  const competitors = input.competitors.length
    ? `Competitors to flag as "competitor" issues when mentioned: ${input.competitors.join(', ')}.\n`
    : '';
  const facts = input.facts ? `\n\nFacts found by our rules in this part (JSON):\n${JSON.stringify(input.facts)}` : '';
  return [
    { role: 'system', content: MAP_SYSTEM_PROMPT },
    {
      role: 'user',
      content: `${competitors}Part ${input.part} of ${input.parts} (${input.startMs}-${input.endMs} ms):\n\n${input.transcript}${facts}`,
    },
  ];
}

/** The facts of one window: what falls between its first and last time. */
export function factsWithin(
  facts: PromptFacts,
  startMs: number,
  endMs: number,
  max: number,
): Partial<PromptFacts> | null {
  const inside = <T extends { atMs: number }>(xs: readonly T[]): T[] =>
    xs.filter((x) => x.atMs >= startMs && x.atMs <= endMs).slice(0, max);
  const part = {
    entities: inside(facts.entities),
    outcomes: inside(facts.outcomes),
    commitments: inside(facts.commitments),
  };
  return part.entities.length + part.outcomes.length + part.commitments.length > 0 ? part : null;
}

export function digestMessages(notes: string): ChatMessage[] {
  return [
    { role: 'system', content: DIGEST_SYSTEM_PROMPT },
    { role: 'user', content: notes },
  ];
}

/** The reduce input: JSON of findings, notes and metrics, never transcript lines. */
export function callMessages(context: unknown): ChatMessage[] {
  return [
    { role: 'system', content: CALL_SYSTEM_PROMPT },
    { role: 'user', content: `Findings, notes and metrics of the call (JSON):\n${JSON.stringify(context)}` },
  ];
}

/** The named benchmarks the coaching may cite, with their values. */
export function benchmarkList(): Array<{ name: string; values: Record<string, number> }> {
  return Object.values(BENCHMARKS).map((b) => {
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(b)) if (typeof v === 'number') values[k] = v;
    return { name: b.name, values };
  });
}

export function repairMessage(problems: readonly string[]): ChatMessage {
  return {
    role: 'user',
    content: `Your answer does not validate against the required schema:\n${problems.map((p) => `- ${p}`).join('\n')}\nReply with the corrected JSON object only.`,
  };
}
