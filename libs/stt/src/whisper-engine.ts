/**
 * The Whisper engine process (engines/whisper/server.py) as a child of the single process: started
 * once, readiness (/readyz) awaited before work is sent, restarted with backoff when it dies, and
 * stopped on shutdown. The distributed stt-workers do not use this: they reach the engine's own
 * service by WHISPER_URL.
 *
 * No orphans: the engine gets a pipe as stdin and WHISPER_EXIT_WITH_STDIN=1, so it exits by itself
 * when this process dies without stopping it (SIGKILL, a crash): the kernel closes the pipe.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { SpeechToText, TranscribeInput, TranscribeResult } from './speech-to-text.port';
import { SttError } from './stt-error';

/** The repository root (this file is libs/stt/src/whisper-engine.ts). */
const ROOT = join(__dirname, '../../..');

export const WHISPER_MODELS = ['tiny.en', 'base'] as const;
export type WhisperModelName = (typeof WHISPER_MODELS)[number];

export interface WhisperEngineLayout {
  /** engines/whisper/server.py */
  server: string;
  /** The venv's python that scripts/setup/whisper.sh installs (it may not exist yet). */
  python: string;
  /** How to install it. */
  installCommand: string;
}

/**
 * Where scripts/setup/whisper.sh puts the venv: $SPEECH_CACHE_DIR (default
 * ~/.cache/speech-coach)/whisper/venv-<16 hex of sha256(requirements.txt + models.sha256)>.
 * Computed the same way here so that `npm start` finds what `scripts/setup.sh` installed.
 */
export function whisperEngineLayout(
  env: { SPEECH_CACHE_DIR?: string; XDG_CACHE_HOME?: string } = process.env,
  root = ROOT,
): WhisperEngineLayout {
  const engineDir = join(root, 'engines/whisper');
  const key = createHash('sha256')
    .update(readFileSync(join(engineDir, 'requirements.txt')))
    .update(readFileSync(join(engineDir, 'models.sha256')))
    .digest('hex')
    .slice(0, 16);
  const cache = env.SPEECH_CACHE_DIR ?? join(env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'speech-coach');
  return {
    server: join(engineDir, 'server.py'),
    python: join(cache, 'whisper', `venv-${key}`, 'bin', 'python'),
    installCommand: `bash ${join(root, 'scripts/setup/whisper.sh')}`,
  };
}

/** The part of a pino logger the supervisor uses. */
export interface EngineLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

export interface WhisperEngineOptions {
  python?: string;
  server?: string;
  host?: string;
  /** Default 8090. */
  port?: number;
  model?: WhisperModelName;
  modelDir?: string;
  threads?: number;
  concurrency?: number;
  log: EngineLog;
  /** First restart after this long, doubling up to `maxBackoffMs`. Default 1 s / 30 s. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A run that stayed up this long resets the backoff. Default 60 s. */
  stableAfterMs?: number;
  /** SIGTERM, then SIGKILL after this long. Default 10 s. */
  stopGraceMs?: number;
  /** Extra environment for the engine (tests). */
  env?: Record<string, string>;
}

export type EngineState = 'idle' | 'starting' | 'ready' | 'backoff' | 'stopped';

export class WhisperEngineSupervisor {
  readonly url: string;
  private child: ChildProcess | null = null;
  private state: EngineState = 'idle';
  private restarts = 0;
  private backoff: number;
  private startedAt = 0;
  private tail = '';
  private lastExit: string | null = null;
  private readyWaiters = new Set<() => void>();
  private stopping: Promise<void> | null = null;
  private restartTimer: NodeJS.Timeout | null = null;
  private readonly python: string;
  private readonly server: string;
  private readonly installHint: string;

  constructor(private readonly opts: WhisperEngineOptions) {
    const layout = opts.python && opts.server ? null : whisperEngineLayout();
    this.python = opts.python ?? (layout as WhisperEngineLayout).python;
    this.server = opts.server ?? (layout as WhisperEngineLayout).server;
    this.installHint = layout?.installCommand ?? 'scripts/setup/whisper.sh';
    this.url = `http://${opts.host ?? '127.0.0.1'}:${opts.port ?? 8090}`;
    this.backoff = opts.backoffMs ?? 1_000;
  }

