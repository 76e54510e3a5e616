import { dockerAvailable, startNativeStack, writeStackEnv } from './test-stack';
import { startContainers } from './containers';

/** Jest globalSetup of the integration and distributed e2e projects: start the test stack once. */
export default async function globalSetup(): Promise<void> {
  const g = globalThis as { __speechStack?: { kind: 'native' | 'containers'; stop?: () => Promise<void> } };
  if (g.__speechStack) return; // already started for another project of this run
  if (dockerAvailable()) {
    const { env, containers } = await startContainers();
    writeStackEnv(env);
    g.__speechStack = {
      kind: 'containers',
      stop: async () => void (await Promise.all(containers.map((c) => c.stop()))),
    };
  } else {
    startNativeStack();
    g.__speechStack = { kind: 'native' };
  }
}
