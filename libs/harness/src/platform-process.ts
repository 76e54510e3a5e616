import { ROOT } from './root';
import { freePort } from './free-port';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { signToken } from '@speech/platform';
import type { RecordingStatus, RecordingView } from '@speech/contracts';

export const FIXTURES = join(ROOT, 'test/fixtures');

/** The single-process platform as a user runs it: `tsx apps/standalone/src/main.ts`, as a child. */
export class PlatformProcess {
  readonly secret = randomBytes(24).toString('base64url');
  child: ChildProcess | null = null;
  url = '';
  /** The last 20 kB the process wrote, stdout and stderr (its pino logs, config errors included, go to stdout). */
  stderr = '';
  /** The Whisper engine the process supervises (null: another provider, or WHISPER_URL). */
  engineUrl: string | null = null;

  constructor(
    readonly dataDir = mkdtempSync(join(tmpdir(), 'speech-e2e-')),
    private readonly env: Record<string, string> = {},
  ) {}

  async start(): Promise<void> {
    // PORT in `env` fixes the address in advance (an identity provider must know the dashboard's).
    const port = this.env.PORT ? Number(this.env.PORT) : await freePort();
    // Each platform supervises its own Whisper engine: on a port of its own, so tests and
    // benchmarks running side by side do not share (or fight over) 8090.
    const whisperPort = await freePort();
    this.url = `http://127.0.0.1:${port}`;
    this.stderr = '';
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: this.dataDir,
      AUTH_JWT_SECRET: this.secret,
      LOG_LEVEL: 'warn',
      WHISPER_PORT: String(whisperPort),
      ...this.env,
    };
    // An empty value in `env` unsets the variable (AUTH_JWT_SECRET: '' runs with a generated secret).
    for (const [k, v] of Object.entries(this.env)) if (v === '') delete env[k];
    this.engineUrl =
      (env.STT_PROVIDER ?? 'whisper') === 'whisper' && !env.WHISPER_URL ? `http://127.0.0.1:${env.WHISPER_PORT}` : null;
    this.child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'apps/standalone/src/main.ts')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (d: Buffer) => (this.stderr = (this.stderr + d.toString()).slice(-20_000));
    this.child.stdout?.on('data', keep);
    this.child.stderr?.on('data', keep);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`platform exited (${this.child.exitCode}):\n${this.stderr}`);
      try {
        if ((await fetch(`${this.url}/healthz`)).ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`platform did not answer /healthz:\n${this.stderr}`);
      await sleep(200);
    }
  }

  /**
   * Waits until the supervised engine has loaded its model (its /readyz answers 200), so what is
   * measured next does not share the CPU with a model load. No engine: returns at once.
   */
  async engineReady(timeoutMs = 180_000): Promise<void> {
    if (!this.engineUrl) return;
    const deadline = Date.now() + timeoutMs;
    while (!(await fetch(`${this.engineUrl}/readyz`).catch(() => null))?.ok) {
      if (Date.now() > deadline)
        throw new Error(`the Whisper engine at ${this.engineUrl} was not ready:\n${this.stderr}`);
      await sleep(250);
    }
  }

  /**
   * Ends the process: SIGTERM (graceful) or SIGKILL (a crash). Resolves with how it ended: its exit
   * code, or the signal that ended it (SIGKILL also when a graceful stop took over 20 s).
   */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode) return { code: child?.exitCode ?? null, signal: null };
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((ok) =>
      child.once('exit', (code, sig) => ok({ code, signal: sig })),
    );
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    const how = await exited;
    clearTimeout(timer);
    return how;
  }

  async cleanup(): Promise<void> {
    await this.stop();
    rmSync(this.dataDir, { recursive: true, force: true });
  }

  /** An HS256 token for `sub`, valid for `expiresIn` (a jose time span: '1h', '7d'). */
  token(sub: string, secret = this.secret, expiresIn = '1h'): Promise<string> {
    return signToken(secret, sub, expiresIn);
  }
}

export class Api {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}`, ...extra } : extra;
  }

  async upload(file: string | { name: string; bytes: Buffer }, fields: Record<string, string> = {}): Promise<Response> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    const f = typeof file === 'string' ? { name: basename(file), bytes: readFileSync(file) } : file;
    form.append('file', new Blob([f.bytes]), f.name);
    return fetch(`${this.url}/upload`, { method: 'POST', headers: this.headers(), body: form });
  }

  post(path: string, body?: unknown): Promise<Response> {
    return fetch(`${this.url}${path}`, {
      method: 'POST',
      headers: this.headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  get(path: string): Promise<Response> {
    return fetch(`${this.url}${path}`, { headers: this.headers() });
  }

  async json<T>(path: string): Promise<T> {
    const res = await this.get(path);
    if (!res.ok) throw new Error(`GET ${path} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  }

  /** Waits for a status; fails at once on an unexpected `failed`. Bounded, never a speed assertion. */
  async waitFor(
    audioId: string,
    status: RecordingStatus,
    timeoutMs = 300_000,
    onView?: (v: RecordingView) => void,
  ): Promise<RecordingView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.json<RecordingView>(`/audios/${audioId}`);
      onView?.(view);
      if (view.status === status) return view;
      if (view.status === 'failed' && status !== 'failed')
        throw new Error(`recording failed: ${JSON.stringify(view.failure)}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${status}; last view ${JSON.stringify(view)}`);
      await sleep(250);
    }
  }
}

export async function errorOf(res: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await res.json()) as { error?: { code?: string; message?: string } };
  return { status: res.status, code: body.error?.code ?? '', message: body.error?.message ?? '' };
}
