/**
 * Coaching: each item compares one metric or one moment of the call with a named
 * benchmark (benchmarks.ts). Severity: info = on benchmark / done well, suggestion =
 * room to improve, warning = clearly off benchmark or a missed must-do.
 */
import type { CoachingBasis, CoachingItem, SpeakerMetrics } from './analysis.schema';
import { BENCHMARKS } from './benchmarks';
import type { CallFacts } from './call-facts';
import { interruptingUtterances, monologues, talkIntervals } from './conversation-metrics';
import { formatClock, percent } from './format';
import { COMPLAINT_TYPES, OBJECTION_TYPES, describeResponse, type IssueResponse } from './objection-response';
import { nextStepOf } from './action-items';
import { SALES_KINDS } from './call-kind';
import { compilePattern, containsAny, findPhrase } from './phrase-matcher';
import { questionStarts } from './question-detector';
import { AGENT, quoteTokens, type Utterance } from './utterances';

type Rule = (facts: CallFacts) => CoachingItem[];

/** Pace and filler rates are meaningless on a few seconds of speech. */
const MIN_WORDS_FOR_RATES = 60;
const MAX_OBJECTION_ITEMS = 5;

function basis(partial: Partial<CoachingBasis>): CoachingBasis {
  return { metric: null, value: null, benchmark: null, benchmarkValue: null, atMs: null, quote: null, ...partial };
}

function speakerMetrics(facts: CallFacts, speaker: string | null): SpeakerMetrics | undefined {
  return facts.metrics.speakers.find((s) => s.speaker === speaker);
}

const who = (facts: CallFacts): string => (facts.coachee === AGENT ? 'You' : 'The speaker');

/** Presenting is a demo's job and pitching a cold call's: the 43:57 norm is for discovery. */
const PRESENTING_KINDS = new Set(['demo', 'cold-call']);
const PRESENTING_CEILING = 0.75;

const talkRatio: Rule = (facts) => {
  if (facts.callType === 'support' || facts.customer === null) return [];
  if (facts.callKind !== 'other' && !SALES_KINDS.includes(facts.callKind)) return [];
  const agent = speakerMetrics(facts, AGENT);
  const customer = speakerMetrics(facts, facts.customer);
  if (!agent || !customer || agent.talkTimeMs === 0 || customer.talkTimeMs === 0) return [];
  const { target, ceiling, name } = BENCHMARKS.talkRatio;
  const v = agent.talkRatio;
  const presenting = PRESENTING_KINDS.has(facts.callKind);
  const severity = presenting
    ? v > PRESENTING_CEILING
      ? 'suggestion'
      : 'info'
    : v > ceiling
      ? 'warning'
      : Math.abs(v - target) > 0.12
        ? 'suggestion'
        : 'info';
  const recommendation =
    v > target + 0.12
      ? `You talked ${percent(v)} of the time. Top reps talk about ${percent(target)}: ask an open question and let the customer finish before pitching.`
      : v < target - 0.12
        ? `You talked only ${percent(v)} of the time. Listening is good, but steer the call: summarise what you heard and propose a next step.`
        : `You talked ${percent(v)} of the time, close to the ${percent(target)} of top reps. Keep it up.`;
  const presentingNote = presenting
    ? severity === 'info'
      ? `You talked ${percent(v)} of the time. On a ${facts.callKind === 'demo' ? 'demo' : 'cold call'} the agent leads, so that is expected; keep checking in with a question.`
      : `You talked ${percent(v)} of the time, a lot even for a ${facts.callKind === 'demo' ? 'demo' : 'cold call'}: stop after each point for a question.`
    : null;
  return [
    {
      id: 'talk-ratio',
      title: 'Talk-to-listen ratio',
      recommendation: presentingNote ?? recommendation,
      severity,
      basis: basis({ metric: 'agent.talkRatio', value: v, benchmark: name, benchmarkValue: target }),
    },
  ];
};

