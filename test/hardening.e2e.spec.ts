import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT } from 'jose';
import { Api, errorOf, FIXTURES, PlatformProcess, ROOT } from '@speech/harness';
import { eventually } from '@speech/testing';

jest.setTimeout(10 * 60_000);

const SALES = join(FIXTURES, 'sales-discovery.stereo.mp3');
const MiB = 1024 * 1024;

/** Every file under dir (relative paths), for "nothing left behind" checks. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1));
}

/** A raw HTTP/1.1 exchange: what a careless or hostile client does that fetch() will not. */
function rawSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  return new Promise((ok, fail) => {
    const s = connect(Number(port), hostname, () => ok(s));
    s.once('error', fail);
  });
}

function readAll(s: Socket): Promise<string> {
  return new Promise((ok) => {
    let out = '';
    s.on('data', (d) => (out += d.toString()));
    s.on('close', () => ok(out));
  });
}

/** Every process below pid (engines, decoders), from /proc. */
function descendantsOf(pid: number): number[] {
  const out: number[] = [];
  const queue = [pid];
  while (queue.length) {
    const parent = queue.shift() as number;
    let listed = '';
    try {
      listed = execFileSync('ps', ['-o', 'pid=', '--ppid', String(parent)], { encoding: 'utf8' });
    } catch {
      // ps exits 1 when the process has no children
    }
    for (const line of listed.split('\n')) {
      const child = Number(line.trim());
      if (child) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** An MP3 of at least `bytes`, made of the fixture looped (real audio: the gateway probes it). */
function bigMp3(dir: string, bytes: number): string {
  const out = join(dir, `loop-${bytes}.mp3`);
  if (!existsSync(out)) {
    const loops = Math.ceil(bytes / statSync(SALES).size);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-stream_loop', String(loops), '-i', SALES, '-c', 'copy', out]);
  }
  return out;
}

describe('the single process at its edges (hostile and careless clients)', () => {
  const work = join(tmpdir(), `hardening-${process.pid}`);
  const platform = new PlatformProcess(undefined, {
    HTTP_IDLE_TIMEOUT_MS: '1500',
    HTTP_MAX_CONNECTIONS_PER_CLIENT: '40',
    AUTH_FAILURES_PER_MINUTE: '1000',
    SSE_STREAMS_PER_USER: '2',
    METRICS_TOKEN: 'metrics-token-for-the-test',
    PUBLIC_URL: 'http://speech.example.test:8080',
    AUTH_MAX_TOKEN_HOURS: '24',
  });
  let api: Api;

  beforeAll(async () => {
    mkdirSync(work, { recursive: true });
    await platform.start();
    api = new Api(platform.url, await platform.token('edge-user'));
  });
  afterAll(async () => {
    await platform.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  it('closes a request whose body stalls, and removes what it had written', async () => {
    const s = await rawSocket(platform.url);
    const closed = readAll(s);
    const boundary = 'x-boundary';
    s.write(
      `POST /upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${await platform.token('edge-user')}\r\n` +
        `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: 100000000\r\n\r\n` +
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.mp3"\r\n` +
        'Content-Type: audio/mpeg\r\n\r\n',
    );
    s.write(readFileSync(SALES).subarray(0, 64 * 1024)); // some audio, then nothing more
    await closed; // the server hangs up: no bytes for HTTP_IDLE_TIMEOUT_MS
    await eventually('temporary files removed', () => filesUnder(join(platform.dataDir, 'objects')).length === 0);
    expect(filesUnder(join(platform.dataDir, 'objects'))).toEqual([]);
  });

  it('caps the connections one client may hold open', async () => {
    const sockets: Socket[] = [];
    try {
      for (let i = 0; i < 40; i++) sockets.push(await rawSocket(platform.url));
      const extra = await rawSocket(platform.url);
      const answer = await readAll(extra);
      expect(answer).toMatch(/^HTTP\/1.1 429/);
      expect(answer).toContain('"code":"HTTP.TOO_MANY_CONNECTIONS"');
    } finally {
      for (const s of sockets) s.destroy();
    }
  });

  it('stores metadata keys that could be paths or operators only as a 400 naming the key, and keeps no file', async () => {
    for (const key of ['a.b', '$where']) {
      const res = await api.upload(SALES, { metadata: JSON.stringify({ ok: 1, nested: { [key]: 'x' } }) });
      const e = await errorOf(res);
      expect(e).toMatchObject({ status: 400, code: 'UPLOAD.BAD_METADATA' });
      expect(e.message).toContain(JSON.stringify(key));
    }
    const multipart = await api.post('/uploads', { filename: 'a.mp3', sizeBytes: 1000, metadata: { 'x.y': 1 } });
    expect(await errorOf(multipart)).toMatchObject({ status: 400, code: 'UPLOAD.BAD_METADATA' });
    await eventually('no object left', () => filesUnder(join(platform.dataDir, 'objects', 'audio')).length === 0);
  });

  it('answers a malformed percent-encoding in a path with a 4xx, not a 500', async () => {
    const res = await api.get('/audios/%ff%fe');
    expect([400, 404]).toContain(res.status);
    expect((await res.json()) as unknown).toMatchObject({ error: { code: expect.any(String) } });
  });

  it('records the media type the bytes show when the client names none (curl, a bare Blob, a script)', async () => {
    // Api.upload sends a Blob without a type: application/octet-stream, as curl -F does.
    const posted = await api.upload({ name: 'call-without-type', bytes: readFileSync(SALES) });
    expect(posted.status).toBe(201);
    const one = ((await posted.json()) as { audioId: string }).audioId;
    // The resumable upload with no contentType at all.
    const bytes = readFileSync(SALES);
    const created = await api.post('/uploads', { filename: 'resumed-without-type', sizeBytes: bytes.length });
    expect(created.status).toBe(201);
    const two = ((await created.json()) as { audioId: string }).audioId;
    const part = await api.json<{ url: string }>(`/uploads/${two}/parts/1`);
    const put = await fetch(part.url.replace('http://speech.example.test:8080', platform.url), {
      method: 'PUT',
      body: bytes,
    });
    expect(put.status).toBe(200);
    const etag = ((await put.json()) as { etag: string }).etag;
    expect((await api.post(`/uploads/${two}/complete`, { parts: [{ partNumber: 1, etag }] })).status).toBe(201);
    for (const audioId of [one, two]) {
      const view = await eventually(`${audioId} in the read model`, async () => {
        const res = await api.get(`/audios/${audioId}`);
        return res.status === 200 ? ((await res.json()) as { contentType: string }) : undefined;
      });
      expect(view.contentType).toBe('audio/mpeg');
    }
  });

  it('keeps a UTF-8 file name as it was sent', async () => {
    const res = await api.upload({ name: 'звонок-äöü.mp3', bytes: readFileSync(SALES) });
    expect(res.status).toBe(201);
    const { audioId } = (await res.json()) as { audioId: string };
    expect((await api.json<{ filename: string }>(`/audios/${audioId}`)).filename).toBe('звонок-äöü.mp3');
  });

  it('refuses a token without exp, and one that lives longer than AUTH_MAX_TOKEN_HOURS', async () => {
    const key = new TextEncoder().encode(platform.secret);
    const forever = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('edge-user').sign(key);
    const tooLong = await platform.token('edge-user', platform.secret, '30d');
    for (const token of [forever, tooLong]) {
      const res = await fetch(`${platform.url}/all`, { headers: { Authorization: `Bearer ${token}` } });
      expect(await errorOf(res)).toMatchObject({ status: 401, code: 'AUTH.UNAUTHORIZED' });
    }
  });

  it('caps live-update streams per user with a 429 and Retry-After', async () => {
    const token = await platform.token('stream-user');
    const streams = [new AbortController(), new AbortController()];
    try {
      for (const c of streams) {
        const res = await fetch(`${platform.url}/events?access_token=${token}`, { signal: c.signal });
        expect(res.status).toBe(200);
      }
      const third = await fetch(`${platform.url}/events?access_token=${token}`);
      expect(await errorOf(third)).toMatchObject({ status: 429, code: 'HTTP.TOO_MANY_STREAMS' });
      expect(third.headers.get('retry-after')).toBeTruthy();
    } finally {
      for (const c of streams) c.abort();
    }
  });

  it('builds signed part URLs from PUBLIC_URL, whatever Host or X-Forwarded-* a request carries', async () => {
    const created = await api.post('/uploads', { filename: 'a.mp3', sizeBytes: 1000 });
    const { audioId } = (await created.json()) as { audioId: string };
    const res = await fetch(`${platform.url}/uploads/${audioId}/parts/1`, {
      headers: {
        Authorization: `Bearer ${await platform.token('edge-user')}`,
        Host: 'evil.example',
        'X-Forwarded-Host': 'evil.example',
        'X-Forwarded-Proto': 'https',
      },
    });
    const { url } = (await res.json()) as { url: string };
    expect(url.startsWith(`http://speech.example.test:8080/uploads/${audioId}/parts/1/data?`)).toBe(true);
  });

  it('sends security headers with the dashboard and the API', async () => {
    for (const path of ['/', '/all']) {
      const res = await api.get(path);
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(res.headers.get('content-security-policy')).toContain("script-src 'self'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    }
  });

  it('serves /metrics only with METRICS_TOKEN', async () => {
    expect((await fetch(`${platform.url}/metrics`)).status).toBe(401);
    const res = await fetch(`${platform.url}/metrics`, {
      headers: { Authorization: 'Bearer metrics-token-for-the-test' },
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('process_uptime_seconds');
  });

  it('answers an oversized JSON body with its own 413, not a 500', async () => {
    const res = await api.post('/uploads', {
      filename: 'a.mp3',
      sizeBytes: 1000,
      metadata: { pad: 'x'.repeat(300_000) },
    });
    expect(await errorOf(res)).toMatchObject({ status: 413 });
  });

  describe('resumable uploads: a bad retry never spoils a good part', () => {
    it('keeps an accepted part when a retry of it fails its checks, lets the ETag follow the content, and records the sha256', async () => {
      const file = bigMp3(work, 9 * MiB);
      const bytes = readFileSync(file);
      const created = await api.post('/uploads', { filename: 'big.mp3', sizeBytes: bytes.length });
      const up = (await created.json()) as { audioId: string; partSizeBytes: number; partCount: number };
      expect(up.partCount).toBe(2);
      const partOf = (n: number) => bytes.subarray((n - 1) * up.partSizeBytes, n * up.partSizeBytes);
      const put = async (n: number, body: Buffer, md5?: string) => {
        const { url } = await api.json<{ url: string }>(`/uploads/${up.audioId}/parts/${n}`);
        // PUBLIC_URL names a host this machine cannot resolve: the same path, on the platform.
        return fetch(url.replace('http://speech.example.test:8080', platform.url), {
          method: 'PUT',
          body,
          headers: md5 ? { 'Content-MD5': md5 } : {},
        });
      };
      const md5 = (b: Buffer) => createHash('md5').update(b).digest('base64');
      const good = await put(1, partOf(1), md5(partOf(1)));
      expect(good.status).toBe(200);
      const etag = ((await good.json()) as { etag: string }).etag;

      // A retry whose bytes do not match its Content-MD5, and one that is short: both refused.
      const corrupt = Buffer.from(partOf(1));
      corrupt.fill(0, 1000, 5000);
      expect((await put(1, corrupt, md5(partOf(1)))).status).toBe(400);
      expect((await put(1, partOf(1).subarray(0, 1000))).status).toBe(400);
      const state = await api.json<{ receivedParts: { partNumber: number; etag: string }[] }>(`/uploads/${up.audioId}`);
      expect(state.receivedParts).toEqual([expect.objectContaining({ partNumber: 1, etag })]);

      // A different, valid part 1 replaces it, and its ETag follows: completing with the old one fails.
      const other = Buffer.from(partOf(1));
      other.fill(7, 2000, 3000);
      const replaced = await put(1, other);
      const newEtag = ((await replaced.json()) as { etag: string }).etag;
      expect(newEtag).not.toBe(etag);
      expect((await put(2, partOf(2))).status).toBe(200);
      const part2 = (
        await api.json<{ receivedParts: { partNumber: number; etag: string }[] }>(`/uploads/${up.audioId}`)
      ).receivedParts[1].etag;
      const stale = await api.post(`/uploads/${up.audioId}/complete`, {
        parts: [
          { partNumber: 1, etag },
          { partNumber: 2, etag: part2 },
        ],
      });
      expect((await errorOf(stale)).status).toBe(400);

      // The original bytes again, then complete: the stored file is exactly the original.
      await put(1, partOf(1), md5(partOf(1)));
      const final = (
        await api.json<{ receivedParts: { partNumber: number; etag: string }[] }>(`/uploads/${up.audioId}`)
      ).receivedParts;
      const done = await api.post(`/uploads/${up.audioId}/complete`, {
        parts: final.map((p) => ({ partNumber: p.partNumber, etag: p.etag })),
      });
      expect(done.status).toBe(201);
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      expect(((await done.json()) as { sha256: string }).sha256).toBe(sha256);
      const stored = readFileSync(join(platform.dataDir, 'objects', 'audio', up.audioId, 'source'));
      expect(createHash('sha256').update(stored).digest('hex')).toBe(sha256);
    });
  });
});

describe('the single process on a full disk', () => {
  const mount = join(tmpdir(), `full-disk-${process.pid}`);
  let platform: PlatformProcess;
  const root = process.getuid?.() === 0;

  beforeAll(async () => {
    if (!root) return;
    mkdirSync(mount, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m', 'tmpfs', mount]);
    platform = new PlatformProcess(join(mount, 'data'));
    await platform.start();
  });
  afterAll(async () => {
    if (!root) return;
    await platform.stop();
    execFileSync('umount', [mount]);
    rmSync(mount, { recursive: true, force: true });
  });

  it('answers 507 with a reason, removes the temporary file and keeps what was stored before', async () => {
    if (!root) {
      // A tmpfs mount needs root; CI and these machines run as root.
      process.stderr.write('[full-disk] skipped: mounting a small tmpfs needs root\n');
      return;
    }
    const api = new Api(platform.url, await platform.token('disk-user'));
    const first = await api.upload(SALES);
    expect(first.status).toBe(201);
    const { audioId } = (await first.json()) as { audioId: string };
    const big = bigMp3(tmpdir(), 30 * MiB); // larger than what is left on the 24 MB disk
    const res = await api.upload(big);
    const e = await errorOf(res);
    expect(e).toMatchObject({ status: 507, code: 'STORAGE.FULL' });
    expect(e.message).toMatch(/disk is full/);
    expect(filesUnder(join(platform.dataDir, 'objects', '.tmp'))).toEqual([]);
    expect((await api.json<{ filename: string }>(`/audios/${audioId}`)).filename).toBe('sales-discovery.stereo.mp3');
    expect((await api.get('/all')).status).toBe(200);
  });
});

describe('tokens and the start-up banner', () => {
  it('prints a short-lived token only where the process made its own secret, and npm run token mints another', async () => {
    const own = new PlatformProcess(undefined, { AUTH_JWT_SECRET: '', LOG_LEVEL: 'info' });
    const configured = new PlatformProcess();
    try {
      await own.start();
      await eventually('the banner', () => /API token: {2}export TOKEN=(\S+)/.test(own.stderr));
      const printed = /API token: {2}export TOKEN=(\S+)/.exec(own.stderr)![1];
      const claims = JSON.parse(Buffer.from(printed.split('.')[1], 'base64url').toString()) as {
        exp: number;
        iat: number;
      };
      expect(claims.exp - claims.iat).toBeLessThanOrEqual(12 * 3600);
      expect((await new Api(own.url, printed).get('/all')).status).toBe(200);

      const minted = execFileSync('npm', ['run', '--silent', 'token', '--', 'someone', '1h'], {
        cwd: ROOT,
        env: { ...process.env, DATA_DIR: own.dataDir, AUTH_JWT_SECRET: '' },
      })
        .toString()
        .trim();
      expect((await new Api(own.url, minted).get('/all')).status).toBe(200);

      await configured.start();
      await sleep(500);
      expect(configured.stderr).not.toContain('API token:');
    } finally {
      await own.cleanup();
      await configured.cleanup();
    }
  });

  it('limits failed authentication per client address', async () => {
    const p = new PlatformProcess(undefined, { AUTH_FAILURES_PER_MINUTE: '3' });
    try {
      await p.start();
      const bad = () => fetch(`${p.url}/all`, { headers: { Authorization: 'Bearer not-a-token' } });
      for (let i = 0; i < 3; i++) expect((await bad()).status).toBe(401);
      const refused = await bad();
      expect(await errorOf(refused)).toMatchObject({ status: 429, code: 'HTTP.RATE_LIMITED' });
      expect(refused.headers.get('retry-after')).toBeTruthy();
    } finally {
      await p.cleanup();
    }
  });
});

describe('a graceful stop', () => {
  it('exits 0 well inside the deadline while a transcription is in flight, leaving no engine behind', async () => {
    const p = new PlatformProcess();
    try {
      await p.start();
      const api = new Api(p.url, await p.token('stop-user'));
      const res = await api.upload(SALES, { autoTranscribe: 'true' });
      const { audioId } = (await res.json()) as { audioId: string };
      await api.waitFor(audioId, 'transcribing');
      const children = descendantsOf(p.child?.pid as number);
      const how = await p.stop('SIGTERM');
      expect(how).toEqual({ code: 0, signal: null }); // the deadline exits 1, a hang ends in SIGKILL
      await eventually('its engine and decoders gone', () => children.every((c) => !alive(c)), 5_000);
    } finally {
      await p.cleanup();
    }
  });
});
