import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Starts the six services as separate processes (the distributed mode without Docker),
 * each with its own PORT, and waits until each answers /readyz.
 */
export const ROOT = join(__dirname, '..');

export const SERVICES = ['query', 'upload-gateway', 'chunker', 'stt-worker', 'merger', 'analyzer'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface RunningServices {
  ports: Record<ServiceName, number>;
  gatewayUrl: string;
  pids: Record<ServiceName, number>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops one service (SIGKILL = a crash) and starts it again, for fault-tolerance tests. */
  restart(name: ServiceName, signal?: NodeJS.Signals): Promise<void>;
}

export async function startServices(opts: {
  env: Record<string, string>;
  basePort: number;
  gatewayPort?: number;
  logDir: string;
  readyTimeoutMs?: number;
}): Promise<RunningServices> {
  mkdirSync(opts.logDir, { recursive: true });
  const ports = Object.fromEntries(SERVICES.map((s, i) => [s, opts.basePort + i])) as Record<ServiceName, number>;
  if (opts.gatewayPort) ports['upload-gateway'] = opts.gatewayPort;
  const children = new Map<ServiceName, ChildProcess>();
  let stopping = false;
  const env = (name: ServiceName) => ({
    ...process.env,
    ...opts.env,
    PORT: String(ports[name]),
    QUERY_URL: `http://127.0.0.1:${ports.query}`,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  });

  const launch = (name: ServiceName) => {
    const log = createWriteStream(join(opts.logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, `apps/${name}/src/main.ts`)], {
      cwd: ROOT,
      env: env(name),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    children.set(name, child);
    return child;
  };

  const logTail = (name: ServiceName) => {
    const file = join(opts.logDir, `${name}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8').slice(-3000) : '(no log)';
  };

  const waitReady = async (name: ServiceName) => {
    const deadline = Date.now() + (opts.readyTimeoutMs ?? 120_000);
    while (!stopping) {
      const child = children.get(name);
      if (child?.exitCode !== null && child?.exitCode !== undefined) {
        throw new Error(`${name} exited with ${child.exitCode}:\n${logTail(name)}`);
      }
      try {
        if ((await fetch(`http://127.0.0.1:${ports[name]}/readyz`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`${name} not ready:\n${logTail(name)}`);
      await sleep(250);
    }
  };

  const stopOne = async (name: ServiceName, signal: NodeJS.Signals = 'SIGTERM') => {
    const child = children.get(name);
    if (!child || child.exitCode !== null || child.signalCode) return;
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };

  for (const name of SERVICES) launch(name);
  try {
    await Promise.all(SERVICES.map(waitReady));
  } catch (err) {
    stopping = true; // the other services' readiness loops end too
    await Promise.all(SERVICES.map((s) => stopOne(s, 'SIGKILL')));
    throw err;
  }
  return {
    ports,
    gatewayUrl: `http://127.0.0.1:${ports['upload-gateway']}`,
    get pids() {
      return Object.fromEntries(SERVICES.map((s) => [s, children.get(s)?.pid ?? 0])) as Record<ServiceName, number>;
    },
    stop: async (signal = 'SIGTERM') => {
      stopping = true;
      await Promise.all(SERVICES.map((s) => stopOne(s, signal)));
    },
    restart: async (name, signal = 'SIGKILL') => {
      await stopOne(name, signal);
      launch(name);
      await waitReady(name);
    },
  };
}
