import type { AccessControl } from '@speech/platform';
import type { ServiceDefinition, ServiceInfra } from '@speech/service-kit';
import { createQueryService, DEFAULT_DASHBOARD_DIR } from './query-service';
import type { ReadModel } from './read-model';

/** The query service: the read model of every lifecycle event, the read routes, SSE and the dashboard. */
export async function defineQuery(
  infra: ServiceInfra,
  access: AccessControl,
  /** `bus` where several query replicas run (the distributed mode); see QueryDeps.live. */
  live: 'in-process' | 'bus' = 'in-process',
): Promise<ServiceDefinition & { model: ReadModel }> {
  const query = await createQueryService({ ...infra, access, dashboardDir: DEFAULT_DASHBOARD_DIR, live });
  return { name: 'query', model: query.model, subscribe: () => query.subscribe(), mount: (app) => query.mount(app) };
}
