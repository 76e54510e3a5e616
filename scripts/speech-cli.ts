import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Transform } from 'node:stream';

/**
 * `npm run speech -- upload FILE`: uploads a recording of any size through the resumable
 * multipart API, several parts at once, with a progress bar. Interrupted (Ctrl-C, crash,
 * network), it resumes from the parts the server already has when run again.
 */
const USAGE = `usage: speech upload FILE [--url URL] [--token TOKEN] [--parallel N] [--limit-rate MB_PER_S] [--auto] [--metadata JSON]
       speech status AUDIO_ID [--url URL] [--token TOKEN]
Environment: SPEECH_URL (default http://localhost:8080), SPEECH_TOKEN or TOKEN.`;

interface Args {
  cmd: string;
  target: string;
  url: string;
  token: string;
  parallel: number;
  /** Bytes per second over all parts (a shared link), or null for no limit. */
  limitRate: number | null;
  auto: boolean;
  metadata: Record<string, unknown> | undefined;
}

function parseArgs(argv: string[]): Args {
  const [cmd, target, ...rest] = argv;
  const opt = (name: string) => {
    const i = rest.indexOf(`--${name}`);
    return i >= 0 ? rest[i + 1] : undefined;
  };
  if (!cmd || !target || !['upload', 'status'].includes(cmd)) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const token = opt('token') ?? process.env.SPEECH_TOKEN ?? process.env.TOKEN ?? '';
  if (!token) {
    process.stderr.write('no token: pass --token or set TOKEN (npm start prints one)\n');
    process.exit(2);
  }
  return {
    cmd,
    target,
    url: (opt('url') ?? process.env.SPEECH_URL ?? 'http://localhost:8080').replace(/\/$/, ''),
    token,
    parallel: Math.max(1, Number(opt('parallel') ?? 4)),
    limitRate: Number(opt('limit-rate')) > 0 ? Number(opt('limit-rate')) * 1e6 : null,
    auto: rest.includes('--auto'),
    metadata: opt('metadata') ? (JSON.parse(opt('metadata') ?? '{}') as Record<string, unknown>) : undefined,
  };
}