  get status(): { state: EngineState; pid: number | null; restarts: number; lastExit: string | null } {
    return { state: this.state, pid: this.child?.pid ?? null, restarts: this.restarts, lastExit: this.lastExit };
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Spawns the engine; readiness is awaited separately (whenReady), so start-up is not blocked on the model load. */
  start(): void {
    if (this.state !== 'idle') return;
    if (!existsSync(this.python)) {
      throw new SttError(
        'STT.ENGINE_MISSING',
        `the Whisper engine is not installed (no ${this.python}); run ${this.installHint}`,
      );
    }
    this.spawnOnce();
  }

  private spawnOnce(): void {
    this.state = 'starting';
    this.startedAt = Date.now();
    const { port, hostname } = new URL(this.url);
    const child = spawn(this.python, [this.server, '--host', hostname, '--port', port], {
      env: {
        ...process.env,
        WHISPER_MODEL: this.opts.model ?? 'tiny.en',
        ...(this.opts.modelDir ? { WHISPER_MODEL_DIR: this.opts.modelDir } : {}),
        WHISPER_THREADS: String(this.opts.threads ?? 1),
        WHISPER_CONCURRENCY: String(this.opts.concurrency ?? 1),
        WHISPER_EXIT_WITH_STDIN: '1',
        PYTHONUNBUFFERED: '1',
        ...this.opts.env,
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    const onOutput = (d: Buffer) => {
      const text = d.toString('utf8');
      this.tail = (this.tail + text).slice(-4_000);
      for (const line of text.split('\n')) if (line.trim()) this.opts.log.debug({ engine: 'whisper' }, line.trim());
    };
    child.stdout?.on('data', onOutput);
    child.stderr?.on('data', onOutput);
    // Our end of its stdin must not keep this process alive, nor fail on EPIPE when it is gone.
    child.stdin?.on('error', () => undefined);
    child.on('error', (err) => {
      this.lastExit = `could not start: ${err.message}`;
      this.opts.log.error({ err }, 'whisper engine could not start');
    });
    child.on('exit', (code, signal) => this.onExit(child, code, signal));
    this.opts.log.info(
      { pid: child.pid, url: this.url, model: this.opts.model ?? 'tiny.en' },
      'whisper engine starting',
    );
    void this.pollReady(child);
  }

  private async pollReady(child: ChildProcess): Promise<void> {
    while (this.child === child && this.state === 'starting') {
      try {
        const res = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(2_000) });
        const body = res.ok ? ((await res.json()) as { pid?: number }) : null;
        // Another engine on the port (a leftover, another instance) must not pass for ours.
        if (body && body.pid !== undefined && body.pid !== child.pid) {
          this.tail = `${this.tail}\nport taken by another engine (pid ${body.pid})`.slice(-4_000);
        } else if (body && this.child === child && this.state === 'starting') {
          this.state = 'ready';
          this.opts.log.info({ pid: child.pid, ms: Date.now() - this.startedAt, ...body }, 'whisper engine ready');
          for (const w of this.readyWaiters) w();
          this.readyWaiters.clear();
          return;
        }
        if (!res.bodyUsed) await res.body?.cancel();
      } catch {
        // not listening yet
      }
      await delay(200);
    }
  }

  private onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = null;
    this.lastExit = `${signal ? `signal ${signal}` : `code ${code}`}${this.tail ? `: ${lastLines(this.tail)}` : ''}`;
    if (this.stopping || this.state === 'stopped') {
      this.state = 'stopped';
      return;
    }
    const upMs = Date.now() - this.startedAt;
    if (upMs >= (this.opts.stableAfterMs ?? 60_000)) this.backoff = this.opts.backoffMs ?? 1_000;
    const wait = this.backoff;
    this.backoff = Math.min(this.backoff * 2, this.opts.maxBackoffMs ?? 30_000);
    this.restarts++;
    this.state = 'backoff';
    this.opts.log.warn(
      { exit: this.lastExit, restartInMs: wait, restarts: this.restarts },
      'whisper engine died; restarting',
    );
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null;
      if (!this.stopping) this.spawnOnce();
    }, wait);
  }

  /**
   * Resolves once the engine answers /readyz; rejects (retriable) after `timeoutMs`, or when the
   * signal aborts or the supervisor stops.
   */
  async whenReady(timeoutMs = 120_000, signal?: AbortSignal): Promise<void> {
    if (this.state === 'ready') return;
    if (this.state === 'idle' || this.state === 'stopped') {
      throw new SttError('STT.ENGINE_FAILED', 'the speech engine is not running', { retriable: true });
    }
    await new Promise<void>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.readyWaiters.delete(done);
        resolve();
      };
      const fail = (err: Error) => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.readyWaiters.delete(done);
        reject(err);
      };
      const onAbort = () => fail(new SttError('STT.ABORTED', 'transcription was aborted', { cause: signal?.reason }));
      const timer = setTimeout(
        () =>
          fail(
            new SttError(
              'STT.ENGINE_FAILED',
              `the speech engine was not ready within ${Math.round(timeoutMs / 1000)} s${this.lastExit ? ` (it last exited with ${this.lastExit})` : ''}`,
              { retriable: true },
            ),
          ),
        timeoutMs,
      );
      this.readyWaiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Stops the engine: SIGTERM, SIGKILL after the grace period. Idempotent. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      if (this.restartTimer) clearTimeout(this.restartTimer);
      const child = this.child;
      this.state = 'stopped';
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), this.opts.stopGraceMs ?? 10_000);
      await exited;
      clearTimeout(timer);
      this.opts.log.info({ pid: child.pid }, 'whisper engine stopped');
    })();
    return this.stopping;
  }
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join(' | ').slice(0, 500);
}

/**
 * A SpeechToText that waits for the supervised engine to be ready before each request, so no
 * chunk is sent to an engine that is loading its model or restarting.
 */
export class SupervisedSpeechToText implements SpeechToText {
  readonly name: string;

  constructor(
    private readonly inner: SpeechToText,
    private readonly supervisor: Pick<WhisperEngineSupervisor, 'whenReady'>,
    private readonly readyTimeoutMs = 120_000,
  ) {
    this.name = inner.name;
  }

  async transcribe(input: TranscribeInput): Promise<TranscribeResult> {
    await this.supervisor.whenReady(this.readyTimeoutMs, input.signal);
    return this.inner.transcribe(input);
  }
}
