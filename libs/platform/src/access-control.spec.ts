import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { accessControl, type AccessLimits } from './access-control';
import { signToken, TokenVerifier } from './auth';
import { createHttpApp, finishHttpApp } from './http';

const SECRET = 'access-control-spec-secret-0123456789';

/** A real server with one read, one write and one stream route under the given limits. */
async function serve(limits: AccessLimits): Promise<{ url: string; server: Server }> {
  const log = pino({ level: 'silent' });
  const app = createHttpApp({ log, service: 'spec' });
  const access = accessControl(new TokenVerifier({ jwtSecret: SECRET }), limits);
  app.get('/things', ...access.user, access.read, (_req, res) => void res.json({ ok: true }));
  app.post('/things', ...access.user, access.write, (_req, res) => void res.status(201).json({ ok: true }));
  app.get('/live', ...access.streamUser, access.stream, (_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    res.write(': open\n\n');
  });
  finishHttpApp(app, log);
  const server = await new Promise<Server>((ok) => {
    const s = app.listen(0, '127.0.0.1', () => ok(s));
  });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const LIMITS: AccessLimits = { writesPerMinute: 2, readsPerMinute: 4, authFailuresPerMinute: 3, streamsPerUser: 2 };

describe('access control: every authenticated route limited per user, failed sign-ins per address', () => {
  let url: string;
  let server: Server;
  let alice: string;
  let bob: string;

  beforeAll(async () => {
    ({ url, server } = await serve(LIMITS));
    alice = await signToken(SECRET, 'alice', '1h');
    bob = await signToken(SECRET, 'bob', '1h');
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  });

  const call = (method: string, path: string, token?: string) =>
    fetch(`${url}${path}`, { method, headers: token ? { Authorization: `Bearer ${token}` } : {} });

  it('gives reads a budget of their own, larger than writes, and answers the one over it with 429, Retry-After and a JSON reason', async () => {
    const writes = [];
    for (let i = 0; i < 3; i++) writes.push((await call('POST', '/things', alice)).status);
    expect(writes).toEqual([201, 201, 429]);
    const reads = [];
    for (let i = 0; i < 5; i++) reads.push(await call('GET', '/things', alice));
    expect(reads.map((r) => r.status)).toEqual([200, 200, 200, 200, 429]);
    const refused = reads[4] as Response;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toEqual({
      error: { code: 'HTTP.RATE_LIMITED', message: 'too many requests; retry later' },
    });
    // Another user's budget is untouched.
    expect((await call('GET', '/things', bob)).status).toBe(200);
  });

  it('caps the live-update streams one user holds, and frees a slot when a client goes', async () => {
    const open = [new AbortController(), new AbortController()];
    const first = await Promise.all(open.map((c) => fetch(`${url}/live?access_token=${bob}`, { signal: c.signal })));
    expect(first.map((r) => r.status)).toEqual([200, 200]);
    const third = await fetch(`${url}/live?access_token=${bob}`);
    expect(third.status).toBe(429);
    expect(third.headers.get('retry-after')).toBe('10');
    expect(((await third.json()) as { error: { code: string } }).error.code).toBe('HTTP.TOO_MANY_STREAMS');
    (open[0] as AbortController).abort();
    // The server sees the close a moment later; the slot is then free again.
    let again: Response | null = null;
    for (let i = 0; i < 50 && again?.status !== 200; i++) {
      again?.body?.cancel().catch(() => undefined);
      again = await fetch(`${url}/live?access_token=${bob}`, { signal: (open[0] = new AbortController()).signal });
      if (again.status !== 200) await new Promise((ok) => setTimeout(ok, 20));
    }
    expect(again?.status).toBe(200);
    open.forEach((c) => c.abort());
  });

  it('limits failed authentication per client address, and never holds back a client that signs in', async () => {
    const { url: fresh, server: s } = await serve(LIMITS);
    try {
      const statuses = [];
      for (let i = 0; i < 4; i++) {
        statuses.push((await fetch(`${fresh}/things`, { headers: { Authorization: 'Bearer not-a-token' } })).status);
      }
      expect(statuses).toEqual([401, 401, 401, 429]);
      const { url: other, server: s2 } = await serve(LIMITS);
      try {
        // Successful sign-ins do not count: four good reads in a row all pass.
        const good = [];
        for (let i = 0; i < 4; i++)
          good.push((await fetch(`${other}/things`, { headers: { Authorization: `Bearer ${alice}` } })).status);
        expect(good).toEqual([200, 200, 200, 200]);
      } finally {
        s2.closeAllConnections();
        await new Promise((ok) => s2.close(ok));
      }
    } finally {
      s.closeAllConnections();
      await new Promise((ok) => s.close(ok));
    }
  });
});
