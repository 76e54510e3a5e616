import { stopNativeStack } from './test-stack';

export default async function globalTeardown(): Promise<void> {
  const g = globalThis as { __speechStack?: { kind: 'native' | 'containers'; stop?: () => Promise<void> } };
  const stack = g.__speechStack;
  if (!stack) return;
  g.__speechStack = undefined;
  if (stack.kind === 'native') stopNativeStack();
  else await stack.stop?.();
}
