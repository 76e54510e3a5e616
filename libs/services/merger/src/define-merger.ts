import type { ServiceDefinition, ServiceInfra } from '@speech/service-kit';
import { createMerger } from './merger';

export interface MergerSettings {
  /** Store the merged transcript with PII redacted (REDACT_PII). */
  REDACT_PII: boolean;
}

export async function defineMerger(
  infra: ServiceInfra,
  settings: MergerSettings = { REDACT_PII: false },
): Promise<ServiceDefinition> {
  const merger = await createMerger(infra, { redactPii: settings.REDACT_PII });
  return { name: 'merger', subscribe: () => merger.subscribe() };
}
