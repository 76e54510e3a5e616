/**
 * The real Whisper engine (engines/whisper/server.py in the venv scripts/setup/whisper.sh installs,
 * idempotently and cached), supervised as the single process does it, spoken to through the
 * platform's own adapter. No timing assertions: waits are bounds.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OpenAiTranscriptionSpeechToText } from './openai-transcription.adapter';
import { SttError } from './stt-error';
import { spokenWordErrorRate } from './wer';
import { SupervisedSpeechToText, WhisperEngineSupervisor } from './whisper-engine';

jest.setTimeout(600_000);

const ROOT = join(__dirname, '../../..');
const FIXTURES = join(ROOT, 'test/fixtures');
const TINY_SHA = (readFileSync(join(ROOT, 'engines/whisper/models.sha256'), 'utf8').match(
  /^([0-9a-f]{64}) +tiny\.en\//m,
) ?? [])[1];
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

let dir: string;
let python: string;
let agentWav: string;

function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => ok(typeof a === 'object' && a ? a.port : 0));
    });
    s.once('error', fail);
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil(what: string, cond: () => boolean | Promise<boolean>, boundMs = 60_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`not within ${boundMs} ms: ${what}`);
    await sleep(100);
  }
}

/** The agent's lines (`A|…`) of a dialogue file. */
function agentLines(name: string): string {
  return readFileSync(join(FIXTURES, `${name}.txt`), 'utf8')
    .split('\n')
    .filter((l) => l.startsWith('A|'))
    .map((l) => l.slice(2))
    .join(' ');
}

beforeAll(() => {
  // Installs on a fresh machine (about 2 minutes), a no-op after that.
  python = execFileSync('bash', [join(ROOT, 'scripts/setup/whisper.sh'), '--print-python', '--quiet'], {
    encoding: 'utf8',
  }).trim();
  dir = mkdtempSync(join(tmpdir(), 'whisper-int-'));
  agentWav = join(dir, 'sales-agent.wav');
  execFileSync('ffmpeg', [
    ...['-v', 'error', '-y', '-i', join(FIXTURES, 'sales-discovery.stereo.mp3')],
    ...['-af', 'pan=mono|c0=c0', '-ar', '16000', '-c:a', 'pcm_s16le', '-fflags', '+bitexact', '-map_metadata', '-1'],
    agentWav,
  ]);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the Whisper engine, supervised', () => {
  let engine: WhisperEngineSupervisor;
  let stt: SupervisedSpeechToText;

  beforeAll(async () => {
    const port = await freePort();
    engine = new WhisperEngineSupervisor({ python, port, log: quiet, backoffMs: 200 });
    engine.start();
    const adapter = new OpenAiTranscriptionSpeechToText({
      name: 'whisper',
      target: { kind: 'openai', baseUrl: `${engine.url}/v1`, apiKey: 'local' },
      model: 'tiny.en',
      retry: { maxAttempts: 1 },
    });
    stt = new SupervisedSpeechToText(adapter, engine, 300_000);
  });

  afterAll(() => engine.stop());

  it('is up at once and ready once the model is loaded', async () => {
    await waitUntil(
      '/healthz answers',
      async () => (await fetch(`${engine.url}/healthz`).catch(() => null))?.ok === true,
    );
    await engine.whenReady(300_000);
    const ready = await fetch(`${engine.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ model: 'tiny.en', model_sha256: TINY_SHA });
  });

  it('transcribes a channel with word times and records the model and its hash', async () => {
    const r = await stt.transcribe({ wavPath: agentWav, language: 'en-US' });
    expect(r.engine).toBe(`faster-whisper/tiny.en@sha256:${TINY_SHA}`);
    const wer = spokenWordErrorRate(agentLines('sales-discovery'), r.words.map((w) => w.text).join(' '));
    process.stdout.write(`whisper tiny.en, sales-discovery agent channel: WER ${(wer.wer * 100).toFixed(1)} %\n`);
    expect(wer.wer).toBeLessThanOrEqual(0.12);
    for (let i = 1; i < r.words.length; i++)
      expect(r.words[i]!.startMs).toBeGreaterThanOrEqual(r.words[i - 1]!.startMs);
    expect(r.words.every((w) => w.endMs >= w.startMs && w.confidence > 0 && w.confidence <= 1)).toBe(true);
    expect(r.words.some((w) => w.confidence < 1)).toBe(true); // per-word probabilities, not a constant
  });

  it('answers 400 with a JSON error for audio it cannot decode, which the adapter reports as bad audio', async () => {
    const form = new FormData();
    form.append('file', new Blob([Buffer.from('this is not audio at all')]), 'x.wav');
    form.append('response_format', 'verbose_json');
    const res = await fetch(`${engine.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: { code: 'invalid_audio', message: expect.stringMatching(/decode/) } });

    const bad = join(dir, 'bad.wav');
    writeFileSync(bad, Buffer.from('RIFF....WAVEfmt garbage'));
    await expect(stt.transcribe({ wavPath: bad })).rejects.toMatchObject({ code: 'STT.BAD_AUDIO', retriable: false });
  });

  it('refuses another language on the English-only model, as unsupported and not retriable', async () => {
    await expect(stt.transcribe({ wavPath: agentWav, language: 'de-DE' })).rejects.toMatchObject({
      code: 'STT.UNSUPPORTED_LANGUAGE',
      retriable: false,
    });
  });

  it('restarts the engine after it dies, and work waits for the new one to be ready', async () => {
    const first = engine.pid as number;
    process.kill(first, 'SIGKILL');
    await waitUntil('a new engine process', () => engine.pid !== null && engine.pid !== first);
    expect(engine.status.restarts).toBeGreaterThanOrEqual(1);
    const r = await stt.transcribe({ wavPath: agentWav });
    expect(r.words.length).toBeGreaterThan(50);
    expect(alive(first)).toBe(false);
  });

  it('leaves no engine process behind after stop', async () => {
    const pid = engine.pid as number;
    await engine.stop();
    expect(alive(pid)).toBe(false);
    expect(engine.status.state).toBe('stopped');
    await expect(engine.whenReady(1_000)).rejects.toBeInstanceOf(SttError);
  });
});

