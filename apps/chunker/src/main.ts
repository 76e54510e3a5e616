import { probeAudio, streamChunks } from '@speech/audio';
import { runService } from '@speech/runtime';
import { createChunker } from './chunker';

runService('chunker', async ({ bus, store, docs, log, cfg }) => {
  const chunker = await createChunker({
    bus,
    store,
    docs,
    log,
    probe: probeAudio,
    streamChunks: (location, o) => streamChunks(location, o),
    config: { minChunkMs: cfg.CHUNK_MIN_MS, maxChunkMs: cfg.CHUNK_MAX_MS },
  });
  chunker.subscribe();
  return {};
});
