/**
 * An Analyst backed by an LLM (OpenAI or Azure OpenAI), producing the same AnalysisResult as
 * the offline analyst.
 *
 *  0. Redaction: PII (cards, SSNs, accounts, phones, emails, names, addresses; libs/redaction)
 *     is replaced by placeholders ([CARD] …) in the transcript before anything is built from it,
 *     always, whatever REDACT_PII says: every request (map, digest, reduce, repair) carries only
 *     redacted text, facts and quotes. Counts per kind go to provenance.piiRedacted.
 *  1. Metrics: computeMetrics(), always ours, never the model's (on the words as spoken).
 *  2. Map: the transcript as timestamped lines, cut into windows of at most LLM_WINDOW_TOKENS
 *     (≈ chars / 4); each window → findings with verbatim evidence (WindowFindingsSchema),
 *     a few windows at a time.
 *  3. Evidence: every quote is looked up in the transcript (normalised whitespace, case and
 *     punctuation) within the window the model saw; found → the finding takes the transcript's
 *     words, times and speaker; not found → dropped, recorded in provenance.rejectedEvidence and
 *     logged. Invented evidence never reaches the result.
 *  4. Reduce: window notes (condensed by digest requests when a very long call has too many),
 *     the verified findings and the metrics → call type, summary, sentiment, coaching and quiz
 *     (CallAnalysisSchema). The reduce never sees transcript text; its coaching evidence is
 *     checked against the transcript too, and metric values it cites are replaced by ours.
 *
 * Every request demands `response_format: json_schema` with `strict: true`. An answer that
 * does not validate (JSON, schema, refinements) is sent back with the validation errors, up
 * to LLM_MAX_REPAIRS times; then the analysis fails with ANALYSIS.INVALID_OUTPUT (not retriable).
 */
import type { Transcript } from '@speech/contracts';
import { redactTranscript, totalOf } from '@speech/redaction';
import { z } from 'zod';
import {
  type ActionItem,
  type AnalysisResult,
  AnalysisResultSchema,
  type Analyst,
  type AnalyzeOptions,
  type CoachingItem,
  computeMetrics,
  type EvidenceMatch,
  type Issue,
  labelOf,
  type Metrics,
  normalizeForEvidence,
  OfflineAnalyst,
  type PromptFacts,
  type Provenance,
  type QuizQuestion,
  QuizQuestionSchema,
  sanitizeTranscript,
  type SentimentPoint,
  type SentimentShift,
  speakersOf,
  splitUtterances,
  type TokenUsage,
  TranscriptIndex,
} from '@speech/analysis';
import { LlmError, type ChatAnswer, type ChatMessage, type ChatModel } from './chat-model';
import {
  CALL_ANALYSIS_SCHEMA_NAME,
  CallAnalysisSchema,
  DIGEST_SCHEMA_NAME,
  DigestSchema,
  WINDOW_FINDINGS_SCHEMA_NAME,
  WindowFindingsSchema,
  jsonSchemaOf,
  type LlmCoachingItem,
  type WindowFindings,
} from './llm-schemas';
import {
  LLM_PROMPT_VERSION,
  benchmarkList,
  callMessages,
  digestMessages,
  factsWithin,
  mapMessages,
  repairMessage,
} from './prompts';
import { Semaphore } from './resilience';
import { estimateTokens, maxLineCharsFor, transcriptLines, windowsOf, type TranscriptWindow } from './windows';

export const LLM_ANALYST_VERSION = '1.0.0';
export const DEFAULT_WINDOW_TOKENS = 8000;
/** Facts given with one map window, per list: context, not a second transcript. */
const MAX_WINDOW_FACTS = 30;

/** A pino-compatible subset, so the domain library needs no logger dependency. */
export interface AnalystLogger {
  warn(obj: Record<string, unknown>, msg: string): void;
  debug?(obj: Record<string, unknown>, msg: string): void;
}

