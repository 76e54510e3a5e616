/**
 * Aggregate figures over the calls of one run (an analyst on one kind of transcript, one half
 * of the set), and the markdown tables of eval/results/latest.md.
 */
import type { CallScore } from './score';

export interface Ratio {
  hit: number;
  of: number;
}

const ratio = (hit: number, of: number): Ratio => ({ hit, of });
export const pct = (r: Ratio): number | null => (r.of === 0 ? null : r.hit / r.of);

export interface Summary {
  calls: number;
  issueRecall: Ratio;
  issuePrecision: Ratio;
  nonIssueFlags: number;
  byType: Array<{ type: string; recall: Ratio; precision: Ratio }>;
  sentiment: Record<'overall' | 'agent' | 'customer' | 'close', Ratio>;
  actionItems: Ratio;
  actionItemsOwner: Ratio;
  actionItemsPredicted: number;
  outcomes: Ratio;
  keyFacts: Ratio;
  callsWithTwoFacts: Ratio;
  quizQuestions: number;
  wrongKeys: number;
  warnings: number;
  contradictedWarnings: number;
  callsWithoutContradiction: Ratio;
  callKind: Ratio;
}

export function summarise(scores: readonly CallScore[]): Summary {
  const types = [
    ...new Set(scores.flatMap((s) => [...s.issues.map((i) => i.type), ...s.predicted.map((p) => p.type)])),
  ].sort();
  const issues = scores.flatMap((s) => s.issues);
  const predicted = scores.flatMap((s) => s.predicted);
  const sentiment = (k: keyof CallScore['sentiment']): Ratio =>
    ratio(scores.filter((s) => s.sentiment[k].got === s.sentiment[k].truth).length, scores.length);
  const items = scores.flatMap((s) => s.actionItems);
  const outcomes = scores.flatMap((s) => s.outcomes);
  const warnings = scores.flatMap((s) => s.warnings);
  return {
    calls: scores.length,
    issueRecall: ratio(issues.filter((i) => i.found).length, issues.length),
    issuePrecision: ratio(predicted.filter((p) => p.correct).length, predicted.length),
    nonIssueFlags: predicted.filter((p) => p.onNonIssue).length,
    byType: types.map((type) => ({
      type,
      recall: ratio(
        issues.filter((i) => i.type === type && i.found).length,
        issues.filter((i) => i.type === type).length,
      ),
      precision: ratio(
        predicted.filter((p) => p.type === type && p.correct).length,
        predicted.filter((p) => p.type === type).length,
      ),
    })),
    sentiment: {
      overall: sentiment('overall'),
      agent: sentiment('agent'),
      customer: sentiment('customer'),
      close: sentiment('close'),
    },
    actionItems: ratio(items.filter((i) => i.found).length, items.length),
    actionItemsOwner: ratio(items.filter((i) => i.ownerRight).length, items.length),
    actionItemsPredicted: scores.reduce((n, s) => n + s.actionItemsPredicted, 0),
    outcomes: ratio(outcomes.filter((o) => o.found).length, outcomes.length),
    keyFacts: ratio(
      scores.reduce((n, s) => n + s.factsAsked.length, 0),
      scores.reduce((n, s) => n + s.keyFacts, 0),
    ),
    callsWithTwoFacts: ratio(
      scores.filter((s) => s.factsAsked.length >= Math.min(2, s.keyFacts)).length,
      scores.length,
    ),
    quizQuestions: scores.reduce((n, s) => n + s.quiz.length, 0),
    wrongKeys: scores.reduce((n, s) => n + s.quiz.filter((q) => q.wrong !== null).length, 0),
    warnings: warnings.length,
    contradictedWarnings: warnings.filter((w) => w.contradicted).length,
    callsWithoutContradiction: ratio(
      scores.filter((s) => s.warnings.every((w) => !w.contradicted)).length,
      scores.length,
    ),
    callKind: ratio(scores.filter((s) => s.callKind.got === s.callKind.truth).length, scores.length),
  };
}

export function fmt(r: Ratio): string {
  const p = pct(r);
  return p === null ? '–' : `${Math.round(p * 100)} % (${r.hit}/${r.of})`;
}

export interface RunResult {
  /** "offline", "openai/gpt-4o-mini", … */
  analyst: string;
  /** "reference (cased)", "reference (lower case)", "end to end (pocketsphinx …)". */
  input: string;
  half: string;
  /** The speech engine that made the transcripts, from their `engine` field. */
  engine: string;
  summary: Summary;
  calls: CallScore[];
}