describe('the Whisper engine, unsupervised', () => {
  it('answers a request beyond its bound with 503 and Retry-After', async () => {
    const port = await freePort();
    const engine = new WhisperEngineSupervisor({ python, port, log: quiet, env: { WHISPER_QUEUE: '0' } });
    engine.start();
    try {
      await engine.whenReady(300_000);
      const post = () => {
        const form = new FormData();
        form.append('file', new Blob([readFileSync(agentWav)]), 'a.wav');
        return fetch(`${engine.url}/v1/audio/transcriptions`, { method: 'POST', body: form });
      };
      const [a, b] = await Promise.all([post(), post()]);
      const statuses = [a.status, b.status].sort();
      expect(statuses).toEqual([200, 503]);
      const busy = a.status === 503 ? a : b;
      expect(Number(busy.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await busy.json()).toMatchObject({ error: { code: 'ENGINE_BUSY' } });
    } finally {
      await engine.stop();
    }
  });

  it('exits by itself when the process that supervises it is killed (no orphan)', async () => {
    const port = await freePort();
    const script = join(dir, 'supervise.ts');
    writeFileSync(
      script,
      `import { WhisperEngineSupervisor } from ${JSON.stringify(join(__dirname, 'whisper-engine'))};\n` +
        `const e = new WhisperEngineSupervisor({ python: ${JSON.stringify(python)}, port: ${port}, log: { info() {}, warn() {}, error() {}, debug() {} } });\n` +
        `e.start(); setInterval(() => { if (e.pid) process.stdout.write(e.pid + '\\n'); }, 200);\n`,
    );
    const parent = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    let enginePid = 0;
    parent.stdout.on('data', (d: Buffer) => (enginePid ||= Number(d.toString().split('\n')[0])));
    try {
      await waitUntil('the engine started', () => enginePid > 0 && alive(enginePid), 120_000);
      parent.kill('SIGKILL');
      await waitUntil('the engine exited with its supervisor', () => !alive(enginePid), 30_000);
      expect(alive(enginePid)).toBe(false);
    } finally {
      if (parent.exitCode === null) parent.kill('SIGKILL');
      if (enginePid && alive(enginePid)) process.kill(enginePid, 'SIGKILL');
    }
  });
});
