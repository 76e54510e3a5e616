import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { runCli } from './run-cli';

const MP3 = join(__dirname, '../../test/fixtures/sales-discovery.stereo.mp3');
const PART = 256 * 1024;

/** What a run printed, and its exit code. */
interface Run {
  code: number;
  out: string;
  err: string;
}

let cache: string;
beforeAll(() => {
  cache = mkdtempSync(join(tmpdir(), 'speech-cli-spec-'));
});
afterAll(() => rmSync(cache, { recursive: true, force: true }));

async function cli(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const out = new PassThrough();
  const err = new PassThrough();
  let o = '';
  let e = '';
  out.on('data', (d: Buffer) => (o += d.toString()));
  err.on('data', (d: Buffer) => (e += d.toString()));
  const code = await runCli(argv, {
    env: { TOKEN: 'tok', XDG_CACHE_HOME: cache, ...env },
    stdout: out,
    stderr: err,
    retryBaseMs: 1,
  });
  return { code, out: o, err: e };
}

function listen(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  return new Promise((ok) =>
    server.listen(0, '127.0.0.1', () => {
      const a = server.address();
      ok({ server, url: `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}` });
    }),
  );
}

const close = (server: Server) =>
  new Promise<void>((ok) => {
    server.closeAllConnections();
    server.close(() => ok());
  });

/** A port that was just free: nothing listens there. */
async function closedPort(): Promise<number> {
  const { server, url } = await listen(() => undefined);
  await close(server);
  return Number(new URL(url).port);
}

const body = (req: IncomingMessage) =>
  new Promise<Buffer>((ok) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => ok(Buffer.concat(parts)));
  });

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
};

/**
 * The platform's multipart protocol (POST /uploads, part URLs, PUT, complete), just enough for
 * the client; `partUrl` and `putStatus` let a test send the parts elsewhere or fail them.
 */
async function uploadServer(opts: { partUrl?: (base: string, n: number) => string; putStatus?: number } = {}) {
  const created: Record<string, unknown>[] = [];
  const parts = new Map<number, Buffer>();
  let completed: unknown = null;
  const { server, url } = await listen((req, res) => {
    void (async () => {
      const data = await body(req);
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      // Part URLs are pre-signed: no bearer token on them.
      if (!path.startsWith('/put/') && req.headers.authorization !== 'Bearer tok')
        return json(res, 401, { error: { code: 'unauthorized', message: 'bad token' } });
      if (req.method === 'POST' && path === '/uploads') {
        const b = JSON.parse(data.toString()) as { sizeBytes: number };
        created.push(b);
        return json(res, 201, {
          audioId: '00000000-0000-4000-8000-000000000001',
          partSizeBytes: PART,
          partCount: Math.ceil(b.sizeBytes / PART),
        });
      }
      const partReq = /^\/uploads\/[^/]+\/parts\/(\d+)$/.exec(path);
      if (req.method === 'GET' && partReq) {
        const n = Number(partReq[1]);
        return json(res, 200, {
          url: opts.partUrl?.(url, n) ?? `${url}/put/${n}?X-Amz-Signature=s3cret`,
          method: 'PUT',
        });
      }
      const put = /^\/put\/(\d+)$/.exec(path);
      if (req.method === 'PUT' && put) {
        if (opts.putStatus) return json(res, opts.putStatus, { error: { code: 'broken', message: 'disk full' } });
        parts.set(Number(put[1]), data);
        res.writeHead(200, { etag: `"e${put[1]}"` });
        return res.end();
      }
      if (req.method === 'POST' && /\/complete$/.test(path)) {
        completed = JSON.parse(data.toString());
        return json(res, 201, { audioId: '00000000-0000-4000-8000-000000000001', status: 'uploaded' });
      }
      return json(res, 404, { error: { code: 'not_found', message: path } });
    })();
  });
  return { server, url, created, parts, completed: () => completed };
}

