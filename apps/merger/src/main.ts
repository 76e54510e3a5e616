import { runService } from '@speech/runtime';
import { createMerger } from '@speech/merger';

runService('merger', async ({ bus, store, docs, log }) => {
  (await createMerger({ bus, store, docs, log })).subscribe();
  return {};
});
