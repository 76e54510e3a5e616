import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AuthenticatedUser, Authenticator, Role } from './auth';
import { HttpError } from './http';

/**
 * Personal API tokens, for scripts: opaque (`spt_<id>.<secret>`), shown once, kept only as the
 * SHA-256 of the secret, revocable. Who the token is (the user, the role and teams at its
 * creation) comes from its record, looked up through `PersonalTokenLookup` (the gateway's
 * collection); a short cache holds each record for `cacheMs`, so a revocation reaches every
 * process within that time.
 */
export const PERSONAL_TOKEN_PREFIX = 'spt_';
export const DEFAULT_PERSONAL_TOKEN_CACHE_MS = 5000;

export interface PersonalTokenGrant {
  userId: string;
  role: Role;
  teams: string[];
  /** Hex SHA-256 of the secret part. */
  secretHash: string;
  /** Epoch ms. */
  expiresAt: number;
  revoked: boolean;
}

export type PersonalTokenLookup = (id: string) => Promise<PersonalTokenGrant | null>;

export const hashSecret = (secret: string): string => createHash('sha256').update(secret).digest('hex');

/** A new token: its id, the whole token (shown once) and the hash to keep. */
export function mintPersonalToken(): { id: string; token: string; secretHash: string } {
  const id = randomBytes(12).toString('base64url');
  const secret = randomBytes(32).toString('base64url');
  return { id, token: `${PERSONAL_TOKEN_PREFIX}${id}.${secret}`, secretHash: hashSecret(secret) };
}

export function isPersonalToken(token: string): boolean {
  return token.startsWith(PERSONAL_TOKEN_PREFIX);
}

/** The id and secret of a personal token, or null when it is not one. */
export function parsePersonalToken(token: string): { id: string; secret: string } | null {
  const m = /^spt_([A-Za-z0-9_-]{16})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return m ? { id: m[1] as string, secret: m[2] as string } : null;
}

const refused = (why: string) =>
  new HttpError(401, 'AUTH.UNAUTHORIZED', `invalid token: ${why}`, {
    'WWW-Authenticate': 'Bearer error="invalid_token"',
  });

/** JWTs go to `jwt`; personal tokens are checked against their record. */
export function withPersonalTokens(
  jwt: Authenticator,
  lookup: PersonalTokenLookup,
  opts: { cacheMs?: number; now?: () => number } = {},
): Authenticator {
  const cacheMs = opts.cacheMs ?? DEFAULT_PERSONAL_TOKEN_CACHE_MS;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { at: number; grant: Promise<PersonalTokenGrant | null> }>();
  const grantOf = (id: string) => {
    const hit = cache.get(id);
    if (hit && now() - hit.at < cacheMs) return hit.grant;
    if (cache.size >= 10_000) cache.clear();
    const grant = lookup(id);
    cache.set(id, { at: now(), grant });
    grant.catch(() => cache.delete(id)); // a store error is not remembered
    return grant;
  };
  return {
    async verify(token: string): Promise<AuthenticatedUser> {
      if (!isPersonalToken(token)) return jwt.verify(token);
      const parts = parsePersonalToken(token);
      if (!parts) throw refused('not a personal token');
      const grant = await grantOf(parts.id);
      const given = Buffer.from(hashSecret(parts.secret), 'hex');
      if (!grant || !timingSafeEqual(given, Buffer.from(grant.secretHash, 'hex'))) throw refused('unknown token');
      if (grant.revoked) throw refused('the token was revoked');
      if (grant.expiresAt <= now()) throw refused('the token has expired');
      return { id: grant.userId, role: grant.role, teams: grant.teams };
    },
  };
}
