import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { NextFunction, Request, RequestHandler, Response, Express } from 'express';
import express from 'express';
import helmet from 'helmet';
import { describeError, type DescribedError } from '@speech/kernel';
import type { Lifecycle } from './lifecycle';
import type { Logger } from './logger';

/** An error that carries its own HTTP status: raised only at the HTTP edge. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/**
 * A JSON request body that must be an object holding only the allowed fields: the object, or
 * the 400 that `bad` makes, saying what was expected or which fields are unknown.
 */
export function jsonObjectOf(
  body: unknown,
  allowed: readonly string[],
  bad: (message: string) => HttpError,
  expected = 'expected a JSON object',
): Record<string, unknown> {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad(expected);
  const input = body as Record<string, unknown>;
  const unknown = Object.keys(input).filter((k) => !allowed.includes(k));
  if (unknown.length) throw bad(`unknown fields: ${unknown.join(', ')} (allowed: ${allowed.join(', ')})`);
  return input;
}

/**
 * Errors → HTTP status, mapped once at the edge (docs/ARCHITECTURE.md, "Errors"): an input
 * error by what its code says was wrong; then by kind, an engine's failure is 502 and the
 * infrastructure's 503 (507 for a full disk); a bug (no code) stays 500.
 */
const STATUS_BY_SUFFIX: [RegExp, number][] = [
  [/NOT_FOUND$/, 404],
  [/CONFLICT$|NOT_ALLOWED$|INVALID_STATE$/, 409],
  [/UNAUTHORIZED$/, 401],
  [/FORBIDDEN$/, 403],
  [/TOO_LARGE$/, 413],
  [/UNSUPPORTED_MEDIA$|NOT_AUDIO$/, 415],
  [/EMPTY$|UNPROCESSABLE$/, 422],
  [/BAD_REQUEST$|INVALID$|BAD_KEY$|BAD_DIGEST$|BAD_METADATA$/, 400],
  [/UNAVAILABLE$/, 503],
  [/FULL$/, 507],
];

export function httpStatusFor(e: Pick<DescribedError, 'code' | 'kind'>): number {
  for (const [re, status] of STATUS_BY_SUFFIX) if (re.test(e.code)) return status;
  if (e.code === 'INTERNAL') return 500;
  if (e.kind === 'engine') return 502;
  if (e.kind === 'infrastructure') return 503;
  return 400;
}

export function sendError(res: Response, status: number, code: string, message: string): void {
  if (!res.headersSent) res.status(status).json({ error: { code, message } });
}

/**
 * The middleware before a write route's handler: authenticated, then rate-limited; `writeJson`
 * then parses a JSON body. Spread into the route: `app.post(path, ...writeJson, route(...))`.
 */
export function writeChains(mw: { auth: RequestHandler[]; limiter: RequestHandler; json: RequestHandler }): {
  write: RequestHandler[];
  writeJson: RequestHandler[];
} {
  const write = [...mw.auth, mw.limiter];
  return { write, writeJson: [...write, mw.json] };
}

/** Wraps an async route so a rejection reaches the error middleware. */
export function route(fn: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
}

/** A caller's own data as JSON: kept by no shared cache, and asked for again each time by the browser. */
export function sendPrivate(res: Response, body: unknown): void {
  res.setHeader('Cache-Control', 'private, no-cache');
  res.json(body);
}

export interface HealthCheck {
  name: string;
  check: () => Promise<void>;
}

/**
 * The HTTP base of every service: JSON errors, /healthz (process alive), /readyz (its
 * dependencies answer) and /metrics (Prometheus text format).
 */
export function createHttpApp(opts: {
  log: Logger;
  service: string;
  checks?: HealthCheck[];
  /** /metrics answers only to `Authorization: Bearer <metricsToken>`; without one it is off. */
  metricsToken?: string;
  /** Origins the dashboard may call besides its own (the identity provider's token endpoint). */
  connectSrc?: string[];
}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(securityHeaders(opts.connectSrc ?? []));
  const counters = new Map<string, number>();
  const startedAt = Date.now();

  app.use((req, res, next) => {
    res.on('finish', () => {
      const k = `${req.method} ${res.statusCode}`;
      counters.set(k, (counters.get(k) ?? 0) + 1);
    });
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', service: opts.service });
  });
  app.get(
    '/readyz',
    route(async (_req, res) => {
      const results = await Promise.all(
        (opts.checks ?? []).map(async (c) => {
          try {
            await c.check();
            return { name: c.name, ok: true };
          } catch (err) {
            return { name: c.name, ok: false, error: (err as Error).message };
          }
        }),
      );
      res.status(results.every((r) => r.ok) ? 200 : 503).json({ service: opts.service, checks: results });
    }),
  );
  app.get('/metrics', (req, res) => {
    if (!opts.metricsToken) {
      sendError(res, 404, 'HTTP.NOT_FOUND', 'metrics are off: set METRICS_TOKEN and scrape with that bearer token');
      return;
    }
    if (req.headers.authorization !== `Bearer ${opts.metricsToken}`) {
      res.set('WWW-Authenticate', 'Bearer');
      sendError(res, 401, 'AUTH.UNAUTHORIZED', 'metrics need the METRICS_TOKEN bearer token');
      return;
    }
    const lines = [
      '# TYPE process_uptime_seconds gauge',
      `process_uptime_seconds{service="${opts.service}"} ${(Date.now() - startedAt) / 1000}`,
      '# TYPE process_resident_memory_bytes gauge',
      `process_resident_memory_bytes{service="${opts.service}"} ${process.memoryUsage().rss}`,
      '# TYPE http_responses_total counter',
      ...[...counters].map(([k, v]) => {
        const [method, status] = k.split(' ');
        return `http_responses_total{service="${opts.service}",method="${method}",status="${status}"} ${v}`;
      }),
    ];
    res.type('text/plain; version=0.0.4').send(lines.join('\n') + '\n');
  });
  return app;
}