export interface LlmAnalystOptions {
  model: ChatModel;
  /** Transcript tokens (≈ chars / 4) per map request; also the budget of the reduce input. */
  windowTokens?: number;
  /** Map requests in flight at once. Default 4. */
  concurrency?: number;
  /** Repair requests after an answer fails validation. Default 1. */
  maxRepairs?: number;
  logger?: AnalystLogger;
  /** Analyses a transcript without speech (nothing to send). Default: the offline analyst. */
  silentFallback?: Analyst;
  /** Finds the facts (entities, outcomes, commitments) given to the model as context. */
  offline?: OfflineAnalyst;
  now?: () => number;
}

/** Per-analysis bookkeeping for the provenance record. */
class Run {
  usage: TokenUsage | null = null;
  requests = 0;
  answeredBy: string | null = null;
  rejected: Provenance['rejectedEvidence'] = [];
  rejectedCount = 0;
  dropped: Provenance['dropped'] = [];

  drop(part: string, reason: string, action: 'dropped' | 'repaired'): void {
    if (this.dropped.length < 100) this.dropped.push({ part, reason: reason.slice(0, 300), action });
  }

  record(a: ChatAnswer): void {
    this.requests++;
    this.answeredBy ??= a.model;
    if (a.usage) {
      const u = this.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
      this.usage = {
        promptTokens: u.promptTokens + a.usage.promptTokens,
        completionTokens: u.completionTokens + a.usage.completionTokens,
        totalTokens: u.totalTokens + a.usage.totalTokens,
      };
    }
  }

  reject(kind: string, quote: string, reason: string): void {
    this.rejectedCount++;
    if (this.rejected.length < 100) this.rejected.push({ kind, quote: quote.slice(0, 300), reason });
  }
}

interface Moment {
  speaker: string;
  kind: 'strength' | 'improvement';
  observation: string;
  quote: string;
  startMs: number;
  endMs: number;
}

interface VerifiedWindow {
  window: TranscriptWindow;
  notes: string;
  issues: Issue[];
  timeline: SentimentPoint[];
  shifts: SentimentShift[];
  actionItems: ActionItem[];
  moments: Moment[];
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
const clamp = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, x));

/** Metric names the coaching may cite, with our values ("agent.talkRatio" = 0.61). */
export function metricTable(metrics: Metrics): Map<string, number> {
  const table = new Map<string, number>();
  table.set('durationMs', metrics.durationMs);
  table.set('silenceShare', metrics.silenceShare);
  table.set('interruptions', metrics.interruptions);
  table.set('overtalkMs', metrics.overtalkMs);
  if (metrics.longestMonologue) table.set('longestMonologueMs', metrics.longestMonologue.durationMs);
  for (const s of metrics.speakers) {
    for (const key of [
      'talkTimeMs',
      'talkRatio',
      'wordCount',
      'wordsPerMinute',
      'longestMonologueMs',
      'questionsAsked',
      'interruptions',
    ] as const) {
      table.set(`${s.speaker}.${key}`, s[key]);
    }
    const fillers = metrics.fillerWords.find((f) => f.speaker === s.speaker)?.total ?? 0;
    table.set(`${s.speaker}.fillerWords`, fillers);
    table.set(
      `${s.speaker}.fillerWordsPer100Words`,
      s.wordCount > 0 ? Math.round((fillers / s.wordCount) * 1000) / 10 : 0,
    );
  }
  return table;
}

export class LlmAnalyst implements Analyst {
  readonly name: string;
  readonly model: string;
  private readonly chat: ChatModel;
  private readonly windowTokens: number;
  private readonly semaphore: Semaphore;
  private readonly maxRepairs: number;
  private readonly log: AnalystLogger | undefined;
  private readonly silentFallback: Analyst;
  private readonly offline: OfflineAnalyst;
  private readonly now: () => number;

  constructor(opts: LlmAnalystOptions) {
    this.chat = opts.model;
    this.name = opts.model.provider;
    this.model = opts.model.model;
    this.windowTokens = Math.max(200, opts.windowTokens ?? DEFAULT_WINDOW_TOKENS);
    this.semaphore = new Semaphore(Math.max(1, opts.concurrency ?? 4));
    this.maxRepairs = Math.max(0, opts.maxRepairs ?? 1);
    this.log = opts.logger;
    this.offline = opts.offline ?? new OfflineAnalyst();
    this.silentFallback = opts.silentFallback ?? this.offline;
    this.now = opts.now ?? Date.now;
  }

