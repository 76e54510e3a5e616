/**
 * Finds customer objections and complaints by matching the phrase taxonomy
 * (objection-taxonomy.ts) and custom competitor names against customer-side utterances.
 *
 * Only the customer side is searched on stereo calls: the agent saying "other vendors"
 * or "a credit" is not the customer raising an issue. Mono calls have no sides, so every
 * utterance is searched. Quotes are verbatim windows of the matching segment's words.
 */
import type { Transcript } from '@speech/contracts';
import type { Issue, IssueType } from './analysis.schema';
import type { Facts } from './facts';
import { OBJECTION_TAXONOMY } from './objection-taxonomy';
import { compilePattern, containsAny, findPhrase, type CompiledPattern } from './phrase-matcher';
import { questionStarts } from './question-detector';
import { tokenizeText } from './tokens';
import {
  AGENT,
  clauseAt,
  clausesOf,
  hasAgent,
  isCustomerSide,
  quoteAround,
  splitUtterances,
  type Clause,
  type Utterance,
} from './utterances';

interface CompiledRule {
  type: IssueType;
  confidence: number;
  patterns: CompiledPattern[];
  guards: CompiledPattern[];
  absorbable: boolean;
}

const COMPILED: readonly CompiledRule[] = OBJECTION_TAXONOMY.map((r) => ({
  type: r.type,
  confidence: r.confidence,
  patterns: r.patterns.map(compilePattern),
  guards: (r.guards ?? []).map(compilePattern),
  absorbable: r.absorbable ?? false,
}));

/** A negative answer to the agent's budget question is a budget issue ("is there budget?" "not yet"). */
const BUDGET_QUESTION = compilePattern('(budget|budgets|presupuesto)');
const NEGATIVE_ANSWER = ['=(no|not yet|not really|nope|none|nothing|there is not|todavia no|aun no)'].map(
  compilePattern,
);

/**
 * Readings one utterance cannot hold at once: the second type wins. "My wife does the books,
 * you'd have to talk to her" defers to a decider (authority), it does not say there is no need.
 */
const SUPERSEDED_BY: Partial<Record<IssueType, readonly IssueType[]>> = { need: ['authority'] };

/** "Who signs off?" answered with someone else's name or role is an authority issue. */
const AUTHORITY_QUESTION = compilePattern(
  '(who|whoever|anyone else|someone else|anybody else) (*)? (*)? (decides|decide|signs|sign off|signs off|approves|approve|final say|makes the call|make the decision|decision)',
);
const SELF_ANSWER = compilePattern('=(me|i do|i am|i will|just me|only me|myself|that is me|nobody|no one|yo)');

/** Each extra word inside a match makes it a little less certain. */
const SLACK_PENALTY = 0.08;
const CUSTOM_COMPETITOR_CONFIDENCE = 0.85;

export interface IssueDetectorOptions {
  /** Competitor names or phrases to flag ("Stormvault", "Acme Backup"). */
  competitors?: readonly string[];
}

interface TokenMatch {
  type: IssueType;
  start: number;
  end: number;
  confidence: number;
  absorbable?: boolean;
}

const squash = (s: string): string => s.replace(/[^a-z0-9]/g, '');

/** Levenshtein distance, early exit once it exceeds `max`. */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      cur.push(v);
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

/**
 * Custom names are matched on squashed letters over 1–3 consecutive tokens, so a brand
 * the recogniser splits ("stormvault" -> "storm vault") still matches, with one edit
 * allowed per five letters for near-misses ("storm volt").
 */
export function findCompetitorNames(
  tokens: readonly string[],
  names: readonly string[],
): Array<{ start: number; end: number; exact: boolean }> {
  const out: Array<{ start: number; end: number; exact: boolean }> = [];
  const targets = names.map((n) => squash(tokenizeText(n).join(''))).filter((n) => n.length >= 2);
  for (let i = 0; i < tokens.length; i++) {
    let found: { start: number; end: number; exact: boolean } | null = null;
    for (let len = 1; len <= 3 && i + len <= tokens.length && !found; len++) {
      const candidate = squash(tokens.slice(i, i + len).join(''));
      for (const target of targets) {
        const allowed = target.length >= 5 ? Math.floor(target.length / 5) : 0;
        const d = candidate === target ? 0 : editDistance(candidate, target, allowed);
        if (d <= allowed) {
          found = { start: i, end: i + len, exact: d === 0 };
          break;
        }
      }
    }
    if (found) {
      out.push(found);
      i = found.end - 1;
    }
  }
  return out;
}