/** The last middlewares: 404 for unknown routes, then errors as JSON. */
export function finishHttpApp(app: Express, log: Logger): void {
  app.use((req: Request, res: Response) => {
    sendError(res, 404, 'HTTP.NOT_FOUND', `no route for ${req.method} ${req.path}`);
  });
  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    void _next;
    if (err instanceof HttpError) {
      res.set(err.headers);
      return sendError(res, err.status, err.code, err.message);
    }
    const e = err as { type?: string; status?: unknown; statusCode?: unknown; expose?: unknown; message?: unknown };
    if (e?.type === 'entity.parse.failed') return sendError(res, 400, 'HTTP.BAD_REQUEST', 'the body is not valid JSON');
    if (e?.type === 'entity.too.large') return sendError(res, 413, 'HTTP.TOO_LARGE', 'the body is too large');
    // Errors of Express and its middleware carry their own status (400 for a malformed
    // percent-encoding in the path, 413 from a body parser): a client error stays one.
    const carried = typeof e?.status === 'number' ? e.status : typeof e?.statusCode === 'number' ? e.statusCode : 0;
    if (carried >= 400 && carried < 500) {
      const message = e.expose === true && typeof e.message === 'string' ? e.message : 'the request is not valid';
      return sendError(res, carried, carried === 413 ? 'HTTP.TOO_LARGE' : 'HTTP.BAD_REQUEST', message);
    }
    const d = describeError(err);
    const status = httpStatusFor(d);
    if (status >= 500) log.error({ err, path: req.path }, 'request failed');
    // A full disk or a dependency away is said in our words (the client can wait or tell
    // someone); any other server error only as "internal error", its details in the log.
    const said = status < 500 || status === 502 || status === 503 || status === 507;
    sendError(res, status, d.code, said ? d.message : 'internal error');
  });
}

/** The page's and the API's headers: what a browser must not do with what we send. */
function securityHeaders(connectSrc: string[]) {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        mediaSrc: ["'self'", 'blob:'],
        connectSrc: ["'self'", ...connectSrc],
        frameAncestors: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
      },
    },
    referrerPolicy: { policy: 'no-referrer' },
    frameguard: { action: 'deny' },
    // http://localhost is the default: HSTS belongs to the TLS proxy in front, where there is one.
    strictTransportSecurity: false,
  });
}

export interface ServeOptions {
  port: number;
  host: string;
  /** A request whose client sends nothing for this long is closed (a stalled body holds nothing). */
  idleTimeoutMs?: number;
  /** Connections one client address may hold open; 0 turns the cap off (behind a proxy). */
  maxConnectionsPerClient?: number;
}

/**
 * Listens on port/host and stops with the lifecycle. No limit on a request's total time
 * (uploads of many GB take long), but one that goes idle is closed. Keep-alive longer than
 * clients' and proxies' idle timeouts, so the server never closes a pooled connection at the
 * moment a client reuses it (EPIPE/ECONNRESET on the next request).
 */
export async function serveHttp(app: Express, opts: ServeOptions, lifecycle: Lifecycle): Promise<Server> {
  const server = await new Promise<Server>((ok, fail) => {
    const s = app.listen(opts.port, opts.host, () => ok(s));
    s.once('error', fail);
  });
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  const idleMs = opts.idleTimeoutMs ?? 60_000;
  // Idle while a request is in progress (reading its body or writing its answer): between
  // requests the keep-alive timeout applies instead.
  server.on('request', (req: Request, res: Response) => {
    req.socket.setTimeout(idleMs);
    res.once('finish', () => req.socket.setTimeout(0));
  });
  server.on('timeout', (socket: Socket) => socket.destroy());
  limitConnectionsPerClient(server, opts.maxConnectionsPerClient ?? 64);
  lifecycle.onStop(
    'http',
    () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  );
  return server;
}

function limitConnectionsPerClient(server: Server, max: number): void {
  if (max <= 0) return;
  const open = new Map<string, number>();
  server.on('connection', (socket: Socket) => {
    const who = socket.remoteAddress ?? 'unknown';
    const n = (open.get(who) ?? 0) + 1;
    open.set(who, n);
    socket.once('close', () => {
      const left = (open.get(who) ?? 1) - 1;
      if (left > 0) open.set(who, left);
      else open.delete(who);
    });
    if (n > max) {
      const body = JSON.stringify({
        error: {
          code: 'HTTP.TOO_MANY_CONNECTIONS',
          message: `at most ${max} connections per client; close some and retry`,
        },
      });
      socket.end(
        `HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nRetry-After: 5\r\n` +
          `Connection: close\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    }
  });
}
