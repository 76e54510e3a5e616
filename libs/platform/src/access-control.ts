import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { rateLimit, type Options } from 'express-rate-limit';
import { HttpError, sendError } from './http';
import { requireUser, userOf, type Authenticator } from './auth';

export interface AccessLimits {
  /** Uploads and commands (POST/PUT/DELETE) per user and minute. */
  writesPerMinute: number;
  /** Reads per user and minute: a dashboard polls, so the budget is larger. */
  readsPerMinute: number;
  /** Failed sign-ins per client address and minute, before its requests are refused unread. */
  authFailuresPerMinute: number;
  /** Live-update streams (SSE) one user may hold open at once. */
  streamsPerUser: number;
}

export const DEFAULT_ACCESS_LIMITS: AccessLimits = {
  writesPerMinute: 600,
  readsPerMinute: 3000,
  authFailuresPerMinute: 30,
  streamsPerUser: 8,
};

export interface AccessControl {
  /** Authenticates (bearer token) under the failed-authentication limit. */
  user: RequestHandler[];
  /** Authenticates an EventSource (which cannot send headers: ?access_token=). */
  streamUser: RequestHandler[];
  read: RequestHandler;
  write: RequestHandler;
  /** Admits a live-update stream within the per-user cap; releases it when the client goes. */
  stream: RequestHandler;
}

const tooMany = (message: string): Options['handler'] => {
  return (_req, res, _next, options) => {
    void _next;
    res.setHeader('Retry-After', String(Math.ceil(options.windowMs / 1000)));
    sendError(res, 429, 'HTTP.RATE_LIMITED', message);
  };
};

/**
 * Who may call, and how often: every authenticated route is limited per user (reads with a
 * larger budget than writes), live-update streams are capped per user, and failed
 * authentication is limited per client address, so a token cannot be guessed at speed.
 * Refusals are 429 with Retry-After and a JSON reason. Counters live in the process: with
 * several replicas each one counts its own share.
 */
export function accessControl(verifier: Authenticator, limits: AccessLimits = DEFAULT_ACCESS_LIMITS): AccessControl {
  const perUser = (limit: number, what: string) =>
    rateLimit({
      windowMs: 60_000,
      limit,
      standardHeaders: 'draft-7',
      legacyHeaders: false,
      keyGenerator: (req) => req.user?.id ?? 'anonymous',
      handler: tooMany(`too many ${what}; retry later`),
    });
  // Counts only the requests that ended in 401: a client that signs in fine is never held back.
  const authFailures = rateLimit({
    windowMs: 60_000,
    limit: limits.authFailuresPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    skipSuccessfulRequests: true,
    requestWasSuccessful: (_req, res) => res.statusCode !== 401,
    handler: tooMany('too many failed sign-ins from this address; retry later'),
  });
  const open = new Map<string, number>();
  const stream: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const id = userOf(req).id;
    const n = open.get(id) ?? 0;
    if (n >= limits.streamsPerUser) {
      next(
        new HttpError(429, 'HTTP.TOO_MANY_STREAMS', `at most ${limits.streamsPerUser} live-update streams per user`, {
          'Retry-After': '10',
        }),
      );
      return;
    }
    open.set(id, n + 1);
    res.on('close', () => {
      const left = (open.get(id) ?? 1) - 1;
      if (left > 0) open.set(id, left);
      else open.delete(id);
    });
    next();
  };
  return {
    user: [authFailures, requireUser(verifier)],
    streamUser: [authFailures, requireUser(verifier, { allowQueryToken: true })],
    read: perUser(limits.readsPerMinute, 'requests'),
    write: perUser(limits.writesPerMinute, 'requests'),
    stream,
  };
}