  async analyze(input: Transcript, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
    const started = this.now();
    const original = sanitizeTranscript(input);
    // PII never reaches a model: everything sent (lines, facts, notes, findings) and every quote
    // checked comes from the redacted transcript. Only the metrics (numbers) read the original,
    // where a card number read out is sixteen words, not one placeholder.
    const { transcript, counts: piiRedacted } = redactTranscript(original);
    const lines = transcriptLines(transcript, maxLineCharsFor(this.windowTokens));
    // A recording without speech: nothing to ask a model about (and nothing to pay for).
    if (lines.length === 0) return this.silentFallback.analyze(input, options);
    if (totalOf(piiRedacted) > 0)
      this.log?.debug?.({ audioId: transcript.audioId, piiRedacted }, 'PII redacted before the model requests');

    const run = new Run();
    const metrics = computeMetrics(original, splitUtterances(original));
    const speakers = speakersOf(transcript);
    const index = new TranscriptIndex(transcript);
    const windows = windowsOf(lines, this.windowTokens);
    const competitors = options.competitors ?? [];
    // The same facts the offline analyst builds on, as context for the model.
    const { result: offline, facts } = await this.offline.analyzeWithFacts(transcript, options);

    const verified = await Promise.all(
      windows.map((w) =>
        this.semaphore.run(async () => {
          const findings = await this.structured(
            'window findings',
            WINDOW_FINDINGS_SCHEMA_NAME,
            WindowFindingsSchema,
            mapMessages({
              part: w.index + 1,
              parts: windows.length,
              startMs: w.startMs,
              endMs: w.endMs,
              transcript: w.text,
              competitors,
              facts: factsWithin(facts, w.startMs, w.endMs, MAX_WINDOW_FACTS),
            }),
            run,
            (json) => dropInvalidItems(WindowFindingsSchema, json, `window ${w.index + 1}`),
          );
          return this.verifyWindow(findings, w, index, speakers, run);
        }),
      ),
    );

    const merged = mergeWindows(verified);
    const notes = await this.condenseNotes(
      verified
        .map((v) => `[${v.window.startMs}-${v.window.endMs}] ${v.notes.trim().slice(0, 1200)}`)
        .filter((n) => !/\]\s*$/.test(n)),
      run,
    );
    const table = metricTable(metrics);
    const context = this.reduceContext({
      transcript,
      metrics: table,
      speakers,
      competitors,
      parts: windows.length,
      notes,
      merged,
      facts,
    });
    const call = await this.structured(
      'call analysis',
      CALL_ANALYSIS_SCHEMA_NAME,
      CallAnalysisSchema,
      callMessages(context),
      run,
      (json) => salvageCallAnalysis(json, offline.quiz),
    );
    const coaching = this.verifyCoaching(call.coaching, index, table, run);
    const quiz = this.verifyQuiz(call.quiz, index, facts, offline.quiz, metrics.durationMs, run);
    const customer = speakers.includes('customer') ? 'customer' : null;

