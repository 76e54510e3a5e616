import { runService } from '@speech/runtime';
import { createQueryService, DEFAULT_DASHBOARD_DIR } from '@speech/query';

runService('query', async ({ bus, store, docs, log, access }) => {
  const query = await createQueryService({
    bus,
    store,
    docs,
    access: access(),
    log,
    dashboardDir: DEFAULT_DASHBOARD_DIR,
  });
  query.subscribe();
  return { mount: (app) => query.mount(app) };
});