/** Words that say the listener got lost, right after a long turn. */
const CONFUSION = [
  '=you lost me',
  '=(i am|im) (lost|confused)',
  '=(i do not|i dont) (understand|follow|get it)',
  '=(sorry|pardon) what',
  '=what (is|does) (a|an|the)? * (mean|stand for)?',
  '=what (do|did) you mean',
  '=(can|could) you (explain|say that again|repeat)',
  '=in plain english',
  '=no (entiendo|le entiendo)',
].map(compilePattern);

/** The customer's next turn after a monologue, if it says they got lost. */
function confusionAfter(facts: CallFacts, endMs: number): Utterance | null {
  const next = facts.utterances.find((u) => u.startMs >= endMs && u.speaker !== facts.coachee);
  if (!next) return null;
  const opening = next.tokens.slice(0, 8);
  return CONFUSION.some((p) => findPhrase(p, opening).some((m) => m.start <= 2)) ? next : null;
}

/** A long turn the listener could not follow: the coachable moment is the turn, whatever its length. */
const monologueConfusion: Rule = (facts) => {
  if (facts.coachee === null || facts.customer === null) return [];
  const minMs = 15_000;
  for (const m of monologues(facts.utterances)) {
    if (m.speaker !== facts.coachee || m.endMs - m.startMs < minMs) continue;
    const lost = confusionAfter(facts, m.endMs);
    if (!lost) continue;
    const seconds = Math.round((m.endMs - m.startMs) / 1000);
    const quote = quoteTokens(facts.transcript, lost, 0, Math.min(lost.tokens.length, 8), 0, 6).quote;
    return [
      {
        id: 'monologue-confusion',
        title: 'A long explanation the customer could not follow',
        recommendation: `At ${formatClock(m.startMs)} you explained for ${seconds} s, and the customer answered "${quote}". Explain in the customer's words, one step at a time, and check understanding before going on.`,
        severity: 'warning',
        basis: basis({
          metric: `${facts.coachee}.longestMonologueMs`,
          value: m.endMs - m.startMs,
          benchmark: BENCHMARKS.monologue.name,
          benchmarkValue: BENCHMARKS.monologue.targetMs,
          atMs: m.startMs,
          quote,
        }),
      },
    ];
  }
  return [];
};

const longestMonologue: Rule = (facts) => {
  if (facts.coachee === null) return [];
  const own = monologues(facts.utterances).filter((m) => m.speaker === facts.coachee);
  const longest = own.reduce<(typeof own)[number] | null>(
    (best, m) => (!best || m.endMs - m.startMs > best.endMs - best.startMs ? m : best),
    null,
  );
  if (!longest) return [];
  const { targetMs, ceilingMs, name } = BENCHMARKS.monologue;
  const ms = longest.endMs - longest.startMs;
  const seconds = Math.round(ms / 1000);
  // Within the guidance is not "fine" when the listener got lost right after it.
  const lost = facts.customer !== null && ms >= 15_000 && confusionAfter(facts, longest.endMs) !== null;
  const severity = ms > ceilingMs ? 'warning' : ms > targetMs || lost ? 'suggestion' : 'info';
  return [
    {
      id: 'longest-monologue',
      title: 'Longest monologue',
      recommendation:
        severity === 'info'
          ? `${who(facts)} never spoke longer than ${seconds} s without a break, within the ~${targetMs / 1000} s guidance.`
          : lost && ms <= targetMs
            ? `${who(facts)} spoke for ${seconds} s at ${formatClock(longest.startMs)}: within the ~${targetMs / 1000} s guidance, but the customer was lost right after. Shorter steps, plain words.`
            : `${who(facts)} spoke for ${seconds} s without a break at ${formatClock(longest.startMs)}. Break long explanations with a check-in question ("does that match what you need?").`,
      severity,
      basis: basis({
        metric: `${facts.coachee}.longestMonologueMs`,
        value: ms,
        benchmark: name,
        benchmarkValue: targetMs,
        atMs: longest.startMs,
      }),
    },
  ];
};

