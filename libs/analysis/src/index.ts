export {
  AnalysisResultSchema,
  ActionItemSchema,
  CallTypeSchema,
  CoachingItemSchema,
  ISSUE_TYPES,
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
export { computeMetrics } from './conversation-metrics';
export { detectIssues } from './issue-detector';
export { OBJECTION_TAXONOMY, type IssueRule } from './objection-taxonomy';
export { loadSentimentScorer, type SentimentScorer } from './sentiment';
export { BENCHMARKS } from './benchmarks';
export { ProvenanceSchema, TokenUsageSchema, strictJsonSchema } from './analysis.schema';
export type { Provenance, TokenUsage } from './analysis.schema';
export {
  LLM_PROVIDERS,
  analystProviderEnvProblems,
  analystProviderEnvSchema,
  createAnalyst,
  refineAnalystProviderEnv,
  type AnalystDeps,
  type AnalystProviderEnv,
  type LlmProvider,
} from './llm/analyst-provider';
export { LlmAnalyst, LLM_ANALYST_VERSION, type AnalystLogger, type LlmAnalystOptions } from './llm/llm-analyst';
export { LLM_PROMPT_VERSION } from './llm/prompts';
export {
  LlmError,
  OpenAiChatModel,
  azureOpenAiClient,
  openAiClient,
  type ChatAnswer,
  type ChatMessage,
  type ChatModel,
  type ChatRequest,
  type LlmErrorCode,
} from './llm/chat-model';
export { TranscriptIndex, normalizeForEvidence, type EvidenceMatch } from './llm/evidence';
