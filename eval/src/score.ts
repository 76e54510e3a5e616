/**
 * Scores one analysis of a labelled call against its truth file. Times in the analysis are
 * mapped to dialogue lines through the transcript's line spans (reference transcripts) or the
 * audio's turn times (end to end), so the same scorer serves both.
 *
 * - Issues: an analysed issue matches a truth issue of the same type on its line or one line
 *   off. Recall pairs each truth issue with at most one analysed issue; precision counts the
 *   analysed issues that match some truth issue. Any flag on a `nonIssues` line is a false
 *   positive.
 * - Sentiment: the labels of overall, agent, customer and the close (the analysis's
 *   `sentiment.closing`, the customer's closing mood).
 * - Action items: found when an item is on the truth line or one line off; "with owner" when
 *   its owner is that side too.
 * - Quiz: a key fact is asked when a question's keyed option gives its answer. A keyed answer
 *   is wrong when a distractor gives the answer of a key fact the question is about (same
 *   moment, or no moment), when a sentiment question's key differs from the labelled close,
 *   when an issue-kind question names a kind the call does not have there, or when a quoted
 *   key is not in the transcript.
 * - Coaching: items that criticise (severity suggestion or warning) are put in the categories
 *   the truth files use (no-commitment, no-next-step, too-few-questions, negative-close,
 *   monologue, low-talk-ratio, ...); one in the call's `contradictedWarnings` is contradicted.
 */
import type { AnalysisResult, CoachingItem, QuizQuestion } from '@speech/analysis';
import { ISSUE_LABELS } from '@speech/analysis';
import { contentTokens, givesAnswer } from './answer-match';
import type { EvalCall, Truth } from './eval-set';

export type LineOf = (ms: number) => number;

export interface IssueOutcome {
  type: string;
  line: number;
  found: boolean;
}

export interface PredictedIssue {
  type: string;
  line: number;
  quote: string;
  correct: boolean;
  onNonIssue: boolean;
}

export interface QuizOutcome {
  question: string;
  keyed: string;
  asks: string[];
  wrong: string | null;
}

export interface CallScore {
  id: string;
  half: string;
  language: string;
  callType: string;
  issues: IssueOutcome[];
  predicted: PredictedIssue[];
  sentiment: Record<'overall' | 'agent' | 'customer' | 'close', { truth: string; got: string | null }>;
  actionItems: Array<{ line: number; owner: string; found: boolean; ownerRight: boolean }>;
  actionItemsPredicted: number;
  outcomes: Array<{ kind: string; line: number; found: boolean }>;
  keyFacts: number;
  factsAsked: string[];
  quiz: QuizOutcome[];
  warnings: Array<{ id: string; category: string; contradicted: boolean }>;
  unknownWarningLabels: string[];
  callKind: { truth: string; got: string | null };
}

const near = (a: number, b: number): boolean => Math.abs(a - b) <= 1;

function scoreIssues(truth: Truth, analysis: AnalysisResult, lineOf: LineOf): Pick<CallScore, 'issues' | 'predicted'> {
  const predicted = analysis.issues.map((i) => ({ type: i.type as string, line: lineOf(i.startMs), quote: i.quote }));
  const nonIssueLines = new Set(truth.nonIssues.map((n) => n.line));
  const used = new Set<number>();
  const issues = truth.issues.map((t) => {
    // Prefer an exact line, then a neighbour, so one finding is not spent on the wrong issue.
    const candidates = predicted
      .map((p, k) => ({ p, k }))
      .filter(({ p, k }) => !used.has(k) && p.type === t.type && near(p.line, t.line))
      .sort((a, b) => Math.abs(a.p.line - t.line) - Math.abs(b.p.line - t.line));
    const hit = candidates[0];
    if (hit) used.add(hit.k);
    return { type: t.type, line: t.line, found: hit !== undefined };
  });
  return {
    issues,
    predicted: predicted.map((p) => {
      const matches = truth.issues.some((t) => t.type === p.type && near(p.line, t.line));
      const onNonIssue = nonIssueLines.has(p.line) && !truth.issues.some((t) => t.type === p.type && t.line === p.line);
      return { ...p, correct: matches && !onNonIssue, onNonIssue };
    }),
  };
}

/** What kind of criticism a coaching item makes, in the vocabulary of the truth files. */
export function warningCategory(c: CoachingItem): string {
  const id = c.id.toLowerCase();
  const words = `${c.id} ${c.title}`.toLowerCase();
  const value = c.basis.value;
  const target = c.basis.benchmarkValue;
  if (id.startsWith('talk-ratio') || /talk.{0,4}(to.)?listen|talk ratio|talk time/.test(words)) {
    return value !== null && target !== null && value < target ? 'low-talk-ratio' : 'high-talk-ratio';
  }
  if (/monologue|jargon/.test(words)) return 'monologue';
  if (/question|discovery/.test(words)) {
    return value !== null && target !== null && value > target ? 'too-many-questions' : 'too-few-questions';
  }
  if (/next.?step/.test(words)) return 'no-next-step';
  if (/resolution|commitment|fix|workaround/.test(words)) return 'no-commitment';
  if (/closing|close|end of the call|at the end/.test(words)) return 'negative-close';
  if (/empath|apolog/.test(words)) return 'no-empathy';
  if (/objection/.test(words)) return 'objection-not-handled';
  if (/interrupt/.test(words)) return 'interruptions';
  if (/pace|words per minute/.test(words)) return 'pace';
  if (/filler/.test(words)) return 'fillers';
  if (/churn|cancel|retention/.test(words)) return 'churn-not-handled';
  if (/escalat|supervisor|manager/.test(words)) return 'escalation-not-handled';
  return 'other';
}