/** Discovery covers budget, authority, need and timeline (BANT): which did the agent ask about? */
const COVERAGE: ReadonlyArray<{ topic: string; patterns: ReturnType<typeof compilePattern>[] }> = [
  { topic: 'budget', patterns: ['(budget|spend|afford|cost you|invest*)', '=set aside'].map(compilePattern) },
  {
    topic: 'authority',
    patterns: ['(decide|decision|decides|sign|signs|approve|approves|involved|sign off)', '=who else'].map(
      compilePattern,
    ),
  },
  {
    topic: 'need',
    patterns: [
      '(today|currently|challenge|problem|headache|cost you|tried|pain|how do you|how are you)',
      '=what made you',
    ].map(compilePattern),
  },
  {
    topic: 'timeline',
    patterns: ['(when|timeline|timeframe|by when|deadline|in place|start date)'].map(compilePattern),
  },
];

const discoveryCoverage: Rule = (facts) => {
  if (facts.callKind !== 'discovery' || facts.customer === null) return [];
  const asked = facts.utterances
    .filter((u) => u.speaker === AGENT)
    .flatMap((u) => questionStarts(u.tokens).map((q) => u.tokens.slice(q, q + 14)));
  const covered = COVERAGE.filter((c) => asked.some((q) => containsAny(c.patterns, q))).map((c) => c.topic);
  const missing = COVERAGE.map((c) => c.topic).filter((t) => !covered.includes(t));
  const askedEnough = (speakerMetrics(facts, AGENT)?.questionsAsked ?? 0) >= BENCHMARKS.questions.min;
  return [
    {
      id: 'discovery-coverage',
      title: 'Discovery coverage (budget, authority, need, timeline)',
      recommendation:
        missing.length === 0
          ? 'You asked about budget, authority, need and timeline: full discovery coverage.'
          : `You asked about ${covered.length ? covered.join(', ') : 'none of the four'}; next time also ask about ${missing.join(' and ')}.`,
      // Gaps in coverage are worth a suggestion only when the questioning was thin too: an
      // agent who asked plenty may be on a call that was not discovery after all.
      severity: missing.length <= 1 || askedEnough ? 'info' : 'suggestion',
      basis: basis({
        metric: 'agent.discoveryTopicsCovered',
        value: covered.length,
        benchmark: BENCHMARKS.discoveryCoverage.name,
        benchmarkValue: 4,
      }),
    },
  ];
};

const questionCount: Rule = (facts) => {
  if (facts.callType !== 'sales') return [];
  // A cold call or a demo is not held to a discovery call's question count.
  if (facts.callKind === 'cold-call' || facts.callKind === 'demo') return [];
  const agent = speakerMetrics(facts, AGENT);
  if (!agent) return [];
  const { min, max, name } = BENCHMARKS.questions;
  const q = agent.questionsAsked;
  const minutes = facts.metrics.durationMs / 60_000;
  // The benchmark is per full discovery call; on a short call it is only indicative.
  const shortCall = minutes < 10;
  const severity = shortCall || (q >= min && q <= max) ? 'info' : 'suggestion';
  const recommendation =
    q < min
      ? `You asked ${q} question${q === 1 ? '' : 's'}${shortCall ? ` in a ${Math.round(minutes)}-minute call` : ''}. Top reps ask ${min}–${max} per discovery call: ask about impact, timeline and who else decides.`
      : q > max
        ? `You asked ${q} questions. Beyond ~${max} a discovery call starts to feel like an interrogation: follow up on answers instead of moving down a list.`
        : `You asked ${q} questions, within the ${min}–${max} range of top reps.`;
  return [
    {
      id: 'question-count',
      title: 'Discovery questions',
      recommendation,
      severity,
      basis: basis({ metric: 'agent.questionsAsked', value: q, benchmark: name, benchmarkValue: min }),
    },
  ];
};

