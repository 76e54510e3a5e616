import type { ServiceDefinition, ServiceInfra } from '@speech/service-kit';
import type { SpeechToText } from '@speech/stt';
import { createSttWorker } from './stt-worker';

export interface SttWorkerSettings {
  STT_MAX_ATTEMPTS: number;
  STT_CONCURRENCY: number;
}

/** The stt-worker with the engine its composition root chose (STT_PROVIDER). */
export async function defineSttWorker(
  infra: ServiceInfra,
  stt: SpeechToText,
  settings: SttWorkerSettings,
): Promise<ServiceDefinition> {
  const worker = await createSttWorker({
    ...infra,
    stt,
    config: { maxAttempts: settings.STT_MAX_ATTEMPTS, concurrency: Math.max(1, settings.STT_CONCURRENCY) },
  });
  return {
    name: 'stt-worker',
    subscribe: () => {
      worker.subscribe();
      worker.start();
    },
    stop: () => worker.stop(),
  };
}
