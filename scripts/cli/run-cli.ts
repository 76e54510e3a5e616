import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import {
  ApiClient,
  apiMessage,
  CliError,
  networkReason,
  printable,
  putPart,
  type ApiAnswer,
  type Target,
} from './api-client';
import { detectContentType } from './content-type';

/**
 * `npm run speech -- upload FILE`: uploads a recording of any size through the resumable
 * multipart API, several parts at once, with a progress bar. Interrupted (Ctrl-C, crash,
 * network), it resumes from the parts the server already has when run again.
 */
export const USAGE = `usage: speech upload FILE [--url URL] [--token TOKEN] [--parallel N] [--limit-rate MB_PER_S] [--auto] [--metadata JSON] [--timeout SECONDS]
       speech status AUDIO_ID [--url URL] [--token TOKEN]
Where it connects: --url, else SPEECH_URL, else http://localhost:8080 (npm start's default).
Token: --token, else SPEECH_TOKEN or TOKEN (npm start prints one).
--timeout: how long a request may go without an answer (default 30 s, SPEECH_TIMEOUT).`;

export const DEFAULT_URL = 'http://localhost:8080';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** First wait between tries of a failed part (doubles each try). */
  retryBaseMs?: number;
}

interface Args {
  cmd: 'upload' | 'status';
  target: string;
  api: Target;
  parallel: number;
  /** Bytes per second over all parts (a shared link), or null for no limit. */
  limitRate: number | null;
  auto: boolean;
  metadata: Record<string, unknown> | undefined;
}

const FLAGS_WITH_VALUE = ['url', 'token', 'parallel', 'limit-rate', 'metadata', 'timeout'];

function parseArgs(argv: string[], env: NodeJS.ProcessEnv): Args {
  const positional: string[] = [];
  const opts = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    if (a === '--help' || a === '-h') throw new CliError(USAGE, 0);
    if (!a.startsWith('--')) {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq > 0 ? eq : undefined);
    if (FLAGS_WITH_VALUE.includes(name)) {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new CliError(`--${name} needs a value\n${USAGE}`, 2);
      opts.set(name, v);
    } else if (name === 'auto') flags.add(name);
    else throw new CliError(`unknown option ${a}\n${USAGE}`, 2);
  }
  const [cmd, target] = positional;
  if ((cmd !== 'upload' && cmd !== 'status') || !target || positional.length > 2) throw new CliError(USAGE, 2);

  const rawUrl = opts.get('url') ?? env.SPEECH_URL ?? DEFAULT_URL;
  const source: Target['source'] = opts.has('url') ? '--url' : env.SPEECH_URL ? 'SPEECH_URL' : 'the default';
  const url = URL.canParse(rawUrl) ? new URL(rawUrl) : null;
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new CliError(
      `${source === 'the default' ? 'the URL' : source} is not an http(s) URL: "${rawUrl}" (e.g. http://localhost:8080)`,
      2,
    );
  }
  const token = opts.get('token') ?? env.SPEECH_TOKEN ?? env.TOKEN ?? '';
  if (!token) throw new CliError('no token: pass --token or set TOKEN (npm start prints one: export TOKEN=…)', 2);

  const number = (name: string, fallback: number, ok: (n: number) => boolean, what: string) => {
    const raw = opts.get(name) ?? (name === 'timeout' ? env.SPEECH_TIMEOUT : undefined);
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!ok(n)) throw new CliError(`--${name} takes ${what}, not "${raw}"`, 2);
    return n;
  };
  const parallel = number('parallel', 4, (n) => Number.isInteger(n) && n >= 1, 'a whole number ≥ 1');
  const limit = number('limit-rate', 0, (n) => Number.isFinite(n) && n >= 0, 'MB per second (0: no limit)');
  const timeoutS = number('timeout', 30, (n) => Number.isFinite(n) && n > 0, 'seconds');
  let metadata: Record<string, unknown> | undefined;
  const rawMeta = opts.get('metadata');
  if (rawMeta !== undefined) {
    try {
      metadata = JSON.parse(rawMeta) as Record<string, unknown>;
    } catch (err) {
      throw new CliError(`--metadata is not JSON (${(err as Error).message}): ${rawMeta}`, 2);
    }
    if (!metadata || typeof metadata !== 'object' || Array.isArray(metadata))
      throw new CliError(`--metadata takes a JSON object, e.g. '{"competitors":["Stormvault"]}'`, 2);
  }
  return {
    cmd,
    target,
    api: { url: rawUrl.replace(/\/+$/, ''), source, token, timeoutMs: timeoutS * 1000 },
    parallel,
    limitRate: limit > 0 ? limit * 1e6 : null,
    auto: flags.has('auto'),
    metadata,
  };
}