const speakingPace: Rule = (facts) => {
  const m = speakerMetrics(facts, facts.coachee);
  if (!m || m.wordCount < MIN_WORDS_FOR_RATES) return [];
  const { min, max, name } = BENCHMARKS.pace;
  const wpm = m.wordsPerMinute;
  const severity = wpm > max + 30 || wpm < min - 40 ? 'warning' : wpm > max || wpm < min ? 'suggestion' : 'info';
  const recommendation =
    wpm > max
      ? `${who(facts)} spoke at about ${Math.round(wpm)} words per minute. Slow down towards ${min}–${max} wpm, especially for prices and next steps.`
      : wpm < min
        ? `${who(facts)} spoke at about ${Math.round(wpm)} words per minute, slower than the ${min}–${max} wpm conversational norm; tighten explanations.`
        : `${who(facts)} spoke at about ${Math.round(wpm)} words per minute, a comfortable conversational pace.`;
  return [
    {
      id: 'speaking-pace',
      title: 'Speaking pace',
      recommendation,
      severity,
      basis: basis({
        metric: `${m.speaker}.wordsPerMinute`,
        value: wpm,
        benchmark: name,
        benchmarkValue: (min + max) / 2,
      }),
    },
  ];
};

const fillerWords: Rule = (facts) => {
  const m = speakerMetrics(facts, facts.coachee);
  const fillers = facts.metrics.fillerWords.find((f) => f.speaker === facts.coachee);
  if (!m || !fillers || m.wordCount < MIN_WORDS_FOR_RATES) return [];
  const { per100Words, name } = BENCHMARKS.fillers;
  const rate = Math.round((fillers.total / m.wordCount) * 1000) / 10;
  const top = fillers.byWord
    .slice(0, 3)
    .map((f) => `"${f.word}" ×${f.count}`)
    .join(', ');
  return [
    {
      id: 'filler-words',
      title: 'Filler words',
      recommendation:
        rate > per100Words
          ? `${fillers.total} filler words (${rate} per 100 words: ${top}). Replace them with a short pause; it sounds more confident.`
          : `${fillers.total} filler word${fillers.total === 1 ? '' : 's'} (${rate} per 100 words)${top ? `: ${top}` : ''}. That is within normal conversational range.`,
      severity: rate > per100Words ? 'suggestion' : 'info',
      basis: basis({
        metric: `${m.speaker}.fillerWordsPer100Words`,
        value: rate,
        benchmark: name,
        benchmarkValue: per100Words,
      }),
    },
  ];
};

const interruptions: Rule = (facts) => {
  if (facts.customer === null) return [];
  const byAgent = interruptingUtterances(facts.utterances, talkIntervals(facts.transcript)).filter(
    (u) => u.speaker === AGENT,
  );
  const first = byAgent[0];
  if (!first) return [];
  const quote = quoteTokens(facts.transcript, first, 0, Math.min(first.tokens.length, 8), 0, 8).quote;
  return [
    {
      id: 'interruptions',
      title: 'Interruptions',
      recommendation: `You started talking over the customer ${byAgent.length} time${byAgent.length === 1 ? '' : 's'} (first at ${formatClock(first.startMs)}). Let them finish; a one-second pause after they stop costs nothing.`,
      severity: byAgent.length >= 3 ? 'warning' : 'suggestion',
      basis: basis({
        metric: 'agent.interruptions',
        value: byAgent.length,
        benchmark: BENCHMARKS.interruptions.name,
        benchmarkValue: BENCHMARKS.interruptions.max,
        atMs: first.startMs,
        quote,
      }),
    },
  ];
};

