export {
  AnalysisResultSchema,
  ActionItemSchema,
  CallTypeSchema,
  CoachingItemSchema,
  ISSUE_TYPES,
  OBJECTION_ISSUE_TYPES,
  IssueSchema,
  IssueTypeSchema,
  MetricsSchema,
  QuizQuestionSchema,
  SentimentSchema,
  analysisJsonSchema,
} from './analysis.schema';
export type {
  ActionItem,
  AnalysisResult,
  CallType,
  CoachingItem,
  Issue,
  IssueType,
  Metrics,
  QuizQuestion,
  Sentiment,
  SentimentLabel,
  SpeakerMetrics,
} from './analysis.schema';
export type { Analyst, AnalyzeOptions } from './analyst.port';
export { OfflineAnalyst, OFFLINE_ANALYST_VERSION, type OfflineAnalystDeps } from './offline-analyst';
export { sanitizeTranscript } from './sanitize-transcript';
export { computeMetrics } from './conversation-metrics';
export type { PromptFacts } from './prompt-facts';
export { detectIssues } from './issue-detector';
export { OBJECTION_TAXONOMY, type IssueRule } from './objection-taxonomy';
export { loadSentimentScorer, type SentimentScorer } from './sentiment';
export { BENCHMARKS } from './benchmarks';
export { ISSUE_LABELS } from './quiz-builder';
export {
  CALL_KINDS,
  CallKindSchema,
  ClosingSentimentSchema,
  OUTCOME_KINDS,
  OutcomeSchema,
  ProvenanceSchema,
  SentimentLabelSchema,
  TokenUsageSchema,
  strictJsonSchema,
} from './analysis.schema';
export type {
  AnalysisResultParsed,
  CallKind,
  ClosingSentiment,
  Outcome,
  OutcomeKind,
  Provenance,
  SentimentPoint,
  SentimentShift,
  TokenUsage,
} from './analysis.schema';
export { labelOf } from './sentiment';
export { UTTERANCE_PAUSE_MS, speakersOf, splitUtterances, type Utterance } from './utterances';
export { TranscriptIndex, normalizeForEvidence, type EvidenceMatch } from './evidence';
export { ANALYSIS_CSV_COLUMNS, analysisCsv, csvField, toCsv } from './export/analysis-csv';
export {
  REPORT_CONTENT_TYPES,
  REPORT_FORMATS,
  buildReport,
  escapeHtml,
  isReportFormat,
  reportDate,
  reportHtml,
  reportHtmlParts,
  type Report,
  type ReportField,
  type ReportFormat,
  type ReportInput,
  type ReportRecording,
} from './export/report';
// Trackers: every export of the module is their API (phrases, conditions, matching, index terms).
export * from './tracker-match';
export { callFigures, callObjections, type CallFigures, type CallObjection } from './call-figures';
export {
  averages,
  teamView,
  weekStart,
  type AgentCall,
  type AgentFigures,
  type FigureAverages,
  type TeamView,
  type WeekFigures,
} from './team-view';
// Scorecards: templates (a small rule language over a call's figures) and scoring.
export * from './scorecard';