const HEADLINE: Array<[string, (s: Summary) => string]> = [
  ['calls', (s) => String(s.calls)],
  ['issue recall', (s) => fmt(s.issueRecall)],
  ['issue precision', (s) => fmt(s.issuePrecision)],
  ['flags on non-issues', (s) => String(s.nonIssueFlags)],
  ['overall sentiment', (s) => fmt(s.sentiment.overall)],
  ['agent sentiment', (s) => fmt(s.sentiment.agent)],
  ['customer sentiment', (s) => fmt(s.sentiment.customer)],
  ['closing sentiment', (s) => fmt(s.sentiment.close)],
  ['action items found', (s) => fmt(s.actionItems)],
  ['… with the right owner', (s) => fmt(s.actionItemsOwner)],
  ['action items given', (s) => String(s.actionItemsPredicted)],
  ['outcomes found', (s) => fmt(s.outcomes)],
  ['key facts asked by the quiz', (s) => fmt(s.keyFacts)],
  ['calls whose quiz asks ≥ 2 key facts', (s) => fmt(s.callsWithTwoFacts)],
  ['wrong keyed answers', (s) => `${s.wrongKeys} of ${s.quizQuestions}`],
  ['contradicted warnings', (s) => `${s.contradictedWarnings} of ${s.warnings}`],
  ['calls without a contradicted warning', (s) => fmt(s.callsWithoutContradiction)],
  ['call kind', (s) => fmt(s.callKind)],
];

/** One table per half: a column per run (analyst × input). */
export function markdownTables(runs: readonly RunResult[]): string {
  const out: string[] = [];
  for (const half of [...new Set(runs.map((r) => r.half))]) {
    const cols = runs.filter((r) => r.half === half);
    out.push(`### ${half} half (${cols[0]?.summary.calls ?? 0} calls)`, '');
    out.push(`| measure | ${cols.map((c) => `${c.analyst}, ${c.input}`).join(' | ')} |`);
    out.push(`| --- | ${cols.map(() => '---').join(' | ')} |`);
    for (const [name, value] of HEADLINE) out.push(`| ${name} | ${cols.map((c) => value(c.summary)).join(' | ')} |`);
    out.push('');
    const types = [...new Set(cols.flatMap((c) => c.summary.byType.map((t) => t.type)))].sort();
    out.push(`Issues by type (recall / precision):`, '');
    out.push(`| type | ${cols.map((c) => `${c.analyst}, ${c.input}`).join(' | ')} |`);
    out.push(`| --- | ${cols.map(() => '---').join(' | ')} |`);
    for (const type of types) {
      const cells = cols.map((c) => {
        const t = c.summary.byType.find((x) => x.type === type);
        return t ? `${fmt(t.recall)} / ${fmt(t.precision)}` : '–';
      });
      out.push(`| ${type} | ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

/** Per call, for the first run of each half: what was missed and what was wrong. */
export function markdownDetails(run: RunResult): string {
  const out: string[] = [`#### ${run.half}: ${run.analyst}, ${run.input}`, ''];
  for (const c of run.calls) {
    const missed = c.issues.filter((i) => !i.found).map((i) => `${i.type}@${i.line}`);
    const wrong = c.predicted.filter((p) => !p.correct).map((p) => `${p.type}@${p.line}`);
    const sent = (['overall', 'agent', 'customer', 'close'] as const)
      .filter((k) => c.sentiment[k].got !== c.sentiment[k].truth)
      .map((k) => `${k} ${c.sentiment[k].got ?? 'none'}≠${c.sentiment[k].truth}`);
    const items = c.actionItems
      .filter((a) => !a.ownerRight)
      .map((a) => `${a.owner}@${a.line}${a.found ? '(owner)' : ''}`);
    const keys = c.quiz.filter((q) => q.wrong).map((q) => q.wrong);
    const contradicted = c.warnings.filter((w) => w.contradicted).map((w) => `${w.id}→${w.category}`);
    out.push(
      `- **${c.id}** (${c.callType}, ${c.language}): facts asked ${c.factsAsked.length}/${c.keyFacts}` +
        (missed.length ? `; missed ${missed.join(', ')}` : '') +
        (wrong.length ? `; false ${wrong.join(', ')}` : '') +
        (sent.length ? `; sentiment ${sent.join(', ')}` : '') +
        (items.length ? `; action items missed ${items.join(', ')}` : '') +
        (keys.length ? `; wrong keys: ${keys.join(' | ')}` : '') +
        (contradicted.length ? `; contradicted ${contradicted.join(', ')}` : ''),
    );
  }
  out.push('');
  return out.join('\n');
}
