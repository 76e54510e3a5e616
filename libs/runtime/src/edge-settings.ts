import { z } from 'zod';
import {
  DEFAULT_ACCESS_LIMITS,
  DEFAULT_CLAIM_MAPPING,
  env,
  type AccessLimits,
  type ServeOptions,
} from '@speech/platform';
import { DEFAULT_SCHEDULE, parseSchedule } from '@speech/webhooks';

/** How the HTTP edge protects itself: the same keys in the single process and in every service. */
export const edgeSettings = {
  /** Writes (uploads, commands) per user and minute. */
  RATE_LIMIT_PER_MINUTE: env.int(DEFAULT_ACCESS_LIMITS.writesPerMinute),
  RATE_LIMIT_READS_PER_MINUTE: env.int(DEFAULT_ACCESS_LIMITS.readsPerMinute),
  /** Failed authentications per client address and minute. */
  AUTH_FAILURES_PER_MINUTE: env.int(DEFAULT_ACCESS_LIMITS.authFailuresPerMinute),
  /** Live-update (SSE) streams per user. */
  SSE_STREAMS_PER_USER: env.int(DEFAULT_ACCESS_LIMITS.streamsPerUser),
  /** The longest lifetime a bearer token may have. */
  AUTH_MAX_TOKEN_HOURS: env.int(30 * 24),
  /** The token claim that names the caller's roles (agent, manager, admin): identity providers differ. */
  AUTH_ROLES_CLAIM: env.str(DEFAULT_CLAIM_MAPPING.rolesClaim),
  /** The token claim that lists the caller's teams. */
  AUTH_TEAMS_CLAIM: env.str(DEFAULT_CLAIM_MAPPING.teamsClaim),
  /** A request with nothing from its client for this long is closed. */
  HTTP_IDLE_TIMEOUT_MS: env.int(60_000),
  /** Open connections per client address; 0 behind a proxy that funnels every client through one. */
  HTTP_MAX_CONNECTIONS_PER_CLIENT: env.int(64),
  /** The bearer token /metrics asks for; unset, /metrics is off. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Resumable uploads not completed in this long are aborted and their parts removed. */
  UPLOAD_EXPIRY_HOURS: env.int(7 * 24),
  /** How clients reach the API (the part URLs the gateway signs); never taken from a request's Host. */
  /** Webhooks may reach private, loopback and link-local addresses (a receiver on the same host, tests). */
  WEBHOOK_ALLOW_PRIVATE: env.bool(false),
  /** The delays between a failed delivery's attempts (`500ms`, `10s`, `2m`, `1h`), comma-separated. */
  WEBHOOK_RETRY_SCHEDULE: env.str(DEFAULT_SCHEDULE).refine(
    (v) => {
      try {
        return parseSchedule(v).length > 0;
      } catch {
        return false;
      }
    },
    { message: 'must be delays like 10s,30s,2m,10m,1h' },
  ),
  /** How long one delivery attempt waits for the endpoint's answer. */
  WEBHOOK_TIMEOUT_MS: env.int(10_000),
  /** How often the delivery worker looks for due retries when nothing woke it. */
  WEBHOOK_POLL_MS: env.int(1000),
  PUBLIC_URL: z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }).optional(),
};

export type EdgeSettings = z.infer<z.ZodObject<typeof edgeSettings>>;

export function accessLimitsOf(cfg: EdgeSettings): AccessLimits {
  return {
    writesPerMinute: cfg.RATE_LIMIT_PER_MINUTE,
    readsPerMinute: cfg.RATE_LIMIT_READS_PER_MINUTE,
    authFailuresPerMinute: cfg.AUTH_FAILURES_PER_MINUTE,
    streamsPerUser: cfg.SSE_STREAMS_PER_USER,
  };
}

export function serveOptionsOf(cfg: EdgeSettings & { PORT: number; HOST: string }): ServeOptions {
  return {
    port: cfg.PORT,
    host: cfg.HOST,
    idleTimeoutMs: cfg.HTTP_IDLE_TIMEOUT_MS,
    maxConnectionsPerClient: cfg.HTTP_MAX_CONNECTIONS_PER_CLIENT,
  };
}
