import { createSpeechToText } from '@speech/stt';
import { runService } from '@speech/runtime';
import { createSttWorker } from '@speech/stt-worker';

runService('stt-worker', async ({ bus, store, docs, log, cfg }) => {
  const worker = await createSttWorker({
    bus,
    store,
    docs,
    stt: createSpeechToText(cfg, { workDir: cfg.WORK_DIR }),
    log,
    config: { maxAttempts: cfg.STT_MAX_ATTEMPTS, concurrency: Math.max(1, cfg.STT_CONCURRENCY) },
  });
  worker.subscribe();
  return {};
});
