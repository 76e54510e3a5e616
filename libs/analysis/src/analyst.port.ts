/**
 * The Analyst port: turns a transcript into an AnalysisResult. Implementations: the
 * rule-based OfflineAnalyst, and the LlmAnalyst (libs/llm-analyst) for OpenAI and Azure
 * OpenAI, whose structured outputs are derived from the same schema. createAnalyst()
 * (libs/llm-analyst analyst-provider.ts) picks one from LLM_PROVIDER. Every result records its
 * provenance (provider, model, prompt version, token usage, duration).
 */
import type { Transcript } from '@speech/contracts';
import type { AnalysisResult } from './analysis.schema';

export interface AnalyzeOptions {
  /** Competitor names or phrases to flag as competitor mentions ("Stormvault"). */
  competitors?: string[];
}

export interface Analyst {
  /** "offline", "openai", "azure-openai" — stored with each analysis. */
  readonly name: string;
  /** The model (or Azure deployment) behind an LLM analyst; absent for rule-based ones. */
  readonly model?: string;
  analyze(t: Transcript, o?: AnalyzeOptions): Promise<AnalysisResult>;
}