function guarded(rule: CompiledRule, u: Utterance, clause: Clause): boolean {
  if (rule.guards.length === 0) return false;
  return containsAny(rule.guards, u.tokens.slice(clause.start, clause.end));
}

function matchesIn(u: Utterance, competitors: readonly string[]): TokenMatch[] {
  const found: TokenMatch[] = [];
  const clauses = clausesOf(u);
  for (const rule of COMPILED) {
    for (const p of rule.patterns) {
      for (const m of findPhrase(p, u.tokens)) {
        const clause = clauseAt(clauses, m.start);
        // A guard anywhere in the match's clause vetoes it; for the authority guard ("not
        // sure") the whole utterance counts, since the doubt usually comes first.
        // The window reaches two words past the match, since a clause can end inside a phrase
        // the guard needs ("no | service credits").
        const window = {
          start: Math.min(clause.start, m.start),
          end: Math.min(u.tokens.length, Math.max(clause.end, m.end + 2)),
        };
        if (guarded(rule, u, rule.type === 'authority' ? { start: 0, end: u.tokens.length } : window)) continue;
        found.push({
          type: rule.type,
          start: m.start,
          end: m.end,
          confidence: rule.confidence - SLACK_PENALTY * m.slack,
          absorbable: rule.absorbable,
        });
      }
    }
  }
  const substantive = found.filter((f) => !f.absorbable);
  const types = new Set(substantive.map((f) => f.type));
  const kept = found.filter(
    (f) => (!f.absorbable || substantive.length === 0) && !(SUPERSEDED_BY[f.type] ?? []).some((t) => types.has(t)),
  );
  found.length = 0;
  found.push(...kept);
  for (const m of findCompetitorNames(u.tokens, competitors)) {
    found.push({
      type: 'competitor',
      start: m.start,
      end: m.end,
      confidence: CUSTOM_COMPETITOR_CONFIDENCE - (m.exact ? 0 : 0.15),
    });
  }
  return found;
}

/** Average recogniser confidence of the matched words, scaled so it tempers but never zeroes. */
function asrFactor(u: Utterance, start: number, end: number): number {
  const words = new Set(u.tokenWord.slice(start, end));
  const confs = [...words].map((i) => u.words[i]?.confidence ?? 1);
  const mean = confs.length > 0 ? confs.reduce((a, b) => a + b, 0) / confs.length : 1;
  return 0.6 + 0.4 * Math.max(0, Math.min(1, mean));
}

/** Keep the most confident of overlapping findings of the same type. */
export function dedupeIssues(issues: readonly Issue[]): Issue[] {
  const kept: Issue[] = [];
  const byConfidence = [...issues].sort((a, b) => b.confidence - a.confidence || a.startMs - b.startMs);
  for (const issue of byConfidence) {
    const overlaps = kept.some(
      (k) =>
        k.type === issue.type && k.speaker === issue.speaker && k.startMs <= issue.endMs && issue.startMs <= k.endMs,
    );
    if (!overlaps) kept.push(issue);
  }
  return kept.sort((a, b) => a.startMs - b.startMs || a.type.localeCompare(b.type));
}

/** A match in segment-word coordinates, before quoting. */
interface Finding {
  type: IssueType;
  speaker: string;
  segmentIndex: number;
  /** Segment word range [from, to) of the matched phrase. */
  from: number;
  to: number;
  confidence: number;
}

/** Same-type matches this close in one turn are one issue ("talk to our security team before we sign"). */
const MERGE_GAP_WORDS = 8;
const MERGE_MAX_SPAN_WORDS = 16;

