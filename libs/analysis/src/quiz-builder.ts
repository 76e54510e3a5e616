/**
 * A short multiple-choice quiz about this call, for coaching reviews.
 *
 * Every answer is derived from the transcript through the same analysis shown elsewhere
 * in the result (issues, metrics, sentiment, action items), and distractors are drawn
 * from the same answer space so they are plausible but wrong. Option order is shuffled
 * with a PRNG seeded from the audioId, so the quiz is stable for a given call.
 */
import type { IssueType, QuizQuestion } from './analysis.schema';
import { isScheduledNextStep } from './action-items';
import type { CallFacts } from './call-facts';
import { formatClock, percent, seededRandom, shuffle } from './format';
import { describeResponse, OBJECTION_TYPES } from './objection-response';
import { AGENT } from './utterances';

export const MIN_QUIZ_QUESTIONS = 3;
export const MAX_QUIZ_QUESTIONS = 6;
const MAX_ISSUE_QUESTIONS = 2;

export const ISSUE_LABELS: Readonly<Record<IssueType, string>> = {
  price: 'The price or cost',
  discount: 'A demand for a discount',
  budget: 'A budget cut or no budget',
  tender: 'A tender or competitive bidding',
  'contract-term': 'The contract terms or length',
  competitor: "A competitor's offer",
  timing: 'Timing or lack of time',
  authority: 'Needing someone else to approve',
  need: 'Not seeing a need',
  trust: 'Not trusting the vendor',
  'brush-off': 'Trying to end the conversation',
  product: 'A product or service fault',
  support: 'A poor support experience',
  billing: 'A billing problem',
  escalation: 'Asking for a manager or supervisor',
  'repeat-contact': 'Having called about it before',
  'churn-threat': 'A threat to cancel or switch',
  other: 'A general complaint',
};

const RESPONSE_OPTIONS = [
  'Acknowledged it and asked a clarifying question',
  'Acknowledged it but asked no question',
  'Asked a question without acknowledging it',
  'Moved on without acknowledging it or asking a question',
];

interface Draft {
  question: string;
  answer: string;
  distractors: string[];
  explanation: string;
  atMs: number | null;
}

function issueQuestions(facts: CallFacts): Draft[] {
  const raisedBy = facts.customer ? 'the customer' : 'the speaker';
  const sales = facts.issues.filter((i) => OBJECTION_TYPES.includes(i.type));
  const ordered = [...sales, ...facts.issues.filter((i) => !OBJECTION_TYPES.includes(i.type))];
  const asked: Draft[] = [];
  for (const issue of ordered) {
    if (asked.length >= MAX_ISSUE_QUESTIONS) break;
    if (asked.some((d) => d.atMs === issue.startMs)) continue;
    // Types also found in this quote would be correct too, so they cannot be distractors.
    const sameMoment = new Set(
      facts.issues.filter((o) => o.startMs <= issue.endMs && issue.startMs <= o.endMs).map((o) => o.type),
    );
    const pool = (
      OBJECTION_TYPES.includes(issue.type)
        ? OBJECTION_TYPES
        : (['product', 'support', 'billing', 'price', 'other'] as const)
    ).filter((t) => !sameMoment.has(t));
    asked.push({
      question: `What kind of concern did ${raisedBy} raise at ${formatClock(issue.startMs)}?`,
      answer: ISSUE_LABELS[issue.type],
      distractors: pool.map((t) => ISSUE_LABELS[t]),
      explanation: `At ${formatClock(issue.startMs)} ${raisedBy} said: "${issue.quote}".`,
      atMs: issue.startMs,
    });
  }
  return asked;
}

