import { runService } from '@speech/runtime';
import { startSpeechToText } from '@speech/stt';
import { defineSttWorker } from '@speech/stt-worker';

// STT_PROVIDER=whisper without WHISPER_URL: this worker runs and supervises its own engine.
runService('stt-worker', async ({ infra, cfg, log }) => {
  const speech = startSpeechToText(cfg, { workDir: cfg.WORK_DIR, log: log.child({ component: 'whisper-engine' }) });
  const worker = await defineSttWorker(infra, speech.stt, cfg);
  return { ...worker, stop: () => speech.stop() };
});
