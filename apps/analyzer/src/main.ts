import { createAnalyst } from '@speech/llm-analyst';
import { runService } from '@speech/runtime';
import { createAnalyzer } from './analyzer';

runService('analyzer', async ({ bus, store, docs, log, cfg }) => {
  const analyzer = await createAnalyzer({
    bus,
    store,
    docs,
    analyst: createAnalyst(cfg, { logger: log }),
    log,
    config: { maxAttempts: cfg.ANALYSIS_MAX_ATTEMPTS },
  });
  analyzer.subscribe();
  return {};
});