async function api<T>(args: Args, method: string, path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await fetch(`${args.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${args.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  const json = (text ? JSON.parse(text) : {}) as T;
  return { status: res.status, json };
}

function fail(what: string, r: { status: number; json: unknown }): never {
  const e = (r.json as { error?: { code?: string; message?: string } }).error;
  process.stderr.write(`\n${what} failed: HTTP ${r.status} ${e?.code ?? ''} ${e?.message ?? JSON.stringify(r.json)}\n`);
  process.exit(1);
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

/** PUTs one byte range of the file; S3 needs a Content-Length, so this is plain http(s). */
function putPart(
  url: string,
  file: string,
  start: number,
  end: number,
  onBytes: (n: number) => void,
  pace?: (n: number) => Promise<void>,
): Promise<string> {
  return new Promise((ok, ko) => {
    const u = new URL(url);
    const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
      u,
      { method: 'PUT', headers: { 'content-length': String(end - start + 1) } },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          if (res.statusCode && res.statusCode < 300) ok(String(res.headers.etag ?? '').replaceAll('"', ''));
          else ko(new Error(`part upload answered ${res.statusCode}: ${body.slice(0, 300)}`));
        });
      },
    );
    req.on('error', ko);
    const paced = new Transform({
      transform(chunk: Buffer, _enc, done) {
        (pace ? pace(chunk.length) : Promise.resolve()).then(() => {
          onBytes(chunk.length);
          done(null, chunk);
        }, done);
      },
    });
    const stream = createReadStream(file, { start, end });
    stream.on('error', ko);
    stream.pipe(paced).pipe(req);
  });
}

function progressBar(done: number, total: number, startedAt: number, startBytes: number): string {
  const width = 30;
  const frac = total ? done / total : 1;
  const secs = (Date.now() - startedAt) / 1000;
  const rate = secs > 0 ? (done - startBytes) / secs : 0;
  const eta = rate > 0 ? Math.round((total - done) / rate) : 0;
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  return `[${'#'.repeat(Math.round(frac * width)).padEnd(width, '.')}] ${(frac * 100).toFixed(1)}% ${mb(done)}/${mb(total)} MB ${mb(rate)} MB/s ETA ${eta}s`;
}

async function upload(args: Args): Promise<void> {
  const file = resolve(args.target);
  const st = statSync(file);
  // Where a resumable upload of this exact file is remembered between runs.
  const stateDir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'speech-coach', 'uploads');
  const stateFile = join(
    stateDir,
    `${createHash('sha1').update(`${args.url}|${file}|${st.size}|${st.mtimeMs}`).digest('hex')}.json`,
  );
  let audioId: string | null = existsSync(stateFile)
    ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { audioId: string }).audioId
    : null;
  let partSize = 0;
  let partCount = 0;
  const have = new Map<number, string>();

  if (audioId) {
    const r = await api<{
      partSizeBytes: number;
      partCount: number;
      receivedParts: { partNumber: number; etag: string }[];
    }>(args, 'GET', `/uploads/${audioId}`);
    if (r.status === 200) {
      partSize = r.json.partSizeBytes;
      partCount = r.json.partCount;
      for (const p of r.json.receivedParts) have.set(p.partNumber, p.etag);
      process.stderr.write(`resuming upload ${audioId}: ${have.size}/${partCount} parts already stored\n`);
    } else {
      audioId = null; // completed, aborted or unknown: start again
    }
  }
  if (!audioId) {
    const r = await api<{ audioId: string; partSizeBytes: number; partCount: number }>(args, 'POST', '/uploads', {
      filename: basename(file),
      sizeBytes: st.size,
      contentType: 'application/octet-stream',
      metadata: args.metadata,
      autoTranscribe: args.auto || undefined,
      autoAnalyze: args.auto || undefined,
    });
    if (r.status !== 201) fail('creating the upload', r);
    ({ audioId, partSizeBytes: partSize, partCount } = r.json);
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(stateFile, JSON.stringify({ audioId, file }));
    process.stderr.write(`upload ${audioId}: ${partCount} parts of ${partSize / 1024 / 1024} MiB\n`);
  }
  const id = audioId;

  let sent = [...have.keys()].reduce((s, n) => s + Math.min(partSize, st.size - (n - 1) * partSize), 0);
  const startBytes = sent;
  const startedAt = Date.now();
  const tty = process.stderr.isTTY;
  let lastDraw = 0;
  const draw = (force = false) => {
    if (!force && Date.now() - lastDraw < 200) return;
    lastDraw = Date.now();
    process.stderr.write(
      tty
        ? `\r${progressBar(sent, st.size, startedAt, startBytes)}`
        : `${progressBar(sent, st.size, startedAt, startBytes)}\n`,
    );
  };
  const pace = args.limitRate ? rateLimiter(args.limitRate) : undefined;
  const todo = Array.from({ length: partCount }, (_, i) => i + 1).filter((n) => !have.has(n));
  const worker = async () => {
    for (let n = todo.shift(); n !== undefined; n = todo.shift()) {
      const start = (n - 1) * partSize;
      const end = Math.min(st.size, start + partSize) - 1;
      for (let attempt = 1; ; attempt++) {
        const target = await api<{ url: string }>(args, 'GET', `/uploads/${id}/parts/${n}`);
        if (target.status !== 200) fail(`getting the URL of part ${n}`, target);
        let partBytes = 0;
        try {
          const etag = await putPart(
            target.json.url,
            file,
            start,
            end,
            (b) => {
              partBytes += b;
              sent += b;
              draw();
            },
            pace,
          );
          have.set(n, etag);
          break;
        } catch (err) {
          sent -= partBytes;
          if (attempt >= 5) throw err;
          await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(args.parallel, todo.length || 1) }, worker));
  draw(true);
  const parts = [...have].sort((a, b) => a[0] - b[0]).map(([partNumber, etag]) => ({ partNumber, etag }));
  const done = await api<{ audioId: string; status: string }>(args, 'POST', `/uploads/${id}/complete`, { parts });
  if (done.status !== 201) fail('completing the upload', done);
  rmSync(stateFile, { force: true });
  process.stderr.write(`\nuploaded ${basename(file)}\n`);
  process.stdout.write(`${JSON.stringify(done.json)}\n`);
}

async function status(args: Args): Promise<void> {
  const r = await api<unknown>(args, 'GET', `/audios/${args.target}`);
  if (r.status !== 200) fail('reading the recording', r);
  process.stdout.write(`${JSON.stringify(r.json, null, 2)}\n`);
}

const args = parseArgs(process.argv.slice(2));
(args.cmd === 'upload' ? upload(args) : status(args)).catch((err: unknown) => {
  process.stderr.write(`\n${(err as Error).message}\n`);
  process.exit(1);
});
