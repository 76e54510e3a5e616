import { runService } from '@speech/runtime';
import { createFfmpegChunker } from '@speech/chunker';

runService('chunker', async ({ bus, store, docs, log, cfg }) => {
  const chunker = await createFfmpegChunker({ bus, store, docs, log }, cfg);
  chunker.subscribe();
  return {};
});
