import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = join(__dirname, '../..');
/**
 * `node --import tsx script.ts`: the script runs in this very child (the `tsx` command would start
 * it as a grandchild), so its pid, memory and CPU time are the script's own.
 */
export const TSX_ARGS = ['--import', 'tsx'];

/** Every child the suite starts, so an interrupted run can stop exactly those (by PID). */
const live = new Set<ChildProcess>();

export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once('exit', () => live.delete(child));
  return child;
}

export function killAllTracked(signal: NodeJS.Signals = 'SIGKILL'): void {
  for (const c of live) {
    if (c.exitCode === null && c.signalCode === null) c.kill(signal);
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  pid: number;
}

/**
 * Runs a command to completion; resolves with its output and wall time (rejects only when it
 * cannot be started, or on a non-zero exit when `check` is set).
 */
export function run(
  cmd: string,
  args: string[],
  opts: SpawnOptions & {
    check?: boolean;
    keepStdout?: boolean;
    onSpawn?: (pid: number) => void;
    timeoutMs?: number;
  } = {},
): Promise<RunResult> {
  const { check = true, keepStdout = true, onSpawn, timeoutMs, ...spawnOpts } = opts;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = track(spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...spawnOpts }));
    const out: Buffer[] = [];
    let err = '';
    child.stdout?.on('data', (d: Buffer) => {
      if (keepStdout) out.push(d);
    });
    child.stderr?.on('data', (d: Buffer) => (err = (err + d.toString()).slice(-20_000)));
    if (child.pid) onSpawn?.(child.pid);
    const timer = timeoutMs ? setTimeout(() => child.kill('SIGKILL'), timeoutMs) : null;
    child.once('error', (e) => {
      if (timer) clearTimeout(timer);
      reject(e);
    });
    child.once('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const ms = performance.now() - t0;
      const res = { code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: err, ms, pid: child.pid ?? 0 };
      if (check && code !== 0)
        reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}:\n${err.slice(-3000)}`));
      else resolve(res);
    });
  });
}

/** `ffmpeg -nostdin -y -v error ARGS…`: never reads the terminal; overwrites a stale tmp output of an interrupted run. */
export function ffmpeg(args: string[]): Promise<RunResult> {
  return run('ffmpeg', ['-nostdin', '-y', '-v', 'error', ...args]);
}

/** Runs `node --import tsx <script> args…` (a bench driver) from the repo root. */
export function runTs(script: string, args: string[], opts: Parameters<typeof run>[2] = {}): Promise<RunResult> {
  return run(process.execPath, [...TSX_ARGS, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: 'production' },
    ...opts,
  });
}

/**
 * A pool of `concurrency` workers over `items`, in order; returns each item's result and the
 * pool's wall time.
 */
export async function pool<T, R>(
  items: T[],
  concurrency: number,
  work: (item: T, i: number) => Promise<R>,
): Promise<{ results: R[]; ms: number }> {
  const results = new Array<R>(items.length);
  let next = 0;
  const t0 = performance.now();
  const worker = async () => {
    for (;;) {
      const i = next++;
      if (i >= items.length) return;
      results[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
  return { results, ms: performance.now() - t0 };
}