const KNOWN_WARNINGS = new Set([
  'low-talk-ratio',
  'high-talk-ratio',
  'monologue',
  'too-few-questions',
  'too-many-questions',
  'no-next-step',
  'no-commitment',
  'negative-close',
  'no-empathy',
  'objection-not-handled',
  'interruptions',
  'pace',
  'fillers',
  'churn-not-handled',
  'escalation-not-handled',
]);

const SENTIMENT_OPTIONS = new Set(['positive', 'neutral', 'negative']);
const ISSUE_BY_LABEL = new Map<string, string>(
  Object.entries(ISSUE_LABELS).map(([type, label]) => [label.toLowerCase(), type]),
);

function issueKindOf(option: string): string | null {
  const o = option.trim().toLowerCase();
  return ISSUE_BY_LABEL.get(o) ?? null;
}

function scoreQuestion(q: QuizQuestion, truth: Truth, lineOf: LineOf, transcriptText: string): QuizOutcome {
  const keyed = q.options[q.answerIndex] ?? '';
  const qLine = q.atMs === null ? null : lineOf(q.atMs);
  const asks = truth.keyFacts.filter((f) => givesAnswer(keyed, f.answer)).map((f) => f.fact);
  let wrong: string | null = null;
  if (asks.length === 0) {
    const about = truth.keyFacts.filter(
      (f) =>
        (qLine === null || near(qLine, f.line)) &&
        q.options.some((o, i) => i !== q.answerIndex && givesAnswer(o, f.answer)),
    );
    if (about[0]) wrong = `keyed "${keyed}", but the call says "${about[0].answer}" (${about[0].fact})`;
  }
  const lower = q.options.map((o) => o.trim().toLowerCase());
  if (!wrong && lower.every((o) => SENTIMENT_OPTIONS.has(o))) {
    const asksClose = /\b(end|close|closing|last)\b/i.test(q.question);
    const truthLabel = asksClose ? truth.sentiment.close : null;
    if (truthLabel && keyed.toLowerCase() !== truthLabel) wrong = `keyed ${keyed}, the close is ${truthLabel}`;
  }
  const kind = issueKindOf(keyed);
  if (!wrong && kind !== null) {
    const ok = truth.issues.some((t) => t.type === kind && (qLine === null || near(qLine, t.line)));
    if (!ok) wrong = `keyed "${keyed}", but the call has no ${kind} issue there`;
  }
  const quoted = /"([^"]{8,})"/.exec(keyed)?.[1];
  if (!wrong && quoted !== undefined) {
    const have = contentTokens(transcriptText).join(' ');
    if (!have.includes(contentTokens(quoted).join(' '))) wrong = `keyed quote "${quoted}" is not in the transcript`;
  }
  return { question: q.question, keyed, asks, wrong };
}

export function scoreCall(call: EvalCall, analysis: AnalysisResult, lineOf: LineOf, transcriptText: string): CallScore {
  const { truth } = call;
  const { issues, predicted } = scoreIssues(truth, analysis, lineOf);
  const bySpeaker = (s: string): string | null =>
    analysis.sentiment.bySpeaker.find((b) => b.speaker === s)?.label ?? null;
  const closing = analysis.sentiment.closing?.label ?? null;
  const predictedItems = analysis.actionItems.map((a) => ({ line: lineOf(a.atMs), owner: a.owner }));
  const actionItems = truth.actionItems.map((t) => {
    const here = predictedItems.filter((p) => near(p.line, t.line));
    return {
      line: t.line,
      owner: t.owner,
      found: here.length > 0,
      ownerRight: here.some((p) => p.owner === t.owner),
    };
  });
  const analysedOutcomes = (analysis.outcomes ?? []).map((o) => ({ kind: o.kind as string, line: lineOf(o.atMs) }));
  const outcomes = truth.outcomes.map((o) => ({
    kind: o.kind,
    line: o.line,
    found: analysedOutcomes.some((a) => a.kind === o.kind && near(a.line, o.line)),
  }));
  const quiz = analysis.quiz.map((q) => scoreQuestion(q, truth, lineOf, transcriptText));
  const factsAsked = [...new Set(quiz.filter((q) => q.wrong === null).flatMap((q) => q.asks))];
  const contradicted = new Set(truth.contradictedWarnings);
  const warnings = analysis.coaching
    .filter((c) => c.severity !== 'info')
    .map((c) => {
      const category = warningCategory(c);
      return { id: c.id, category, contradicted: contradicted.has(category) };
    });
  return {
    id: call.id,
    half: call.half,
    language: truth.language,
    callType: truth.callType,
    issues,
    predicted,
    sentiment: {
      overall: { truth: truth.sentiment.overall, got: analysis.sentiment.overall.label },
      agent: { truth: truth.sentiment.agent, got: bySpeaker('agent') },
      customer: { truth: truth.sentiment.customer, got: bySpeaker('customer') },
      close: { truth: truth.sentiment.close, got: closing },
    },
    actionItems,
    actionItemsPredicted: predictedItems.length,
    outcomes,
    keyFacts: truth.keyFacts.length,
    factsAsked,
    quiz,
    warnings,
    unknownWarningLabels: truth.contradictedWarnings.filter((w) => !KNOWN_WARNINGS.has(w)),
    callKind: { truth: truth.callType, got: analysis.callKind ?? null },
  };
}
