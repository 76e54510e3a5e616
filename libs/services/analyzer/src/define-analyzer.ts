import type { Analyst } from '@speech/analysis';
import type { ServiceDefinition, ServiceInfra } from '@speech/service-kit';
import { createAnalyzer } from './analyzer';

export interface AnalyzerSettings {
  ANALYSIS_MAX_ATTEMPTS: number;
}

/** The analyzer with the analyst its composition root chose (LLM_PROVIDER). */
export async function defineAnalyzer(
  infra: ServiceInfra,
  analyst: Analyst,
  settings: AnalyzerSettings,
): Promise<ServiceDefinition> {
  const analyzer = await createAnalyzer({ ...infra, analyst, config: { maxAttempts: settings.ANALYSIS_MAX_ATTEMPTS } });
  return { name: 'analyzer', subscribe: () => analyzer.subscribe() };
}