    if (run.rejectedCount > 0) {
      this.log?.warn(
        { audioId: transcript.audioId, rejected: run.rejectedCount, examples: run.rejected.slice(0, 5) },
        'LLM findings dropped: evidence not in the transcript',
      );
    }
    const provenance: Provenance = {
      provider: this.chat.provider,
      model: run.answeredBy ?? this.chat.model,
      promptVersion: LLM_PROMPT_VERSION,
      usage: run.usage,
      durationMs: Math.max(0, Math.round(this.now() - started)),
      llmRequests: run.requests,
      rejectedEvidence: run.rejected,
      dropped: run.dropped,
      piiRedacted,
    };
    const result: AnalysisResult = {
      analyst: this.name,
      analystVersion: LLM_ANALYST_VERSION,
      callType: call.callType,
      callKind: call.callKind,
      summary: call.summary.trim(),
      metrics,
      sentiment: {
        overall: { score: round3(call.sentiment.overall.score), label: labelOf(call.sentiment.overall.score) },
        bySpeaker: call.sentiment.bySpeaker
          .filter((s) => speakers.includes(s.speaker))
          .map((s) => ({ speaker: s.speaker, score: round3(s.score), label: labelOf(s.score) })),
        timeline: merged.timeline,
        shifts: merged.shifts,
        closing:
          customer && call.closing
            ? { speaker: customer, score: round3(call.closing.score), label: labelOf(call.closing.score), atMs: null }
            : null,
      },
      issues: merged.issues,
      coaching,
      quiz,
      actionItems: merged.actionItems,
      // Outcomes are our rules' findings: verbatim words, checked by construction.
      outcomes: offline.outcomes,
      provenance,
    };
    const checked = AnalysisResultSchema.safeParse(result);
    if (!checked.success) {
      throw new LlmError(
        'ANALYSIS.INVALID_OUTPUT',
        `the merged LLM analysis is not a valid AnalysisResult: ${formatIssues(checked.error).slice(0, 5).join('; ')}`,
        {
          retriable: false,
        },
      );
    }
    return checked.data;
  }

  /**
   * One schema-constrained request; an answer that does not validate goes back to the model
   * with the errors, up to maxRepairs times.
   */
  private async structured<S extends z.ZodType>(
    kind: string,
    schemaName: string,
    schema: S,
    messages: ChatMessage[],
    run: Run,
    salvage?: (json: unknown) => Salvaged | null,
  ): Promise<z.infer<S>> {
    const json = jsonSchemaOf(schema);
    let conversation = messages;
    let problems: string[] = [];
    let lastJson: unknown = undefined;
    for (let attempt = 0; attempt <= this.maxRepairs; attempt++) {
      const answer = await this.chat.complete({ messages: conversation, schemaName, schema: json });
      run.record(answer);
      if (answer.refusal) {
        throw new LlmError(
          'ANALYSIS.REFUSED',
          `${this.chat.provider}/${this.chat.model} refused the ${kind}: ${answer.refusal}`,
          { retriable: false },
        );
      }
      const checked = validateAnswer(answer, schema);
      if (checked.ok) return checked.data as z.infer<S>;
      problems = checked.problems;
      lastJson = checked.json;
      this.log?.warn({ kind, attempt: attempt + 1, problems: problems.slice(0, 5) }, 'LLM answer failed validation');
      conversation = [...messages, { role: 'assistant', content: answer.content ?? '' }, repairMessage(problems)];
    }
    // Valid JSON that fails only some parts: keep the rest, drop or repair those parts alone.
    if (salvage && lastJson !== undefined) {
      const saved = salvage(lastJson);
      const parsed = saved ? schema.safeParse(saved.value) : null;
      if (saved && parsed?.success) {
        for (const d of saved.dropped) run.drop(d.part, d.reason, d.action);
        this.log?.warn({ kind, dropped: saved.dropped.slice(0, 5) }, 'LLM answer kept without its invalid parts');
        return parsed.data as z.infer<S>;
      }
    }
    throw new LlmError(
      'ANALYSIS.INVALID_OUTPUT',
      `the ${kind} answer of ${this.chat.provider}/${this.chat.model} did not validate after ${this.maxRepairs + 1} attempt(s): ${problems.slice(0, 5).join('; ')}`,
      { retriable: false },
    );
  }

  /**
   * A keyed quiz answer must be the call's own: its words in the transcript, a fact our rules
   * found, or (for a mood question) the close we measured. Others are dropped; a quiz left with
   * fewer than three questions is topped up from the offline quiz, and both are recorded.
   */
  private verifyQuiz(
    quiz: QuizQuestion[],
    index: TranscriptIndex,
    facts: PromptFacts,
    fallback: readonly QuizQuestion[],
    durationMs: number,
    run: Run,
  ): QuizQuestion[] {
    const factTexts = new Set(facts.entities.map((e) => normalizeForEvidence(e.text)));
    const labels = new Set(['positive', 'neutral', 'negative']);
    const kept: QuizQuestion[] = [];
    quiz.forEach((q, i) => {
      const keyed = q.options[q.answerIndex] ?? '';
      const norm = normalizeForEvidence(keyed.replace(/^"|"$/g, ''));
      const supported =
        norm !== '' &&
        (index.find(norm) !== null ||
          factTexts.has(norm) ||
          (labels.has(norm) && facts.customerClosing !== null && norm === facts.customerClosing.label));
      if (supported) kept.push({ ...q, atMs: q.atMs !== null && q.atMs <= durationMs ? q.atMs : null });
      else run.drop(`quiz[${i}]`, `keyed answer "${keyed}" is not in the transcript or the facts`, 'dropped');
    });
    for (const q of fallback) {
      if (kept.length >= 3) break;
      kept.push(q);
      run.drop(
        'quiz',
        `fewer than 3 questions held up; added "${q.question.slice(0, 80)}" from the offline quiz`,
        'repaired',
      );
    }
    return kept;
  }

  private verifyWindow(
    f: WindowFindings,
    w: TranscriptWindow,
    index: TranscriptIndex,
    speakers: string[],
    run: Run,
  ): VerifiedWindow {
    const within = { from: w.wordFrom, to: w.wordTo };
    const check = (kind: string, e: { quote: string; startMs: number }): EvidenceMatch | null => {
      const m = index.find(e.quote, { nearMs: e.startMs, within });
      if (!m) run.reject(kind, e.quote, `quote not found in the transcript between ${w.startMs} and ${w.endMs} ms`);
      return m;
    };
    const issues: Issue[] = [];
    for (const i of f.issues) {
      const m = check('issue', i);
      if (m)
        issues.push({
          ...i,
          quote: m.quote,
          startMs: m.startMs,
          endMs: m.endMs,
          speaker: m.speaker,
          confidence: round3(i.confidence),
        });
    }
    const shifts: SentimentShift[] = [];
    for (const s of f.sentimentShifts) {
      const m = check('sentimentShift', s);
      if (m && s.from !== s.to)
        shifts.push({ atMs: m.startMs, from: s.from, to: s.to, speaker: m.speaker, quote: m.quote });
    }
    const actionItems: ActionItem[] = [];
    for (const a of f.actionItems) {
      const m = check('actionItem', a);
      if (m) {
        actionItems.push({
          text: a.text.trim(),
          owner: a.owner !== null && speakers.includes(a.owner) ? a.owner : null,
          dueText: a.dueText && a.dueText.trim() ? a.dueText.trim() : null,
          atMs: m.startMs,
        });
      }
    }
    const moments: Moment[] = [];
    for (const c of f.coachingMoments) {
      const m = check('coachingMoment', c);
      if (m)
        moments.push({
          speaker: m.speaker,
          kind: c.kind,
          observation: c.observation.trim(),
          quote: m.quote,
          startMs: m.startMs,
          endMs: m.endMs,
        });
    }
    // Sentiment points carry no quote: kept inside the window and for known speakers only.
    const timeline: SentimentPoint[] = f.sentiment
      .filter((p) => speakers.includes(p.speaker))
      .map((p) => {
        const startMs = clamp(p.startMs, w.startMs, w.endMs);
        return { speaker: p.speaker, startMs, endMs: clamp(p.endMs, startMs, w.endMs), score: round3(p.score) };
      });
    return { window: w, notes: f.notes, issues, timeline, shifts, actionItems, moments };
  }

  /** Coaching from the reduce: evidence checked against the whole transcript, metric values ours. */
  private verifyCoaching(
    items: LlmCoachingItem[],
    index: TranscriptIndex,
    metrics: Map<string, number>,
    run: Run,
  ): CoachingItem[] {
    const out: CoachingItem[] = [];
    const ids = new Set<string>();
    for (const c of items) {
      let evidence: EvidenceMatch | null = null;
      if (c.evidence) {
        evidence = index.find(c.evidence.quote, { nearMs: c.evidence.startMs });
        if (!evidence) {
          run.reject('coaching', c.evidence.quote, `quote of coaching "${c.title}" not found in the transcript`);
          continue;
        }
      }
      const known = c.basis.metric !== null && metrics.has(c.basis.metric);
      if (!known && !evidence) {
        run.reject('coaching', c.basis.metric ?? '', `coaching "${c.title}" cites an unknown metric and no evidence`);
        continue;
      }
      let id = c.id.trim();
      for (let n = 2; ids.has(id); n++) id = `${c.id.trim()}-${n}`;
      ids.add(id);
      out.push({
        id,
        title: c.title.trim(),
        recommendation: c.recommendation.trim(),
        severity: c.severity,
        basis: {
          metric: known ? c.basis.metric : null,
          value: known ? (metrics.get(c.basis.metric as string) as number) : null,
          benchmark: c.basis.benchmark.trim(),
          benchmarkValue: c.basis.benchmarkValue,
          atMs: evidence ? evidence.startMs : null,
          quote: evidence ? evidence.quote : null,
        },
      });
    }
    return out;
  }

  /** Window notes, condensed by digest requests until they fit half the budget. */
  private async condenseNotes(notes: string[], run: Run): Promise<string[]> {
    let current = notes;
    const target = Math.floor(this.windowTokens / 2);
    while (current.length > 1 && estimateTokens(current.join('\n')) > target) {
      const groups = groupUnder(current, this.windowTokens);
      if (groups.length >= current.length) break; // every note alone fills a group: cannot shrink
      current = await Promise.all(
        groups.map((g) =>
          this.semaphore.run(async () => {
            const range = `[${spanOf(g[0] as string).from}-${spanOf(g[g.length - 1] as string).to}]`;
            const digest = await this.structured(
              'notes digest',
              DIGEST_SCHEMA_NAME,
              DigestSchema,
              digestMessages(g.join('\n')),
              run,
            );
            return `${range} ${digest.notes.trim().slice(0, 2000)}`;
          }),
        ),
      );
    }
    // Still too long (huge single notes): keep the budget, trimming evenly.
    const total = estimateTokens(current.join('\n'));
    if (total > target && current.length > 0) {
      const per = Math.max(80, Math.floor((target * 4) / current.length));
      current = current.map((n) => n.slice(0, per));
    }
    return current;
  }

  private reduceContext(input: {
    transcript: Transcript;
    metrics: Map<string, number>;
    speakers: string[];
    competitors: readonly string[];
    parts: number;
    notes: string[];
    merged: ReturnType<typeof mergeWindows>;
    facts: PromptFacts;
  }): Record<string, unknown> {
    const { merged, facts } = input;
    const issueCounts: Record<string, number> = {};
    for (const i of merged.issues) issueCounts[i.type] = (issueCounts[i.type] ?? 0) + 1;
    const lists = {
      issues: [...merged.issues].sort((a, b) => b.confidence - a.confidence).slice(0, 40),
      sentimentShifts: merged.shifts.slice(0, 20),
      actionItems: merged.actionItems.slice(0, 30),
      coachingMoments: merged.moments.slice(0, 30),
      factEntities: facts.entities.slice(0, 60),
      factCommitments: facts.commitments.slice(0, 30),
    };
    const context = (): Record<string, unknown> => ({
      call: {
        durationMs: input.transcript.durationMs,
        language: input.transcript.language,
        speakers: input.speakers,
        competitors: input.competitors,
        partsAnalysed: input.parts,
      },
      metrics: [...input.metrics].map(([name, value]) => ({ name, value })),
      benchmarks: benchmarkList(),
      notes: input.notes,
      issueCounts,
      issues: [...lists.issues].sort((a, b) => a.startMs - b.startMs),
      sentimentBySpeaker: meanSentiment(merged.timeline, input.speakers),
      sentimentShifts: lists.sentimentShifts,
      actionItems: lists.actionItems,
      coachingMoments: lists.coachingMoments,
      facts: {
        callKind: facts.callKind,
        entities: lists.factEntities,
        outcomes: facts.outcomes.slice(0, 20),
        commitments: lists.factCommitments,
        rootCause: facts.rootCause,
        customerClosing: facts.customerClosing,
      },
    });
    // Fit the budget: halve the longest list until it does.
    let ctx = context();
    while (estimateTokens(JSON.stringify(ctx)) > this.windowTokens) {
      const longest = (Object.keys(lists) as Array<keyof typeof lists>).reduce((a, b) =>
        lists[b].length > lists[a].length ? b : a,
      );
      if (lists[longest].length === 0) break;
      (lists[longest] as unknown[]) = lists[longest].slice(0, Math.floor(lists[longest].length / 2));
      ctx = context();
    }
    return ctx;
  }
}

