import type { ServiceDefinition, ServiceInfra } from '@speech/service-kit';
import { createMerger } from './merger';

export async function defineMerger(infra: ServiceInfra): Promise<ServiceDefinition> {
  const merger = await createMerger(infra);
  return { name: 'merger', subscribe: () => merger.subscribe() };
}