/** One item per agent reply, so price + competitor raised in one breath are coached once. */
const objectionHandling: Rule = (facts) => {
  if (facts.customer === null) return [];
  const objections = facts.responses.filter((r) => OBJECTION_TYPES.includes(r.issue.type));
  const byReply = new Map<string, IssueResponse[]>();
  for (const r of objections) {
    const key = String(r.responseAtMs ?? `none-${r.issue.startMs}`);
    byReply.set(key, [...(byReply.get(key) ?? []), r]);
  }
  return [...byReply.values()].slice(0, MAX_OBJECTION_ITEMS).map((group) => {
    const r = group[0] as IssueResponse;
    const types = [...new Set(group.map((g) => g.issue.type))].join(' and ');
    const handled = r.acknowledged && r.askedQuestion;
    const partly = r.acknowledged || r.askedQuestion;
    const recommendation = handled
      ? `Good handling of the ${types} objection at ${formatClock(r.issue.startMs)}: you acknowledged it and explored it with a question.`
      : `${describeResponse(r)} after the ${types} objection at ${formatClock(r.issue.startMs)}. Acknowledge first ("I hear you", "that makes sense"), then explore with a question before answering.`;
    return {
      id: `objection-${group.map((g) => g.issue.type).join('-')}-${r.issue.startMs}`,
      title: `Objection handling: ${types}`,
      recommendation,
      severity: handled ? 'info' : partly ? 'suggestion' : 'warning',
      basis: basis({ benchmark: BENCHMARKS.objectionHandling.name, atMs: r.issue.startMs, quote: r.issue.quote }),
    };
  });
};

const empathy: Rule = (facts) => {
  if (facts.customer === null) return [];
  const complaints = facts.responses.filter((r) => COMPLAINT_TYPES.includes(r.issue.type));
  if (complaints.length === 0) return [];
  const missed = complaints.find((r) => !r.empathetic && !r.acknowledged);
  const share = complaints.filter((r) => r.empathetic || r.acknowledged).length / complaints.length;
  const focus = (share < 0.5 ? missed : complaints.find((r) => r.empathetic || r.acknowledged)) ?? complaints[0];
  if (!focus) return [];
  return [
    {
      id: 'empathy',
      title: 'Empathy with the customer’s problem',
      // One unacknowledged complaint among several acknowledged ones is not a lack of empathy.
      recommendation:
        missed && share < 0.5
          ? `At ${formatClock(missed.issue.startMs)} the customer raised a ${missed.issue.type} problem and the reply did not acknowledge it. Name the impact and apologise before troubleshooting ("I'm sorry, that must be frustrating").`
          : missed
            ? `You acknowledged most of the customer's problems ("${focus.responseQuote ?? ''}"); the ${missed.issue.type} one at ${formatClock(missed.issue.startMs)} went without a word of acknowledgement.`
            : `You acknowledged the customer's problem${complaints.length > 1 ? 's' : ''} before solving ${complaints.length > 1 ? 'them' : 'it'} ("${focus.responseQuote ?? ''}").`,
      severity: missed && share < 0.5 ? 'warning' : 'info',
      basis: basis({
        metric: 'agent.complaintsAcknowledgedShare',
        value: Math.round(share * 100) / 100,
        benchmark: BENCHMARKS.empathy.name,
        benchmarkValue: 1,
        atMs: focus.issue.startMs,
        quote: focus.issue.quote,
      }),
    },
  ];
};

const RESOLUTION_PATTERNS = [
  '(i|we) (have|just|already)? (added|applied|credited|refunded|reset|fixed|resolved|set up|sent|forwarded|escalated|updated|issued|replaced|restored)',
  '(is|are) (now)? (fixed|resolved|working again|forwarded|back up|restored)',
  '(workaround|work around)',
  '(i|we) (can|will) (fix|set up|send|reset|refund|credit|replace|escalate|forward|restore|reactivate)',
  '=expect to (fix|resolve|restore)',
].map(compilePattern);

/** What the agent gave or promised counts as resolution: a refund, a credit, a fix, a callback… */
const RESOLVING_OUTCOMES = new Set(['refund', 'credit', 'discount', 'fix', 'technician-visit', 'callback', 'meeting']);