/** All windows' verified findings, time-ordered, duplicates removed. */
function mergeWindows(windows: VerifiedWindow[]): {
  issues: Issue[];
  timeline: SentimentPoint[];
  shifts: SentimentShift[];
  actionItems: ActionItem[];
  moments: Moment[];
} {
  const uniq = <T>(items: T[], key: (t: T) => string): T[] => {
    const seen = new Set<string>();
    return items.filter((t) => {
      const k = key(t);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
  };
  const byStart = <T extends { startMs: number }>(a: T, b: T): number => a.startMs - b.startMs;
  return {
    issues: uniq(
      windows.flatMap((w) => w.issues),
      (i) => `${i.type}|${i.startMs}|${i.endMs}`,
    ).sort(byStart),
    timeline: windows.flatMap((w) => w.timeline).sort(byStart),
    shifts: uniq(
      windows.flatMap((w) => w.shifts),
      (s) => `${s.speaker}|${s.atMs}`,
    ).sort((a, b) => a.atMs - b.atMs),
    actionItems: uniq(
      windows.flatMap((w) => w.actionItems),
      (a) => `${normalizeForEvidence(a.text)}|${a.atMs}`,
    ).sort((a, b) => a.atMs - b.atMs),
    moments: uniq(
      windows.flatMap((w) => w.moments),
      (m) => `${m.kind}|${m.startMs}`,
    ).sort(byStart),
  };
}

function meanSentiment(
  points: SentimentPoint[],
  speakers: string[],
): Array<{ speaker: string; score: number; points: number }> {
  return speakers.map((speaker) => {
    const own = points.filter((p) => p.speaker === speaker);
    const weight = own.reduce((n, p) => n + Math.max(1, p.endMs - p.startMs), 0);
    const sum = own.reduce((n, p) => n + p.score * Math.max(1, p.endMs - p.startMs), 0);
    return { speaker, score: weight > 0 ? round3(sum / weight) : 0, points: own.length };
  });
}

function groupUnder(items: string[], budgetTokens: number): string[][] {
  const groups: string[][] = [];
  let cur: string[] = [];
  let tokens = 0;
  for (const item of items) {
    const t = estimateTokens(item) + 1;
    if (cur.length && tokens + t > budgetTokens) {
      groups.push(cur);
      cur = [];
      tokens = 0;
    }
    cur.push(item);
    tokens += t;
  }
  if (cur.length) groups.push(cur);
  return groups;
}

function spanOf(note: string): { from: string; to: string } {
  const m = /^\[(\d+)-(\d+)\]/.exec(note);
  return { from: m?.[1] ?? '0', to: m?.[2] ?? '0' };
}

function formatIssues(error: z.ZodError): string[] {
  return error.issues.slice(0, 20).map((i) => `${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}

/** JSON, then schema and refinements; the problems in words the model can act on. */
export function validateAnswer<S extends z.ZodType>(
  answer: ChatAnswer,
  schema: S,
): { ok: true; data: z.infer<S> } | { ok: false; problems: string[]; json?: unknown } {
  if (answer.finishReason === 'length') {
    return { ok: false, problems: ['the answer was cut off (finish_reason=length): give fewer and shorter items'] };
  }
  if (answer.content === null || answer.content.trim() === '') return { ok: false, problems: ['the answer is empty'] };
  let json: unknown;
  try {
    json = JSON.parse(answer.content);
  } catch (err) {
    return { ok: false, problems: [`the answer is not valid JSON: ${(err as Error).message}`] };
  }
  const parsed = schema.safeParse(json);
  return parsed.success
    ? { ok: true, data: parsed.data as z.infer<S> }
    : { ok: false, problems: formatIssues(parsed.error), json };
}

export interface Salvaged {
  value: unknown;
  dropped: Array<{ part: string; reason: string; action: 'dropped' | 'repaired' }>;
}

/** Items of the object's arrays that fail their own schema are dropped, the rest kept. */
export function dropInvalidItems(schema: z.ZodObject, json: unknown, where: string): Salvaged | null {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) return null;
  const value: Record<string, unknown> = { ...(json as Record<string, unknown>) };
  const dropped: Salvaged['dropped'] = [];
  for (const [key, field] of Object.entries(schema.shape)) {
    const items = value[key];
    if (!(field instanceof z.ZodArray) || !Array.isArray(items)) continue;
    value[key] = items.filter((item, i) => {
      const r = (field.element as z.ZodType).safeParse(item);
      if (!r.success)
        dropped.push({ part: `${where} ${key}[${i}]`, reason: formatIssues(r.error).join('; '), action: 'dropped' });
      return r.success;
    });
  }
  return { value, dropped };
}

/**
 * The reduce's answer without its invalid parts: a quiz question whose options repeat is
 * repaired (duplicates removed) when three distinct options and its keyed one remain, else
 * dropped; coaching items that fail are dropped; a quiz left under three is topped up from
 * the offline quiz.
 */
export function salvageCallAnalysis(json: unknown, fallbackQuiz: readonly QuizQuestion[]): Salvaged | null {
  const base = dropInvalidItems(CallAnalysisSchema.omit({ quiz: true }), json, 'call analysis');
  if (!base) return null;
  const value = base.value as Record<string, unknown>;
  const dropped = [...base.dropped];
  const quiz: QuizQuestion[] = [];
  const raw = Array.isArray(value['quiz']) ? (value['quiz'] as unknown[]) : [];
  raw.forEach((item, i) => {
    const ok = QuizQuestionSchema.safeParse(item);
    if (ok.success) return void quiz.push(ok.data);
    const repaired = dedupeOptions(item);
    const again = repaired ? QuizQuestionSchema.safeParse(repaired) : null;
    if (again?.success) {
      quiz.push(again.data);
      dropped.push({
        part: `quiz[${i}]`,
        reason: `${formatIssues(ok.error).join('; ')}: repeated options removed`,
        action: 'repaired',
      });
    } else {
      dropped.push({ part: `quiz[${i}]`, reason: formatIssues(ok.error).join('; '), action: 'dropped' });
    }
  });
  for (const q of fallbackQuiz) {
    if (quiz.length >= 3) break;
    quiz.push(q);
    dropped.push({
      part: 'quiz',
      reason: `fewer than 3 valid questions; added "${q.question.slice(0, 80)}" from the offline quiz`,
      action: 'repaired',
    });
  }
  value['quiz'] = quiz.slice(0, 6);
  return { value, dropped };
}

function dedupeOptions(item: unknown): unknown {
  if (item === null || typeof item !== 'object') return null;
  const q = item as { options?: unknown; answerIndex?: unknown };
  if (!Array.isArray(q.options) || typeof q.answerIndex !== 'number') return null;
  const options = q.options.filter((o): o is string => typeof o === 'string');
  const keyed = options[q.answerIndex];
  if (keyed === undefined) return null;
  const seen = new Set<string>([keyed.trim().toLowerCase()]);
  const rest = options.filter((o, i) => {
    if (i === q.answerIndex) return false;
    const k = o.trim().toLowerCase();
    if (seen.has(k) || k === '') return false;
    seen.add(k);
    return true;
  });
  const at = Math.min(q.answerIndex, rest.length);
  const next = [...rest.slice(0, at), keyed, ...rest.slice(at)];
  return { ...q, options: next, answerIndex: at };
}