function responseQuestion(facts: CallFacts): Draft[] {
  const r = facts.responses.find((x) => OBJECTION_TYPES.includes(x.issue.type) && x.responseAtMs !== null);
  if (!r) return [];
  const answer = describeResponse(r);
  return [
    {
      question: `How did the agent respond to the ${r.issue.type} concern raised at ${formatClock(r.issue.startMs)}?`,
      answer,
      distractors: RESPONSE_OPTIONS.filter((o) => o !== answer),
      explanation: `The agent replied: "${r.responseQuote ?? ''}".`,
      atMs: r.responseAtMs,
    },
  ];
}

function nextStepQuestion(facts: CallFacts): Draft[] {
  const step = facts.actionItems.find(isScheduledNextStep);
  if (!step) return [];
  return [
    {
      question: 'What next step was agreed on the call?',
      answer: `"${step.text}"`,
      distractors: [
        'No next step was agreed',
        'The customer will sign the contract today',
        'The agent will call back after the customer has tested a free trial',
      ],
      explanation: `At ${formatClock(step.atMs)}: "${step.text}" (${step.dueText ?? 'no date given'}).`,
      atMs: step.atMs,
    },
  ];
}

function closingQuestion(facts: CallFacts): Draft[] {
  const c = facts.customerClosing;
  if (!facts.customer || !c) return [];
  const labels = { positive: 'Positive', neutral: 'Neutral', negative: 'Negative' } as const;
  return [
    {
      question: "What best describes the customer's sentiment at the end of the call?",
      answer: labels[c.label],
      distractors: Object.values(labels).filter((l) => l !== labels[c.label]),
      explanation: `The customer's closing remarks score ${c.score.toFixed(2)} on the sentiment scale (-1 to 1).`,
      atMs: c.atMs,
    },
  ];
}

function shiftQuestion(facts: CallFacts): Draft[] {
  const shift = facts.sentiment.shifts.find((s) => s.speaker === facts.customer);
  if (!shift || shift.from === 'neutral' || shift.to === 'neutral') return [];
  const phrase = (from: string, to: string): string =>
    from === to ? `Stayed ${from} throughout` : `Started ${from} and turned ${to}`;
  const answer = phrase(shift.from, shift.to);
  return [
    {
      question: "How did the customer's mood change during the call?",
      answer,
      distractors: [phrase(shift.to, shift.from), phrase(shift.from, shift.from), phrase(shift.to, shift.to)],
      explanation: `At ${formatClock(shift.atMs)} the customer's tone turned ${shift.to}: "${shift.quote}".`,
      atMs: shift.atMs,
    },
  ];
}

function talkShareQuestion(facts: CallFacts): Draft[] {
  const agent = facts.metrics.speakers.find((s) => s.speaker === AGENT);
  const customer = facts.metrics.speakers.find((s) => s.speaker === facts.customer);
  if (!agent || !customer || agent.talkTimeMs + customer.talkTimeMs === 0) return [];
  const even = 'They spoke about equally (45–55% each)';
  const agentMore = `The agent (about ${percent(Math.max(agent.talkRatio, 0.56))} of talk time)`;
  const customerMore = `The customer (about ${percent(Math.max(customer.talkRatio, 0.56))} of talk time)`;
  const answer = Math.abs(agent.talkRatio - 0.5) <= 0.05 ? even : agent.talkRatio > 0.5 ? agentMore : customerMore;
  return [
    {
      question: 'Who spoke more on this call?',
      answer,
      distractors: [even, agentMore, customerMore].filter((o) => o !== answer),
      explanation: `Agent ${percent(agent.talkRatio)} vs customer ${percent(customer.talkRatio)} of talk time.`,
      atMs: null,
    },
  ];
}

function bucketQuestion(
  question: string,
  value: number,
  buckets: ReadonlyArray<{ label: string; max: number }>,
  explanation: string,
): Draft {
  const answerBucket = buckets.find((b) => value <= b.max) ?? buckets[buckets.length - 1];
  const answer = answerBucket?.label ?? '';
  return {
    question,
    answer,
    distractors: buckets.map((b) => b.label).filter((l) => l !== answer),
    explanation,
    atMs: null,
  };
}

