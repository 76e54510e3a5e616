import type { Server } from 'node:http';
import type { NextFunction, Request, Response, Express } from 'express';
import express from 'express';
import { describeError } from '@speech/contracts';
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

/** Domain error codes → HTTP status, mapped once at the edge (STYLE.md "Errors"). */
const STATUS_BY_SUFFIX: [RegExp, number][] = [
  [/NOT_FOUND$/, 404],
  [/CONFLICT$|NOT_ALLOWED$|INVALID_STATE$/, 409],
  [/UNAUTHORIZED$/, 401],
  [/FORBIDDEN$/, 403],
  [/TOO_LARGE$/, 413],
  [/UNSUPPORTED_MEDIA$|NOT_AUDIO$/, 415],
  [/EMPTY$|UNPROCESSABLE$/, 422],
  [/BAD_REQUEST$|INVALID$|BAD_KEY$/, 400],
  [/UNAVAILABLE$/, 503],
];

export function httpStatusFor(code: string): number {
  for (const [re, status] of STATUS_BY_SUFFIX) if (re.test(code)) return status;
  return 500;
}

export function sendError(res: Response, status: number, code: string, message: string): void {
  if (!res.headersSent) res.status(status).json({ error: { code, message } });
}

/** Wraps an async route so a rejection reaches the error middleware. */
export function route(fn: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch(next);
  };
}

export interface HealthCheck {
  name: string;
  check: () => Promise<void>;
}

/**
 * The HTTP base of every service: JSON errors, /healthz (process alive), /readyz (its
 * dependencies answer) and /metrics (Prometheus text format).
 */
export function createHttpApp(opts: { log: Logger; service: string; checks?: HealthCheck[] }): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
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
  app.get('/metrics', (_req, res) => {
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
    const e = err as { type?: string; status?: number };
    if (e?.type === 'entity.parse.failed') return sendError(res, 400, 'HTTP.BAD_REQUEST', 'the body is not valid JSON');
    if (e?.type === 'entity.too.large') return sendError(res, 413, 'HTTP.TOO_LARGE', 'the body is too large');
    const d = describeError(err);
    const status = httpStatusFor(d.code);
    if (status >= 500) log.error({ err, path: req.path }, 'request failed');
    sendError(res, status, d.code, status >= 500 ? 'internal error' : d.message);
  });
}

/**
 * Listens on port/host and stops with the lifecycle. No request timeout (uploads of many GB take
 * long); keep-alive longer than clients' and proxies' idle timeouts, so the server never closes a
 * pooled connection at the moment a client reuses it (EPIPE/ECONNRESET on the next request).
 */
export async function serveHttp(
  app: Express,
  opts: { port: number; host: string },
  lifecycle: Lifecycle,
): Promise<Server> {
  const server = await new Promise<Server>((ok, fail) => {
    const s = app.listen(opts.port, opts.host, () => ok(s));
    s.once('error', fail);
  });
  server.requestTimeout = 0;
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
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
