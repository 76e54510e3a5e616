/**
 * The Analyst port: turns a transcript into an AnalysisResult. Implementations: the
 * rule-based OfflineAnalyst here; an LLM-backed analyst can implement the same port and
 * use analysisJsonSchema() for structured output.
 */
import type { Transcript } from '@speech/contracts';
import type { AnalysisResult } from './analysis.schema';

export interface AnalyzeOptions {
  /** Competitor names or phrases to flag as competitor mentions ("Stormvault"). */
  competitors?: string[];
}

export interface Analyst {
  /** "offline", "openai", ... — stored with each analysis. */
  readonly name: string;
  /** The model behind an LLM analyst; absent for rule-based ones. */
  readonly model?: string;
  analyze(t: Transcript, o?: AnalyzeOptions): Promise<AnalysisResult>;
}
