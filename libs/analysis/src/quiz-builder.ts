/**
 * A short multiple-choice quiz about this call, for coaching reviews: first what a trainee
 * should know about the call itself (the amounts, the competitor, who decides, the dates, the
 * reference), as gap-fills of what was said; then the next step, the concern raised and how
 * the customer's mood went.
 *
 * Every keyed answer is the transcript's own words, and is looked up in the transcript
 * (TranscriptIndex) before the question is kept. Distractors are of the same kind (amounts
 * for an amount, names for a name), never a value said in the same turn, and never one
 * said close by (so a distractor cannot be the right answer to a neighbouring question).
 * Option order is shuffled with a PRNG seeded from the audioId, so the quiz is stable.
 */
import type { IssueType, QuizQuestion } from './analysis.schema';
import { nextStepOf } from './action-items';
import type { CallFacts } from './call-facts';
import { TranscriptIndex } from './evidence';
import type { Entity, EntityKind } from './facts';
import { formatClock, percent, seededRandom, shuffle } from './format';
import { numberToSpanish, numberToWords } from './numbers';
import { describeResponse, OBJECTION_TYPES } from './objection-response';
import { AGENT, spanText } from './utterances';

export const MIN_QUIZ_QUESTIONS = 3;
export const MAX_QUIZ_QUESTIONS = 6;
const MAX_ISSUE_QUESTIONS = 1;
/** How far past the label threshold a closing mood must be to be asked about. */
const CLEAR_CLOSE = 0.12;
/** An issue is asked about only when its finding is this sure. */
const SURE_ISSUE = 0.7;
const MAX_FACT_QUESTIONS = 6;

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
    if (issue.confidence < SURE_ISSUE) continue;
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
      question: `What kind of concern did ${raisedBy} raise at ${formatClock(issue.startMs)} ("${shortQuote(issue.quote)}")?`,
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

function shortQuote(quote: string): string {
  const words = quote.split(' ');
  return words.length <= 8 ? quote : `${words.slice(0, 8).join(' ')} …`;
}

function nextStepQuestion(facts: CallFacts): Draft[] {
  const step = nextStepOf(facts.actionItems, facts.customer ? AGENT : null);
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
  // Only a clear close is asked: a score near the threshold could be read either way.
  if (c.label === 'neutral' || Math.abs(c.score) < CLEAR_CLOSE) return [];
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
  const shifts = facts.sentiment.shifts.filter((s) => s.speaker === facts.customer);
  const first = shifts[0];
  // The change over the whole call: where the mood started, and where it was at the last shift.
  const last = shifts[shifts.length - 1];
  const shift = first && last ? { ...last, from: first.from } : undefined;
  if (!shift || shift.from === 'neutral' || shift.to === 'neutral' || shift.from === shift.to) return [];
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

/** Which facts make quiz questions, most useful first. */
/** Names (a competitor, a decider) are what a coach asks about first, then amounts and numbers. */
const FACT_PRIORITY: readonly EntityKind[] = [
  'competitor',
  'money',
  'person',
  'organisation',
  'reference',
  'count',
  'percent',
  'date',
  'duration',
];
const FACT_NOUN: Readonly<Record<EntityKind, string>> = {
  money: 'amount',
  percent: 'percentage',
  count: 'number',
  duration: 'length of time',
  date: 'day or time',
  reference: 'reference number',
  person: 'name',
  role: 'role',
  organisation: 'company',
  competitor: 'company',
};
/** Stand-ins when the call has too few names of its own (never used when the call says them). */
const NAME_POOL = ['Jordan', 'Alex', 'Morgan', 'Casey', 'Robin', 'Taylor', 'Jamie'];
const COMPANY_POOL = ['Northwind', 'Bluepeak', 'Corvane', 'Altamira', 'Brightpath'];
const DAY_POOL = ['Monday', 'Wednesday', 'Friday', 'next month', 'tomorrow morning'];

const clean = (s: string): string => s.replace(/^[^\p{L}\p{N}$€£]+|[^\p{L}\p{N}%]+$/gu, '');
const title = (s: string): string =>
  s
    .split(' ')
    .map((w) => (w ? `${w[0]?.toUpperCase()}${w.slice(1)}` : w))
    .join(' ');

/**
 * Is this fact worth a trainee's attention? Not the names people greet each other with, the
 * agent's own company, an acronym, or a bare "today".
 */
/** Words that put a name in a place ("a data center in Virginia"), not a person. */
const PLACE_BEFORE = new Set(['in', 'at', 'near', 'from', 'to', 'en', 'de']);
/** Words that deny what follows ("not Monday or Friday"): what they deny is not the answer. */
const DENIAL = new Set(['not', 'no', 'except', 'never', 'nunca', 'excepto', 'menos']);

const DAY_WORDS =
  /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|tomorrow|today|tonight|january|february|march|april|may|june|july|august|september|october|november|december|lunes|martes|miercoles|jueves|viernes|sabado|domingo|manana|hoy)\b/g;