function fail(what: string, r: ApiAnswer<unknown>, url: string): never {
  throw new CliError(`${what} at ${url} failed: HTTP ${r.status}${apiMessage(r.json) || ` ${JSON.stringify(r.json)}`}`);
}

/** Paces bytes to `bytesPerSec` over every caller: each waits for its turn on one shared clock. */
function rateLimiter(bytesPerSec: number): (n: number) => Promise<void> {
  let free = Date.now();
  return async (n) => {
    const now = Date.now();
    const at = Math.max(free, now);
    free = at + (n / bytesPerSec) * 1000;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
  };
}

const mib = (b: number) => (b / 1024 / 1024).toFixed(1);

function progressBar(done: number, total: number, startedAt: number, startBytes: number): string {
  const width = 30;
  const frac = total ? done / total : 1;
  const secs = (Date.now() - startedAt) / 1000;
  const rate = secs > 0 ? (done - startBytes) / secs : 0;
  const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
  return `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ${(frac * 100).toFixed(1)}% ${mib(done)}/${mib(total)} MB ${mib(rate)} MB/s ETA ${eta}s`;
}

async function upload(args: Args, io: CliIo): Promise<void> {
  const api = new ApiClient(args.api);
  const file = resolve(args.target);
  let st;
  try {
    st = statSync(file);
  } catch {
    throw new CliError(`no such file: ${args.target}`, 2);
  }
  if (!st.isFile()) throw new CliError(`not a file: ${args.target}`, 2);
  const contentType = detectContentType(file);
  const from =
    args.api.source === 'the default' ? 'the default; --url or SPEECH_URL changes it' : `from ${args.api.source}`;
  io.stderr.write(`uploading ${basename(file)} (${mib(st.size)} MB, ${contentType}) to ${args.api.url} (${from})\n`);

  // Where a resumable upload of this exact file is remembered between runs.
  const stateDir = join(io.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'speech-coach', 'uploads');
  const stateFile = join(
    stateDir,
    `${createHash('sha1').update(`${args.api.url}|${file}|${st.size}|${st.mtimeMs}`).digest('hex')}.json`,
  );
  let audioId: string | null = existsSync(stateFile)
    ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { audioId: string }).audioId
    : null;
  let partSize = 0;
  let partCount = 0;
  const have = new Map<number, string>();

  if (audioId) {
    const r = await api.call<{
      partSizeBytes: number;
      partCount: number;
      receivedParts: { partNumber: number; etag: string }[];
    }>('GET', `/uploads/${audioId}`);
    if (r.status === 200) {
      partSize = r.json.partSizeBytes;
      partCount = r.json.partCount;
      for (const p of r.json.receivedParts) have.set(p.partNumber, p.etag);
      io.stderr.write(`resuming upload ${audioId}: ${have.size}/${partCount} parts already stored\n`);
    } else {
      audioId = null; // completed, aborted or unknown: start again
    }
  }
  if (!audioId) {
    const r = await api.call<{ audioId: string; partSizeBytes: number; partCount: number }>('POST', '/uploads', {
      filename: basename(file),
      sizeBytes: st.size,
      contentType,
      metadata: args.metadata,
      autoTranscribe: args.auto || undefined,
      autoAnalyze: args.auto || undefined,
    });
    if (r.status !== 201) fail('creating the upload', r, args.api.url);
    ({ audioId, partSizeBytes: partSize, partCount } = r.json);
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(stateFile, JSON.stringify({ audioId, file }));
    io.stderr.write(`upload ${audioId}: ${partCount} parts of ${partSize / 1024 / 1024} MiB\n`);
  }
  const id = audioId;

  let sent = [...have.keys()].reduce((s, n) => s + Math.min(partSize, st.size - (n - 1) * partSize), 0);
  const startBytes = sent;
  const startedAt = Date.now();
  const tty = io.stderr.isTTY === true;
  let lastDraw = 0;
  const draw = (force = false) => {
    if (!force && Date.now() - lastDraw < 200) return;
    lastDraw = Date.now();
    const bar = progressBar(sent, st.size, startedAt, startBytes);
    io.stderr.write(tty ? `\r${bar}` : `${bar}\n`);
  };
  const pace = args.limitRate ? rateLimiter(args.limitRate) : undefined;
  const retryBaseMs = io.retryBaseMs ?? 500;
  const todo = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !have.has(n));
  let failed = false;
  const worker = async () => {
    for (let n = todo.shift(); n !== undefined && !failed; n = todo.shift()) {
      const start = (n - 1) * partSize;
      const end = Math.min(st.size, start + partSize) - 1;
      for (let attempt = 1; ; attempt++) {
        const target = await api.call<{ url: string }>('GET', `/uploads/${id}/parts/${n}`);
        if (target.status !== 200) fail(`getting the URL of part ${n}`, target, args.api.url);
        let partBytes = 0;
        try {
          const etag = await putPart({
            url: target.json.url,
            file,
            start,
            end,
            timeoutMs: args.api.timeoutMs,
            onBytes: (b) => {
              partBytes += b;
              sent += b;
              draw();
            },
            pace,
          });
          have.set(n, etag);
          break;
        } catch (err) {
          sent -= partBytes;
          if (attempt >= 5) {
            const why =
              err instanceof CliError
                ? err.message
                : `${printable(target.json.url)}: ${networkReason(err, args.api.timeoutMs)}`;
            throw new CliError(
              `part ${n} failed ${attempt} times; the last: ${why}. Run the same command again to resume.`,
            );
          }
          await new Promise((r) => setTimeout(r, retryBaseMs * 2 ** (attempt - 1)));
        }
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(args.parallel, todo.length || 1) }, worker));
  } catch (err) {
    failed = true; // the other workers take no new part
    throw err;
  }
  draw(true);
  const parts = [...have].sort((a, b) => a[0] - b[0]).map(([partNumber, etag]) => ({ partNumber, etag }));
  const done = await api.call<{ audioId: string; status: string }>('POST', `/uploads/${id}/complete`, { parts });
  if (done.status !== 201) fail('completing the upload', done, args.api.url);
  rmSync(stateFile, { force: true });
  io.stderr.write(`${tty ? '\n' : ''}uploaded ${basename(file)}\n`);
  io.stdout.write(`${JSON.stringify(done.json)}\n`);
}

async function status(args: Args, io: CliIo): Promise<void> {
  const r = await new ApiClient(args.api).call<unknown>('GET', `/audios/${encodeURIComponent(args.target)}`);
  if (r.status !== 200) fail('reading the recording', r, args.api.url);
  io.stdout.write(`${JSON.stringify(r.json, null, 2)}\n`);
}

/** Runs the CLI; resolves with its exit code (0 done, 1 failed, 2 usage). Never exits the process. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    const args = parseArgs(argv, io.env);
    await (args.cmd === 'upload' ? upload(args, io) : status(args, io));
    return 0;
  } catch (err) {
    if (err instanceof CliError) {
      (err.exitCode === 0 ? io.stdout : io.stderr).write(`${err.message}\n`);
      return err.exitCode;
    }
    io.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    return 1;
  }
}
