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
import { isScheduledNextStep } from './action-items';
import { compilePattern, findPhrase } from './phrase-matcher';
import { AGENT, quoteTokens } from './utterances';

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

const talkRatio: Rule = (facts) => {
  if (facts.callType === 'support' || facts.customer === null) return [];
  const agent = speakerMetrics(facts, AGENT);
  const customer = speakerMetrics(facts, facts.customer);
  if (!agent || !customer || agent.talkTimeMs === 0 || customer.talkTimeMs === 0) return [];
  const { target, ceiling, name } = BENCHMARKS.talkRatio;
  const v = agent.talkRatio;
  const severity = v > ceiling ? 'warning' : Math.abs(v - target) > 0.12 ? 'suggestion' : 'info';
  const recommendation =
    v > target + 0.12
      ? `You talked ${percent(v)} of the time. Top reps talk about ${percent(target)}: ask an open question and let the customer finish before pitching.`
      : v < target - 0.12
        ? `You talked only ${percent(v)} of the time. Listening is good, but steer the call: summarise what you heard and propose a next step.`
        : `You talked ${percent(v)} of the time, close to the ${percent(target)} of top reps. Keep it up.`;
  return [
    {
      id: 'talk-ratio',
      title: 'Talk-to-listen ratio',
      recommendation,
      severity,
      basis: basis({ metric: 'agent.talkRatio', value: v, benchmark: name, benchmarkValue: target }),
    },
  ];
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
  const severity = ms > ceilingMs ? 'warning' : ms > targetMs ? 'suggestion' : 'info';
  return [
    {
      id: 'longest-monologue',
      title: 'Longest monologue',
      recommendation:
        severity === 'info'
          ? `${who(facts)} never spoke longer than ${seconds} s without a break, within the ~${targetMs / 1000} s guidance.`
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

const questionCount: Rule = (facts) => {
  if (facts.callType !== 'sales') return [];
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
  const focus = missed ?? complaints[0];
  if (!focus) return [];
  return [
    {
      id: 'empathy',
      title: 'Empathy with the customer’s problem',
      recommendation: missed
        ? `At ${formatClock(missed.issue.startMs)} the customer raised a ${missed.issue.type} problem and the reply did not acknowledge it. Name the impact and apologise before troubleshooting ("I'm sorry, that must be frustrating").`
        : `You acknowledged the customer's problem${complaints.length > 1 ? 's' : ''} before solving ${complaints.length > 1 ? 'them' : 'it'} ("${focus.responseQuote ?? ''}").`,
      severity: missed ? 'warning' : 'info',
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

const resolution: Rule = (facts) => {
  if (facts.callType !== 'support' || facts.customer === null) return [];
  let found: { atMs: number; quote: string } | null = null;
  for (const u of facts.utterances) {
    if (u.speaker !== AGENT || found) continue;
    const m = RESOLUTION_PATTERNS.flatMap((p) => findPhrase(p, u.tokens)).sort((a, b) => a.start - b.start)[0];
    if (m) {
      const q = quoteTokens(facts.transcript, u, m.start, m.end);
      found = { atMs: q.startMs, quote: q.quote };
    }
  }
  const closing = facts.customerClosing;
  const unhappy = closing?.label === 'negative';
  const severity = !found ? 'warning' : unhappy ? 'suggestion' : 'info';
  return [
    {
      id: 'resolution',
      title: 'Resolution or workaround',
      recommendation: !found
        ? 'No fix, workaround or concrete commitment was offered. Before closing, state what will happen next and when.'
        : unhappy
          ? `You offered a fix at ${formatClock(found.atMs)}, but the customer still sounded negative at the end. Confirm the fix works for them and offer a follow-up.`
          : `You offered a concrete fix or workaround at ${formatClock(found.atMs)} and the customer did not end negative.`,
      severity,
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
  const scheduled = facts.actionItems.filter(isScheduledNextStep);
  const first = scheduled[0];
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

const closingSentiment: Rule = (facts) => {
  const closing = facts.customerClosing;
  if (facts.customer === null || !closing) return [];
  const negative = closing.label === 'negative';
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

export const COACHING_RULES: readonly Rule[] = [
  talkRatio,
  longestMonologue,
  questionCount,
  speakingPace,
  fillerWords,
  interruptions,
  objectionHandling,
  empathy,
  resolution,
  nextStep,
  closingSentiment,
];

export function buildCoaching(facts: CallFacts): CoachingItem[] {
  return COACHING_RULES.flatMap((rule) => rule(facts));
}