function sharesDayWord(a: string, b: string): boolean {
  const days = new Set(a.toLowerCase().match(DAY_WORDS) ?? []);
  return (b.toLowerCase().match(DAY_WORDS) ?? []).some((d) => days.has(d));
}

function worthAsking(e: Entity, facts: CallFacts): boolean {
  const raw = clean(e.text);
  const u = facts.utterances[e.utterance];
  const before = u ? u.tokens.slice(Math.max(0, e.start - 3), e.start) : [];
  if (before.some((t) => DENIAL.has(t))) return false;
  if (e.kind === 'person') {
    if (/^\p{Lu}{2,}s?$/u.test(raw)) return false;
    if (PLACE_BEFORE.has(before[before.length - 1] ?? '')) return false;
    if (e.note !== null) return true;
    // A name that comes with a decision, a callback or an approval is a fact; a greeting is not.
    return (
      facts.issues.some((i) => i.type === 'authority' && Math.abs(i.startMs - e.atMs) < 15_000) ||
      facts.actionItems.some(
        (a) => Math.abs(a.atMs - e.atMs) < 8000 && a.text.toLowerCase().includes(raw.toLowerCase()),
      )
    );
  }
  // A date worth knowing names a day, a month or a time, and lies ahead ("next Tuesday at two").
  if (e.kind === 'date') {
    return (
      /\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday|january|february|march|april|may|june|july|august|september|october|november|december|lunes|martes|miercoles|jueves|viernes|\d|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|first|second|third|fourth|fifth|tenth|twelfth|noon)\b/i.test(
        e.value,
      ) && !/\blast\b/.test(e.value)
    );
  }
  if (e.kind === 'reference') return e.speaker === AGENT || /[a-z]/i.test(e.value.replace(/\d/g, ''));
  return true;
}

/** The same amount said differently: "eighty nine dollars" → "ninety eight dollars", "$89" → "$98". */
function numericVariants(e: Entity, spanish: boolean): string[] {
  if (e.number === null) return [];
  const n = e.number;
  const candidates = [
    ...new Set([Math.round(n * 1.5), Math.round(n / 2), n + 10, n > 10 ? n - 10 : n + 20, n * 2]),
  ].filter((v) => v > 0 && v !== n);
  const text = clean(e.text);
  const digits = /\d/.test(text);
  return candidates.map((v) => {
    if (digits) return text.replace(/\d[\d,.]*/, String(v));
    const words = text.split(' ');
    // Keep the unit words after the number ("dollars", "percent", "trucks").
    const unit = words.filter(
      (w) =>
        !/^(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|and|uno|una|dos|tres|cuatro|cinco|seis|siete|ocho|nueve|diez|once|doce|veinte|treinta|cuarenta|cincuenta|sesenta|setenta|ochenta|noventa|cien|ciento|mil|y)$/i.test(
          w,
        ),
    );
    return [spanish ? numberToSpanish(v) : numberToWords(v), ...unit].join(' ');
  });
}

function digitVariants(e: Entity): string[] {
  const text = clean(e.text);
  const words = text.split(' ');
  const digitWords = words
    .map((w, i) => ({ w, i }))
    .filter(({ w }) => /^(zero|one|two|three|four|five|six|seven|eight|nine|\d)$/i.test(w));
  if (digitWords.length < 2) return [];
  const swap = [...words];
  const a = digitWords[digitWords.length - 1] as { w: string; i: number };
  const b = digitWords[digitWords.length - 2] as { w: string; i: number };
  if (a.w.toLowerCase() !== b.w.toLowerCase()) {
    swap[a.i] = b.w;
    swap[b.i] = a.w;
  }
  const bump = [...words];
  bump[a.i] = a.w.toLowerCase() === 'three' ? 'eight' : 'three';
  const bump2 = [...words];
  bump2[b.i] = b.w.toLowerCase() === 'seven' ? 'one' : 'seven';
  return [swap.join(' '), bump.join(' '), bump2.join(' ')];
}