function mergeFindings(findings: readonly Finding[]): Finding[] {
  const sorted = [...findings].sort(
    (a, b) => a.segmentIndex - b.segmentIndex || a.type.localeCompare(b.type) || a.from - b.from,
  );
  const out: Finding[] = [];
  for (const f of sorted) {
    const last = out[out.length - 1];
    if (
      last &&
      last.segmentIndex === f.segmentIndex &&
      last.type === f.type &&
      last.speaker === f.speaker &&
      f.from - last.to <= MERGE_GAP_WORDS &&
      Math.max(last.to, f.to) - last.from <= MERGE_MAX_SPAN_WORDS
    ) {
      last.to = Math.max(last.to, f.to);
      last.confidence = Math.max(last.confidence, f.confidence);
    } else {
      out.push({ ...f });
    }
  }
  return out;
}

/** Issues the call's context shows: a competitor it names, a "no" to the budget question. */
function contextMatches(
  u: Utterance,
  index: number,
  utterances: readonly Utterance[],
  competitorsAt: ReadonlyMap<number, ReadonlyArray<Facts['entities'][number]>>,
  peopleAt: ReadonlyMap<number, ReadonlyArray<Facts['entities'][number]>>,
): TokenMatch[] {
  const out: TokenMatch[] = [];
  for (const e of competitorsAt.get(index) ?? []) {
    out.push({ type: 'competitor', start: e.start, end: e.end, confidence: 0.8 });
  }
  let prev: Utterance | undefined;
  for (let k = index - 1; k >= 0 && !prev; k--) if (utterances[k]?.speaker !== u.speaker) prev = utterances[k];
  if (
    prev?.speaker === AGENT &&
    findPhrase(BUDGET_QUESTION, prev.tokens).length > 0 &&
    questionStarts(prev.tokens).length > 0 &&
    NEGATIVE_ANSWER.some((p) => findPhrase(p, u.tokens.slice(0, 3), 0).some((m) => m.start === 0))
  ) {
    out.push({ type: 'budget', start: 0, end: Math.min(2, u.tokens.length), confidence: 0.7 });
  }
  const named = (peopleAt.get(index) ?? []).find((e) => e.start < 8);
  if (
    prev?.speaker === AGENT &&
    named &&
    findPhrase(AUTHORITY_QUESTION, prev.tokens).length > 0 &&
    findPhrase(SELF_ANSWER, u.tokens.slice(0, 3), 0).every((m) => m.start !== 0)
  ) {
    out.push({ type: 'authority', start: 0, end: Math.min(u.tokens.length, named.end + 4), confidence: 0.7 });
  }
  return out;
}

export function detectIssues(
  transcript: Transcript,
  options: IssueDetectorOptions = {},
  utterances = splitUtterances(transcript),
  facts?: Facts,
): Issue[] {
  const agentPresent = hasAgent(transcript);
  const competitors = options.competitors ?? [];
  const findings: Finding[] = [];
  const competitorsAt = new Map<number, Facts['entities'][number][]>();
  const peopleAt = new Map<number, Facts['entities'][number][]>();
  for (const e of facts?.entities ?? []) {
    if (e.kind === 'competitor') competitorsAt.set(e.utterance, [...(competitorsAt.get(e.utterance) ?? []), e]);
    if (e.kind === 'person' || e.kind === 'role') peopleAt.set(e.utterance, [...(peopleAt.get(e.utterance) ?? []), e]);
  }
  for (const [index, u] of utterances.entries()) {
    if (!isCustomerSide(u.speaker, agentPresent)) continue;
    for (const m of [...matchesIn(u, competitors), ...contextMatches(u, index, utterances, competitorsAt, peopleAt)]) {
      findings.push({
        type: m.type,
        speaker: u.speaker,
        segmentIndex: u.segmentIndex,
        from: u.firstWord + (u.tokenWord[m.start] ?? 0),
        to: u.firstWord + (u.tokenWord[m.end - 1] ?? 0) + 1,
        confidence: Math.max(0.05, Math.min(0.99, m.confidence * asrFactor(u, m.start, m.end))),
      });
    }
  }
  const issues: Issue[] = [];
  for (const f of mergeFindings(findings)) {
    const segment = transcript.segments[f.segmentIndex];
    if (!segment) continue;
    const { quote, startMs, endMs } = quoteAround(segment, f.from, f.to);
    if (quote === '') continue;
    issues.push({
      type: f.type,
      quote,
      startMs,
      endMs,
      speaker: f.speaker,
      confidence: Math.round(f.confidence * 100) / 100,
    });
  }
  return dedupeIssues(issues);
}
