import { mountApiDocs } from '@speech/api-spec';
import type { AccessControl } from '@speech/platform';
import type { SearchIndex } from '@speech/search';
import type { ServiceDefinition, ServiceInfra } from '@speech/service-kit';
import { createQueryService, DEFAULT_DASHBOARD_DIR } from './query-service';
import type { ReadModel } from './read-model';
import { scorecardTemplateOf } from './scorecards';

/**
 * The query service: the read model of every lifecycle event, the read routes, SSE, the dashboard,
 * and the API's document (/openapi.json, /docs). In the distributed mode the gateway passes these
 * GETs on to it, so both modes serve them at the public address.
 */
export async function defineQuery(
  infra: ServiceInfra,
  access: AccessControl,
  /** `bus` where several query replicas run (the distributed mode); see QueryDeps.live. */
  live: 'in-process' | 'bus' = 'in-process',
  /** GET /search's index (the single process: SQLite FTS5 in its database). */
  search?: SearchIndex,
  /** Where SCORECARD_TEMPLATE is read from (validated here, at start-up). */
  env: NodeJS.ProcessEnv = process.env,
): Promise<ServiceDefinition & { model: ReadModel }> {
  const scorecardTemplate = scorecardTemplateOf(env);
  const query = await createQueryService({
    ...infra,
    access,
    dashboardDir: DEFAULT_DASHBOARD_DIR,
    live,
    search,
    scorecardTemplate,
  });
  return {
    name: 'query',
    model: query.model,
    subscribe: () => query.subscribe(),
    stop: () => query.stop(),
    mount: (app) => {
      mountApiDocs(app);
      query.mount(app);
    },
  };
}