function factQuestions(facts: CallFacts, index: TranscriptIndex): Draft[] {
  const { entities, people } = facts.found;
  const spanish = facts.transcript.language.toLowerCase().startsWith('es');
  const said = facts.transcript.text.toLowerCase();
  const drafts: Draft[] = [];
  const used = new Set<number>();
  // A long call has thousands of facts; the first few hundred of each kind are plenty to choose from.
  const ranked = FACT_PRIORITY.flatMap((kind) =>
    entities
      .filter((e) => e.kind === kind && (kind !== 'count' || (e.number ?? 0) >= 2))
      .slice(0, 200)
      .filter((e) => worthAsking(e, facts)),
  );
  const candidatesOf = new Map<EntityKind, Entity[]>();
  for (const e of entities) {
    const list = candidatesOf.get(e.kind) ?? [];
    if (list.length < 400) list.push(e);
    candidatesOf.set(e.kind, list);
  }
  const perKind = new Map<EntityKind, number>();
  const askedValues = new Set<string>();
  for (const e of ranked) {
    if (drafts.length >= MAX_FACT_QUESTIONS) break;
    if (used.has(e.utterance) || (perKind.get(e.kind) ?? 0) >= 2 || askedValues.has(e.value)) continue;
    const u = facts.utterances[e.utterance];
    if (!u) continue;
    const answer = clean(e.text);
    // The keyed answer must be the transcript's words, where the fact was found.
    const evidence = index.find(answer, { nearMs: e.atMs });
    if (!evidence || Math.abs(evidence.startMs - e.atMs) > 2000) continue;
    const far = (o: Entity): boolean => Math.abs(o.utterance - e.utterance) >= 3;
    const root = (x: string): string => x.toLowerCase().replace(/'s$/, '');
    const sameKind = [
      ...(candidatesOf.get(e.kind) ?? []),
      ...(e.kind === 'competitor' ? (candidatesOf.get('organisation') ?? []) : []),
    ]
      .filter((o) => far(o) && root(clean(o.text)) !== root(answer) && o.value !== e.value)
      .filter((o) => !root(clean(o.text)).startsWith(root(answer)) && !root(answer).startsWith(root(clean(o.text))))
      // "Tuesday at three fifteen" is the same day as "Tuesday, after three": not a wrong option.
      .filter((o) => e.kind !== 'date' || !sharesDayWord(o.value, e.value))
      .map((o) => clean(o.text));
    const pool =
      e.kind === 'person'
        ? [...sameKind.filter((x) => people.has(x.toLowerCase())), ...NAME_POOL]
        : e.kind === 'competitor' || e.kind === 'organisation'
          ? [...sameKind, ...COMPANY_POOL]
          : e.kind === 'date'
            ? [...sameKind, ...DAY_POOL]
            : e.kind === 'reference'
              ? digitVariants(e)
              : [...numericVariants(e, spanish), ...sameKind];
    // Nothing the call itself says in this turn, and no stand-in the call mentions anywhere.
    const turn = spanText(u, 0, u.tokens.length).toLowerCase();
    const distractors = pool.filter((d) => {
      const low = d.toLowerCase();
      if (turn.includes(low)) return false;
      const standIn = !sameKind.includes(d);
      return !(standIn && said.includes(low));
    });
    if (distractors.length < 2) continue;
    const from = Math.max(0, e.start - 7);
    const to = Math.min(u.tokens.length, e.end + 5);
    const before = spanText(u, from, e.start);
    const after = e.end < to ? spanText(u, e.end, to) : '';
    const who = facts.customer ? (u.speaker === AGENT ? 'the agent' : 'the customer') : 'the speaker';
    drafts.push({
      question: `Which ${FACT_NOUN[e.kind]} did ${who} give here: "${before ? `… ${before} ` : ''}____${after ? ` ${after} …` : ''}"?`,
      answer: e.kind === 'person' || e.kind === 'competitor' ? title(answer) : answer,
      distractors: e.kind === 'person' || e.kind === 'competitor' ? distractors.map(title) : distractors,
      explanation: `At ${formatClock(e.atMs)} ${who} said "${evidence.quote}".`,
      atMs: e.atMs,
    });
    used.add(e.utterance);
    askedValues.add(e.value);
    perKind.set(e.kind, (perKind.get(e.kind) ?? 0) + 1);
  }
  return drafts;
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
  const index = new TranscriptIndex(facts.transcript);
  const factDrafts = factQuestions(facts, index);
  // The call's facts come first (a trainee is tested on what was said), then the next step,
  // then what the call was like.
  const drafts = [
    ...factDrafts.slice(0, 3),
    ...nextStepQuestion(facts),
    ...factDrafts.slice(3),
    ...issueQuestions(facts),
    ...shiftQuestion(facts),
    ...closingQuestion(facts),
    ...responseQuestion(facts),
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