const resolution: Rule = (facts) => {
  const supportKind = ['billing-support', 'technical-support', 'churn'].includes(facts.callKind);
  if ((facts.callType !== 'support' && !supportKind) || facts.customer === null) return [];
  let found: { atMs: number; quote: string } | null = null;
  for (const u of facts.utterances) {
    if (u.speaker !== AGENT || found) continue;
    const m = RESOLUTION_PATTERNS.flatMap((p) => findPhrase(p, u.tokens)).sort((a, b) => a.start - b.start)[0];
    if (m) {
      const q = quoteTokens(facts.transcript, u, m.start, m.end);
      found = { atMs: q.startMs, quote: q.quote };
    }
  }
  const outcome = facts.found.outcomes.find((o) => o.speaker === AGENT && RESOLVING_OUTCOMES.has(o.kind));
  if (outcome && (!found || outcome.atMs < found.atMs)) found = { atMs: outcome.atMs, quote: outcome.quote };
  // A dated commitment first; any commitment the agent made is still one.
  const commitment =
    facts.actionItems.find((a) => a.owner === AGENT && a.dueText !== null) ??
    facts.actionItems.find((a) => a.owner === AGENT);
  if (!found && commitment) found = { atMs: commitment.atMs, quote: commitment.text };
  // An unhappy close is the closing-sentiment item's to coach; this one is about the fix.
  const unhappy = facts.customerClosing?.label === 'negative';
  return [
    {
      id: 'resolution',
      title: 'Resolution or workaround',
      recommendation: !found
        ? 'No fix, workaround or concrete commitment was offered. Before closing, state what will happen next and when.'
        : `You offered a concrete fix or commitment at ${formatClock(found.atMs)} ("${found.quote}")${unhappy ? '; the customer still ended unhappy, see the closing item' : ''}.`,
      severity: found ? 'info' : 'warning',
      basis: basis({
        metric: 'agent.resolutionOffered',
        value: found ? 1 : 0,
        benchmark: BENCHMARKS.resolution.name,
        benchmarkValue: 1,
        atMs: found?.atMs ?? null,
        quote: found?.quote ?? null,
      }),
    },
  ];
};

const nextStep: Rule = (facts) => {
  if (facts.callType !== 'sales' || facts.customer === null) return [];
  const first = nextStepOf(facts.actionItems, AGENT);
  const scheduled = first ? [first] : [];
  // A meeting or callback the call agreed is a next step even when no dated item was found.
  const agreed = facts.found.outcomes.find((o) => o.kind === 'meeting' || o.kind === 'callback');
  if (!first && agreed) {
    return [
      {
        id: 'next-step',
        title: 'Next step',
        recommendation: `A follow-up was agreed at ${formatClock(agreed.atMs)} ("${agreed.quote}"). Confirm the date and time in writing.`,
        severity: 'info',
        basis: basis({
          metric: 'scheduledNextSteps',
          value: 1,
          benchmark: BENCHMARKS.nextStep.name,
          benchmarkValue: 1,
          atMs: agreed.atMs,
          quote: agreed.quote,
        }),
      },
    ];
  }
  return [
    {
      id: 'next-step',
      title: 'Next step',
      recommendation: first
        ? `A next step was booked at ${formatClock(first.atMs)}: "${first.text}" (${first.dueText ?? 'no date'}). Send the invite while the call is fresh.`
        : 'The call ended without a dated next step. Before hanging up, propose a specific meeting ("could we book 30 minutes on Tuesday at 10?").',
      severity: first ? 'info' : 'warning',
      basis: basis({
        metric: 'scheduledNextSteps',
        value: scheduled.length,
        benchmark: BENCHMARKS.nextStep.name,
        benchmarkValue: 1,
        atMs: first?.atMs ?? null,
        quote: first?.text ?? null,
      }),
    },
  ];
};

/** How far under zero a closing mood must be to be coached as negative. */
const CLEAR_NEGATIVE_CLOSE = 0.15;

