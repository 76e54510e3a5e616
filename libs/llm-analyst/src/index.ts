export {
  LLM_PROVIDERS,
  analystProviderEnvProblems,
  analystProviderEnvSchema,
  createAnalyst,
  refineAnalystProviderEnv,
  type AnalystDeps,
  type AnalystProviderEnv,
  type LlmProvider,
} from './analyst-provider';
export { LlmAnalyst, LLM_ANALYST_VERSION, type AnalystLogger, type LlmAnalystOptions } from './llm-analyst';
export { LLM_PROMPT_VERSION } from './prompts';
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
} from './chat-model';