function questionsAskedQuestion(facts: CallFacts): Draft[] {
  const agent = facts.metrics.speakers.find((s) => s.speaker === AGENT);
  if (!agent || agent.wordCount === 0) return [];
  return [
    bucketQuestion(
      'Roughly how many questions did the agent ask?',
      agent.questionsAsked,
      [
        { label: '0–2', max: 2 },
        { label: '3–6', max: 6 },
        { label: '7–10', max: 10 },
        { label: '11 or more', max: Infinity },
      ],
      `The agent asked ${agent.questionsAsked} question${agent.questionsAsked === 1 ? '' : 's'}.`,
    ),
  ];
}

/** Always answerable, even for a silent recording: guarantees the minimum quiz length. */
function fallbackQuestions(facts: CallFacts): Draft[] {
  const { durationMs, silenceShare, speakers } = facts.metrics;
  const spoke = speakers.filter((s) => s.wordCount > 0).length;
  const content =
    spoke === 0
      ? 'No speech, only silence or noise'
      : spoke === 1
        ? 'One person speaking'
        : 'A conversation between two or more people';
  return [
    {
      question: 'What does the recording contain?',
      answer: content,
      distractors: [
        'No speech, only silence or noise',
        'One person speaking',
        'A conversation between two or more people',
      ].filter((o) => o !== content),
      explanation: `${spoke} speaker${spoke === 1 ? '' : 's'} with recognised speech.`,
      atMs: null,
    },
    bucketQuestion(
      'About how long is the call?',
      durationMs / 60_000,
      [
        { label: 'Under 5 minutes', max: 5 },
        { label: '5 to 15 minutes', max: 15 },
        { label: '15 to 45 minutes', max: 45 },
        { label: 'Over 45 minutes', max: Infinity },
      ],
      `The recording lasts ${formatClock(durationMs)}.`,
    ),
    bucketQuestion(
      'How much of the call was silence (nobody speaking)?',
      silenceShare,
      [
        { label: 'Less than 10%', max: 0.1 },
        { label: '10% to 30%', max: 0.3 },
        { label: '30% to 60%', max: 0.6 },
        { label: 'More than 60%', max: Infinity },
      ],
      `${percent(silenceShare)} of the recording had no speech.`,
    ),
  ];
}

function finalise(draft: Draft, random: () => number): QuizQuestion | null {
  const seen = new Set([draft.answer.toLowerCase()]);
  const distractors: string[] = [];
  for (const d of shuffle(draft.distractors, random)) {
    if (distractors.length === 3) break;
    if (seen.has(d.toLowerCase())) continue;
    seen.add(d.toLowerCase());
    distractors.push(d);
  }
  if (distractors.length < 2) return null;
  const options = shuffle([draft.answer, ...distractors], random);
  return {
    question: draft.question,
    options,
    answerIndex: options.indexOf(draft.answer),
    explanation: draft.explanation,
    atMs: draft.atMs,
  };
}

export function buildQuiz(facts: CallFacts): QuizQuestion[] {
  const random = seededRandom(facts.transcript.audioId);
  const drafts = [
    ...issueQuestions(facts),
    ...responseQuestion(facts),
    ...nextStepQuestion(facts),
    ...shiftQuestion(facts),
    ...closingQuestion(facts),
    ...talkShareQuestion(facts),
    ...questionsAskedQuestion(facts),
  ];
  const fallbacks = fallbackQuestions(facts);
  const quiz: QuizQuestion[] = [];
  for (const draft of drafts) {
    if (quiz.length >= MAX_QUIZ_QUESTIONS) break;
    const q = finalise(draft, random);
    if (q) quiz.push(q);
  }
  for (const draft of fallbacks) {
    if (quiz.length >= MIN_QUIZ_QUESTIONS) break;
    const q = finalise(draft, random);
    if (q) quiz.push(q);
  }
  return quiz;
}
