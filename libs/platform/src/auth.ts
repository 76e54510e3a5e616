import type { NextFunction, Request, Response } from 'express';
import { createRemoteJWKSet, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { HttpError } from './http';

export interface AuthConfig {
  /** HS256 shared secret. */
  jwtSecret?: string;
  /** Or a JWKS URL (RS256/ES256 tokens from an identity provider). */
  jwksUrl?: string;
  /** The `iss` every token must carry (from OIDC discovery, or AUTH_ISSUER). */
  issuer?: string;
  /** The `aud` every token must carry: the API's own audience, never the dashboard's client id. */
  audience?: string;
  /**
   * The longest lifetime a token may claim (exp − iat, or exp − now without iat). Every token
   * must carry `exp`: one without it would be valid forever.
   */
  maxLifetimeSeconds?: number;
  claims?: ClaimMapping;
}

/** 30 days: a script's token, at most; identity providers issue tokens for an hour or so. */
export const DEFAULT_MAX_TOKEN_LIFETIME_S = 30 * 24 * 3600;

/**
 * What a caller may see: an agent their own recordings, a manager those of their teams, an
 * admin all. From the token's claims (see `claimsToViewer`); a token without them is an agent
 * of no team, which is what every token meant before roles existed.
 */
export type Role = 'agent' | 'manager' | 'admin';
export const ROLES: readonly Role[] = ['agent', 'manager', 'admin'];

export interface AuthenticatedUser {
  id: string;
  role: Role;
  /** Team ids, from the teams claim. A recording belongs to the team its uploader was in. */
  teams: string[];
}

/** Which claims carry the role and the teams (configurable: identity providers differ). */
export interface ClaimMapping {
  rolesClaim: string;
  teamsClaim: string;
}

export const DEFAULT_CLAIM_MAPPING: ClaimMapping = { rolesClaim: 'roles', teamsClaim: 'teams' };

/**
 * A claim by name: the name as is first (`https://example.com/roles` is one claim), then as a
 * dotted path into nested objects (Keycloak's `realm_access.roles`).
 */
export function claimAt(payload: Record<string, unknown>, name: string): unknown {
  if (name in payload) return payload[name];
  let at: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof at !== 'object' || at === null || Array.isArray(at)) return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

const stringsOf = (v: unknown): string[] =>
  typeof v === 'string'
    ? v.split(/[\s,]+/).filter(Boolean)
    : Array.isArray(v)
      ? v.filter((x): x is string => typeof x === 'string' && x !== '')
      : [];

/** The highest role named in the roles claim wins; none named: agent. */
export function claimsToViewer(
  sub: string,
  payload: Record<string, unknown>,
  mapping = DEFAULT_CLAIM_MAPPING,
): AuthenticatedUser {
  const named = new Set(stringsOf(claimAt(payload, mapping.rolesClaim)));
  const role: Role = named.has('admin') ? 'admin' : named.has('manager') ? 'manager' : 'agent';
  return { id: sub, role, teams: [...new Set(stringsOf(claimAt(payload, mapping.teamsClaim)))].sort() };
}

declare module 'express-serve-static-core' {
  interface Request {
    user?: AuthenticatedUser;
  }
}

/** The `typ` headers of an access token (RFC 9068 `at+jwt`; most providers say `JWT` or nothing). */
const ACCESS_TOKEN_TYPES = new Set(['jwt', 'at+jwt', 'application/at+jwt']);

/**
 * Why a token is an ID token rather than an access token, or null. An ID token tells a client who
 * signed in; it is not a grant to call the API (its `aud` is the client id, and it leaks to
 * wherever the client sends it). The audience check refuses it already when AUTH_AUDIENCE is the
 * API's; these marks refuse it even where a provider put the API in an ID token's audience.
 */
export function idTokenMark(header: { typ?: string }, payload: Record<string, unknown>): string | null {
  if (header.typ !== undefined && !ACCESS_TOKEN_TYPES.has(header.typ.toLowerCase()))
    return `typ "${header.typ}" is not an access token's`;
  if (payload.typ === 'ID') return 'typ claim "ID" (an ID token)';
  if (payload.token_use === 'id') return 'token_use "id" (an ID token)';
  if ('nonce' in payload || 'at_hash' in payload || 'c_hash' in payload)
    return 'it carries nonce/at_hash/c_hash (an ID token)';
  return null;
}

/** What turns a bearer token into a user (TokenVerifier for JWTs; withPersonalTokens adds API tokens). */
export interface Authenticator {
  verify(token: string): Promise<AuthenticatedUser>;
}

export class TokenVerifier implements Authenticator {
  private readonly key: Uint8Array | JWTVerifyGetKey;

  constructor(private readonly cfg: AuthConfig) {
    if (cfg.jwksUrl) this.key = createRemoteJWKSet(new URL(cfg.jwksUrl));
    else if (cfg.jwtSecret) this.key = new TextEncoder().encode(cfg.jwtSecret);
    else throw new Error('auth needs AUTH_JWT_SECRET or AUTH_JWKS_URL');
  }

  async verify(token: string): Promise<AuthenticatedUser> {
    try {
      const { payload, protectedHeader } = await jwtVerify(token, this.key as Uint8Array, {
        algorithms: this.cfg.jwksUrl ? ['RS256', 'ES256', 'PS256', 'EdDSA'] : ['HS256'],
        issuer: this.cfg.issuer,
        audience: this.cfg.audience,
        requiredClaims: ['exp'],
      });
      if (typeof payload.sub !== 'string' || !payload.sub) throw new Error('the token has no sub claim');
      const mark = idTokenMark(protectedHeader, payload);
      if (mark) throw new Error(`not an access token: ${mark}`);
      const max = this.cfg.maxLifetimeSeconds ?? DEFAULT_MAX_TOKEN_LIFETIME_S;
      const from = typeof payload.iat === 'number' ? payload.iat : Math.floor(Date.now() / 1000);
      if ((payload.exp as number) - from > max) {
        throw new Error(`the token lives longer than the allowed ${Math.round(max / 3600)} h (AUTH_MAX_TOKEN_HOURS)`);
      }
      return claimsToViewer(payload.sub, payload, this.cfg.claims);
    } catch (err) {
      throw new HttpError(401, 'AUTH.UNAUTHORIZED', `invalid token: ${(err as Error).message}`, {
        'WWW-Authenticate': 'Bearer error="invalid_token"',
      });
    }
  }
}

/**
 * Requires `Authorization: Bearer <JWT>`. EventSource cannot send headers, so the
 * SSE route may also take `?access_token=` (RFC 6750 §2.3).
 */
export function requireUser(verifier: Authenticator, opts: { allowQueryToken?: boolean } = {}) {
  return (req: Request, _res: Response, next: NextFunction) => {
    const header = req.headers.authorization;
    let token = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    if (!token && opts.allowQueryToken && typeof req.query.access_token === 'string') token = req.query.access_token;
    if (!token) {
      next(new HttpError(401, 'AUTH.UNAUTHORIZED', 'missing bearer token', { 'WWW-Authenticate': 'Bearer' }));
      return;
    }
    verifier.verify(token).then((user) => {
      req.user = user;
      next();
    }, next);
  };
}

export function userOf(req: Request): AuthenticatedUser {
  if (!req.user) throw new HttpError(401, 'AUTH.UNAUTHORIZED', 'not authenticated');
  return req.user;
}

export async function signToken(
  secret: string,
  sub: string,
  expiresIn = '12h',
  claims: { roles?: Role[]; teams?: string[] } = {},
): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(sub)
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(new TextEncoder().encode(secret));
}
