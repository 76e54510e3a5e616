/**
 * Rule-based analyst that runs fully offline: word-timing metrics, wink-nlp lexicon
 * sentiment, a phrase taxonomy for objections and complaints, benchmark-based coaching,
 * a quiz and action items. The result is validated against AnalysisResultSchema.
 */
import type { Transcript } from '@speech/contracts';
import { extractActionItems } from './action-items';
import { AnalysisResultSchema, type AnalysisResult, type AnalysisResultParsed } from './analysis.schema';
import type { Analyst, AnalyzeOptions } from './analyst.port';
import type { CallFacts } from './call-facts';
import { classifyCallKind } from './call-kind';
import { classifyCall } from './call-type';
import { buildCoaching } from './coaching-rules';
import { computeMetrics } from './conversation-metrics';
import { detectIssues } from './issue-detector';
import { analyseResponses } from './objection-response';
import { buildQuiz } from './quiz-builder';
import { extractFacts, type KnownWord } from './facts';
import { promptFactsOf, type PromptFacts } from './prompt-facts';
import { sanitizeTranscript } from './sanitize-transcript';
import { analyseSentiment, closingMood, loadKnownWords, loadSentimentScorer, type SentimentScorer } from './sentiment';
import { buildSummary } from './summary';
import { turnScorer } from './turn-sentiment';
import { AGENT, hasAgent, speakersOf, splitUtterances } from './utterances';

export const OFFLINE_ANALYST_VERSION = '1.0.0';

export interface OfflineAnalystDeps {
  /** Override the wink-nlp scorer (tests); loaded lazily once by default. */
  sentimentScorer?: () => Promise<SentimentScorer>;
  /** Override the lexicon that tells names from everyday words (tests); wink's by default. */
  knownWords?: () => Promise<KnownWord>;
}

export class OfflineAnalyst implements Analyst {
  readonly name = 'offline';
  private readonly loadScorer: () => Promise<SentimentScorer>;
  private readonly loadKnown: () => Promise<KnownWord>;

  constructor(deps: OfflineAnalystDeps = {}) {
    this.loadScorer = deps.sentimentScorer ?? loadSentimentScorer;
    this.loadKnown = deps.knownWords ?? loadKnownWords;
  }

  async analyze(input: Transcript, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
    return (await this.analyzeWithFacts(input, options)).result;
  }

  /** The analysis and the facts it was built on (the LLM analyst gives them to its model). */
  async analyzeWithFacts(
    input: Transcript,
    options: AnalyzeOptions = {},
  ): Promise<{ result: AnalysisResultParsed; facts: PromptFacts }> {
    const started = Date.now();
    const [scorer, known] = await Promise.all([this.loadScorer(), this.loadKnown()]);
    const transcript = sanitizeTranscript(input);
    const utterances = splitUtterances(transcript);
    const speakers = speakersOf(transcript);
    const agentPresent = hasAgent(transcript);
    const customer = agentPresent ? (speakers.find((s) => s !== AGENT) ?? null) : null;

    const metrics = computeMetrics(transcript, utterances);
    const found = extractFacts(transcript, utterances, agentPresent, known);
    const issues = detectIssues(transcript, { competitors: options.competitors ?? [] }, utterances, found);
    const sentiment = analyseSentiment(
      utterances,
      speakers,
      scorer,
      turnScorer({ scorer, language: transcript.language, issues }),
      'polarity',
    );
    const actionItems = extractActionItems(transcript, utterances);
    const callType = classifyCall(issues, utterances);
    const customerClosing = customer ? closingMood(sentiment.timeline, customer) : null;
    const facts: CallFacts = {
      transcript,
      utterances,
      callType,
      callKind: classifyCallKind({
        callType,
        issues,
        outcomes: found.outcomes,
        utterances,
        customerMood: sentiment.bySpeaker.find((s) => s.speaker === customer)?.score ?? null,
      }),
      metrics,
      sentiment,
      issues,
      responses: agentPresent ? analyseResponses(issues, utterances) : [],
      actionItems,
      coachee: agentPresent ? AGENT : speakers.length === 1 ? (speakers[0] ?? null) : null,
      customer,
      customerClosing,
      found,
    };

    const result = AnalysisResultSchema.parse({
      analyst: this.name,
      analystVersion: OFFLINE_ANALYST_VERSION,
      callType: facts.callType,
      callKind: facts.callKind,
      summary: buildSummary(facts),
      metrics,
      sentiment: {
        ...sentiment,
        closing: customer && facts.customerClosing ? { speaker: customer, ...facts.customerClosing } : null,
      },
      issues,
      coaching: buildCoaching(facts),
      quiz: buildQuiz(facts),
      actionItems,
      outcomes: found.outcomes,
      provenance: {
        provider: 'local',
        model: null,
        promptVersion: null,
        usage: null,
        durationMs: Date.now() - started,
        llmRequests: 0,
        rejectedEvidence: [],
        dropped: [],
      },
    } satisfies AnalysisResult);
    return { result, facts: promptFactsOf(facts) };
  }
}