describe('speech CLI: where it connects, and what it says when it cannot', () => {
  it('uploads a file in parts, declaring the type a browser would, and says where it sends it', async () => {
    const s = await uploadServer();
    try {
      const r = await cli(['upload', MP3, '--url', s.url, '--parallel', '2']);
      expect(r.code).toBe(0);
      expect(r.err).toContain(`to ${s.url} (from --url)`);
      expect(s.created[0]).toMatchObject({ filename: 'sales-discovery.stereo.mp3', contentType: 'audio/mpeg' });
      const sent = Buffer.concat([...s.parts].sort((a, b) => a[0] - b[0]).map(([, b]) => b));
      const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
      expect(sha(sent)).toBe(sha(readFileSync(MP3)));
      expect(s.completed()).toEqual({
        parts: [...s.parts.keys()].sort((a, b) => a - b).map((n) => ({ partNumber: n, etag: `e${n}` })),
      });
      expect(JSON.parse(r.out)).toEqual({ audioId: '00000000-0000-4000-8000-000000000001', status: 'uploaded' });
    } finally {
      await close(s.server);
    }
  });

  it('names the URL, the reason and the setting when nothing listens (from --url)', async () => {
    const port = await closedPort();
    const r = await cli(['upload', MP3, '--url', `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      `could not reach http://127.0.0.1:${port} (connection refused (ECONNREFUSED); POST /uploads)`,
    );
    expect(r.err).toContain(
      'Is the platform running there? Start it with `npm start` (it prints the address and a token), or set SPEECH_URL or pass --url to its address',
    );
    expect(r.err).toContain('(this one is from --url)');
    expect(r.err).not.toContain('fetch failed');
  });

  it('says the address came from SPEECH_URL, or is the default, when that is where it came from', async () => {
    const port = await closedPort();
    const fromEnv = await cli(['status', 'some-id'], { SPEECH_URL: `http://127.0.0.1:${port}/` });
    expect(fromEnv.err).toContain(
      `could not reach http://127.0.0.1:${port} (connection refused (ECONNREFUSED); GET /audios/some-id)`,
    );
    expect(fromEnv.err).toContain('(this one is from SPEECH_URL)');

    const usage = await cli(['--help']);
    expect(usage.code).toBe(0);
    expect(usage.out).toContain('--url, else SPEECH_URL, else http://localhost:8080');
  });

  it('tells a web server that is not the platform from the platform', async () => {
    const { server, url } = await listen((_req, res) => {
      res.writeHead(404, { 'content-type': 'text/html' });
      res.end('<html>Not Found</html>');
    });
    try {
      const r = await cli(['upload', MP3, '--url', url]);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`${url} answered POST /uploads with HTTP 404 text/html, not the speech-coach API`);
      expect(r.err).toContain('Set SPEECH_URL or pass --url');
    } finally {
      await close(server);
    }
  });

  it('gives up on a server that takes the connection and never answers, saying how long it waited', async () => {
    const sockets: Socket[] = [];
    const silent = createTcpServer((s) => sockets.push(s));
    await new Promise<void>((ok) => silent.listen(0, '127.0.0.1', () => ok()));
    const a = silent.address();
    const url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`;
    try {
      const r = await cli(['upload', MP3, '--url', url, '--timeout', '0.5']);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`could not reach ${url} (no answer within 0.5 s; POST /uploads)`);
    } finally {
      sockets.forEach((s) => s.destroy());
      await new Promise((ok) => silent.close(ok));
    }
  });

  it('says a refused token is the token, and an API error is the API', async () => {
    const s = await uploadServer();
    try {
      const bad = await cli(['upload', MP3, '--url', s.url, '--token', 'wrong']);
      expect(bad.code).toBe(1);
      expect(bad.err).toContain(`${s.url} refused the token (HTTP 401 unauthorized: bad token)`);
      expect(bad.err).toContain('set TOKEN');

      const missing = await cli(['status', 'nope', '--url', s.url]);
      expect(missing.code).toBe(1);
      expect(missing.err).toContain(`reading the recording at ${s.url} failed: HTTP 404 not_found`);
    } finally {
      await close(s.server);
    }
  });

  it('reports a part that keeps failing with its URL (without the signature) after its tries', async () => {
    const s = await uploadServer({ putStatus: 500 });
    try {
      const r = await cli(['upload', MP3, '--url', s.url, '--parallel', '1']);
      expect(r.code).toBe(1);
      expect(r.err).toContain(`part 1 failed 5 times; the last: ${s.url}/put/1 answered the part upload with HTTP 500`);
      expect(r.err).toContain('Run the same command again to resume');
      expect(r.err).not.toContain('s3cret');
    } finally {
      await close(s.server);
    }
  });

  it('names an unreachable part URL (an object store elsewhere) and why', async () => {
    const port = await closedPort();
    const s = await uploadServer({ partUrl: (_base, n) => `http://127.0.0.1:${port}/bucket/p${n}?sig=s3cret` });
    try {
      const r = await cli(['upload', MP3, '--url', s.url, '--parallel', '1']);
      expect(r.code).toBe(1);
      expect(r.err).toContain(
        `part 1 failed 5 times; the last: http://127.0.0.1:${port}/bucket/p1: connection refused (ECONNREFUSED)`,
      );
      expect(r.err).not.toContain('s3cret');
    } finally {
      await close(s.server);
    }
  });

  it('refuses bad settings before connecting, with exit code 2', async () => {
    const noScheme = await cli(['upload', MP3], { SPEECH_URL: 'localhost:8080' });
    expect(noScheme).toMatchObject({ code: 2 });
    expect(noScheme.err).toContain('SPEECH_URL is not an http(s) URL: "localhost:8080"');

    const noToken = await runCli(['upload', MP3], { env: {}, stdout: new PassThrough(), stderr: new PassThrough() });
    expect(noToken).toBe(2);

    const cases: [string[], string][] = [
      [['upload', 'no-such-file.mp3'], 'no such file: no-such-file.mp3'],
      [['upload', MP3, '--parallel', 'four'], '--parallel takes a whole number ≥ 1, not "four"'],
      [['upload', MP3, '--metadata', '{oops'], '--metadata is not JSON'],
      [['upload', MP3, '--bogus'], 'unknown option --bogus'],
      [['upload'], 'usage: speech upload FILE'],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv);
      expect(r.code).toBe(2);
      expect(r.err).toContain(message);
    }
  });
});