const closingSentiment: Rule = (facts) => {
  const closing = facts.customerClosing;
  if (facts.customer === null || !closing) return [];
  // Only a clearly negative close is a warning; one just under the threshold is noted.
  const negative = closing.label === 'negative' && closing.score <= -CLEAR_NEGATIVE_CLOSE;
  return [
    {
      id: 'closing-sentiment',
      title: 'Customer sentiment at the end',
      recommendation: negative
        ? 'The customer sounded negative at the end of the call. Recap what was agreed, acknowledge what is still unresolved and offer a follow-up.'
        : `The customer ended ${closing.label}. ${closing.label === 'positive' ? 'Good close.' : 'Consider confirming they are satisfied before ending.'}`,
      severity: negative ? 'warning' : 'info',
      basis: basis({
        metric: 'customer.closingSentiment',
        value: closing.score,
        benchmark: BENCHMARKS.closingSentiment.name,
        benchmarkValue: BENCHMARKS.closingSentiment.min,
        atMs: closing.atMs,
      }),
    },
  ];
};

const SAVE_OUTCOMES = new Set(['discount', 'credit', 'callback', 'fix', 'meeting', 'refund']);

/** A churn threat is answered by asking why and offering something, before the call ends. */
const churnHandling: Rule = (facts) => {
  const threat = facts.issues.find((i) => i.type === 'churn-threat');
  if (!threat || facts.customer === null) return [];
  const response = facts.responses.find((r) => r.issue === threat);
  const offer = facts.found.outcomes.find((o) => o.atMs > threat.startMs && SAVE_OUTCOMES.has(o.kind));
  const asked = response?.askedQuestion ?? false;
  const handled = offer !== undefined && (asked || (response?.acknowledged ?? false));
  return [
    {
      id: 'churn-threat',
      title: 'Handling the threat to leave',
      recommendation: handled
        ? `At ${formatClock(threat.startMs)} the customer threatened to leave; you ${asked ? 'asked why and ' : ''}made an offer ("${offer?.quote ?? ''}"). That is how a save works.`
        : offer
          ? `You made an offer after the threat to leave at ${formatClock(threat.startMs)}, but without acknowledging it or asking what drives it. Ask why first; the offer lands better.`
          : `The customer threatened to leave at ${formatClock(threat.startMs)} and nothing was offered. Ask what would make them stay, then offer something concrete (a credit, a price, a named follow-up).`,
      severity: handled ? 'info' : offer ? 'suggestion' : 'warning',
      basis: basis({ benchmark: BENCHMARKS.retention.name, atMs: threat.startMs, quote: threat.quote }),
    },
  ];
};

/** A request for a manager is answered with empathy and a named, dated next step (or the transfer). */
const escalationHandling: Rule = (facts) => {
  const request = facts.issues.find((i) => i.type === 'escalation');
  if (!request || facts.customer === null) return [];
  const response = facts.responses.find((r) => r.issue === request);
  const followUp =
    facts.found.outcomes.find((o) => o.atMs > request.startMs && o.kind !== 'reference-number') ??
    facts.actionItems.find((a) => a.owner === AGENT && a.atMs > request.startMs && a.dueText !== null);
  const empathetic = response?.acknowledged ?? false;
  const handled = empathetic && followUp !== undefined;
  const quote = followUp ? ('quote' in followUp ? followUp.quote : followUp.text) : null;
  return [
    {
      id: 'escalation',
      title: 'Handling the request for a manager',
      recommendation: handled
        ? `When the customer asked for a manager at ${formatClock(request.startMs)}, you acknowledged it and committed to a next step ("${quote ?? ''}").`
        : `The customer asked for a manager at ${formatClock(request.startMs)}. Acknowledge the frustration, then either transfer or name who will call back and when.`,
      severity: handled ? 'info' : followUp || empathetic ? 'suggestion' : 'warning',
      basis: basis({ benchmark: BENCHMARKS.empathy.name, atMs: request.startMs, quote: request.quote }),
    },
  ];
};

export const COACHING_RULES: readonly Rule[] = [
  talkRatio,
  longestMonologue,
  monologueConfusion,
  discoveryCoverage,
  questionCount,
  speakingPace,
  fillerWords,
  interruptions,
  objectionHandling,
  empathy,
  resolution,
  nextStep,
  churnHandling,
  escalationHandling,
  closingSentiment,
];

export function buildCoaching(facts: CallFacts): CoachingItem[] {
  return COACHING_RULES.flatMap((rule) => rule(facts));
}
