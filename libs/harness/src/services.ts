import { ROOT } from './root';
import { freePort } from './free-port';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { WhisperEngineSupervisor, type WhisperModelName } from '@speech/stt';

/**
 * Starts the six services as separate processes (the distributed mode without Docker),
 * each with its own PORT, and waits until each answers /readyz. With STT_PROVIDER=whisper (the
 * default) and no WHISPER_URL, the Whisper engine runs as a seventh process (`whisper`, on
 * `whisperPort`), supervised here (restarted with backoff if it dies), and the stt-workers reach
 * it by WHISPER_URL, as they would reach its own Deployment.
 */

export const SERVICES = ['query', 'upload-gateway', 'chunker', 'stt-worker', 'merger', 'analyzer'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface RunningServices {
  /** Port of each instance: the service's name for its first instance, `<service>-2`… for more replicas. */
  ports: Record<string, number>;
  gatewayUrl: string;
  /** The Whisper engine these services use, when startServices runs it (else null: WHISPER_URL or another provider). */
  whisperUrl: string | null;
  pids: Record<string, number>;
  stop(signal?: NodeJS.Signals): Promise<void>;
  /** Stops one instance (SIGKILL = a crash) and starts it again, for fault-tolerance tests. */
  restart(name: string, signal?: NodeJS.Signals): Promise<void>;
}

/** The instances to run: one per service, or `replicas[service]` of it (`chunker`, `chunker-2`, …). */
export function instancesOf(
  replicas: Partial<Record<ServiceName, number>> = {},
): { name: string; service: ServiceName }[] {
  return SERVICES.flatMap((service) =>
    Array.from({ length: Math.max(1, replicas[service] ?? 1) }, (_, i) => ({
      name: i === 0 ? service : `${service}-${i + 1}`,
      service,
    })),
  );
}

/** `chunker=2,stt-worker=3` (the STACK_REPLICAS variable) → replicas per service. */
export function parseReplicas(spec: string | undefined): Partial<Record<ServiceName, number>> {
  const out: Partial<Record<ServiceName, number>> = {};
  for (const part of (spec ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [name, n] = part.split('=');
    if (!SERVICES.includes(name as ServiceName) || !(Number(n) >= 1))
      throw new Error(`bad replicas entry "${part}": expected <service>=<n>, service one of ${SERVICES.join(', ')}`);
    out[name as ServiceName] = Number(n);
  }
  return out;
}

/** The port of each instance: `basePort` upwards in order, the gateway on `gatewayPort` when given. */
export function portsOf(names: string[], basePort: number, gatewayPort?: number): Record<string, number> {
  const ports: Record<string, number> = Object.fromEntries(names.map((n, i) => [n, basePort + i]));
  if (gatewayPort) ports['upload-gateway'] = gatewayPort;
  return ports;
}

/** The entry point each instance runs (`node --import tsx <this>`). */
export const entryOf = (service: ServiceName) => join(ROOT, `apps/${service}/src/main.ts`);

export async function startServices(opts: {
  env: Record<string, string>;
  /** Ports from here upwards, in instance order (a fixed layout, for `npm run stack`). Unset: each instance, and the engine, gets a port the OS says is free, so runs side by side cannot collide. */
  basePort?: number;
  gatewayPort?: number;
  logDir: string;
  readyTimeoutMs?: number;
  replicas?: Partial<Record<ServiceName, number>>;
  /** Where the Whisper engine listens. Default: the port after the services'. */
  whisperPort?: number;
}): Promise<RunningServices> {
  mkdirSync(opts.logDir, { recursive: true });
  const instances = instancesOf(opts.replicas);
  const names = instances.map((i) => i.name);
  const serviceOf = new Map(instances.map((i) => [i.name, i.service]));
  const ports =
    opts.basePort !== undefined
      ? portsOf(names, opts.basePort, opts.gatewayPort)
      : Object.fromEntries(await Promise.all(names.map(async (n) => [n, await freePort()] as const)));
  if (opts.basePort === undefined && opts.gatewayPort) ports['upload-gateway'] = opts.gatewayPort;
  const children = new Map<string, ChildProcess>();
  let stopping = false;
  const setting = (key: string): string | undefined => opts.env[key] ?? process.env[key];
  let engine: WhisperEngineSupervisor | null = null;
  const engineEnv: Record<string, string> = {};
  if ((setting('STT_PROVIDER') ?? 'whisper') === 'whisper' && !setting('WHISPER_URL')) {
    const engineLog = createWriteStream(join(opts.logDir, 'whisper.log'), { flags: 'a' });
    const line = (level: string) => (obj: object, msg: string) =>
      engineLog.write(`${JSON.stringify({ level, time: Date.now(), ...obj, msg })}\n`);
    engine = new WhisperEngineSupervisor({
      port: opts.whisperPort ?? (opts.basePort !== undefined ? opts.basePort + instances.length : await freePort()),
      model: (setting('WHISPER_MODEL') ?? 'tiny.en') as WhisperModelName,
      modelDir: setting('WHISPER_MODEL_DIR'),
      threads: Number(setting('WHISPER_THREADS') ?? 1),
      concurrency: Number(setting('WHISPER_CONCURRENCY') ?? 1),
      log: { info: line('info'), warn: line('warn'), error: line('error'), debug: line('debug') },
    });
    engine.start();
    engineEnv.WHISPER_URL = engine.url;
  }
  const env = (name: string) => ({
    ...process.env,
    ...opts.env,
    ...engineEnv,
    PORT: String(ports[name]),
    QUERY_URL: `http://127.0.0.1:${ports.query}`,
    KAFKAJS_NO_PARTITIONER_WARNING: '1',
  });

  const launch = (name: string) => {
    const service = serviceOf.get(name);
    if (!service) throw new Error(`no such instance: ${name} (running: ${names.join(', ')})`);
    const log = createWriteStream(join(opts.logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(process.execPath, ['--import', 'tsx', entryOf(service)], {
      cwd: ROOT,
      env: env(name),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    children.set(name, child);
    return child;
  };

  const logTail = (name: string) => {
    const file = join(opts.logDir, `${name}.log`);
    return existsSync(file) ? readFileSync(file, 'utf8').slice(-3000) : '(no log)';
  };

  const waitReady = async (name: string) => {
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

  const stopOne = async (name: string, signal: NodeJS.Signals = 'SIGTERM') => {
    const child = children.get(name);
    if (!child || child.exitCode !== null || child.signalCode) return;
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    await exited;
    clearTimeout(timer);
  };

  for (const name of names) launch(name);
  try {
    await Promise.all([...names.map(waitReady), engine?.whenReady(opts.readyTimeoutMs ?? 300_000)]);
  } catch (err) {
    stopping = true; // the other services' readiness loops end too
    await Promise.all([...names.map((s) => stopOne(s, 'SIGKILL')), engine?.stop()]);
    throw err;
  }
  return {
    ports,
    gatewayUrl: `http://127.0.0.1:${ports['upload-gateway']}`,
    whisperUrl: engine?.url ?? null,
    get pids() {
      return {
        ...Object.fromEntries(names.map((s) => [s, children.get(s)?.pid ?? 0])),
        ...(engine ? { whisper: engine.pid ?? 0 } : {}),
      };
    },
    stop: async (signal = 'SIGTERM') => {
      stopping = true;
      await Promise.all(names.map((s) => stopOne(s, signal)));
      // After the stt-workers: none of them is waiting on it any more.
      await engine?.stop();
    },
    restart: async (name, signal = 'SIGKILL') => {
      await stopOne(name, signal);
      launch(name);
      await waitReady(name);
    },
  };
}
