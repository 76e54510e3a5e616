import { AppError } from '@speech/kernel';
import {
  DEFAULT_CLAIM_MAPPING,
  discoverOidc,
  env,
  type AuthClientConfig,
  type AuthConfig,
  type OidcMetadata,
} from '@speech/platform';
import { z } from 'zod';

const url = () => z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' });
/** Unset or empty (docker compose passes `${VAR:-}` as an empty value): the same. */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' ? undefined : v), schema.optional());

/** How callers are authenticated: the same keys in the single process and in every service with routes. */
export const authSettings = {
  /** HS256 shared secret (scripts, tests, a laptop). */
  AUTH_JWT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** A JWKS URL of an identity provider; with OIDC_ISSUER_URL it overrides the discovered one. */
  AUTH_JWKS_URL: unsetIfEmpty(url()),
  /** OpenID Connect: the provider's issuer; its discovery document gives the JWKS and the endpoints. */
  OIDC_ISSUER_URL: unsetIfEmpty(url()),
  /** The dashboard's client id at the provider (a public client: code flow with PKCE, no secret). */
  OIDC_CLIENT_ID: unsetIfEmpty(z.string()),
  /** What the dashboard asks for; add the scope that puts the API's audience in the access token. */
  OIDC_SCOPES: env.str('openid profile'),
  /** The `aud` every access token must carry: the API's identifier at the provider (required with OIDC). */
  AUTH_AUDIENCE: unsetIfEmpty(z.string()),
  /** The `iss` every token must carry, with AUTH_JWKS_URL (with OIDC it comes from discovery). */
  AUTH_ISSUER: unsetIfEmpty(z.string()),
  /** The claim naming the caller's role(s) (`admin`, `manager`, else agent); a dotted path reaches into objects. */
  AUTH_ROLES_CLAIM: env.str(DEFAULT_CLAIM_MAPPING.rolesClaim),
  /** The claim naming the caller's team ids. */
  AUTH_TEAMS_CLAIM: env.str(DEFAULT_CLAIM_MAPPING.teamsClaim),
};

export type AuthSettings = z.infer<z.ZodObject<typeof authSettings>> & { AUTH_MAX_TOKEN_HOURS: number };

export interface ResolvedAuth {
  verifier: AuthConfig;
  client: AuthClientConfig;
  /** What the operator should hear at start-up (a setting that has no effect). */
  warnings: string[];
}

const invalid = (message: string) => new AppError('CONFIG.INVALID', `invalid configuration:\n  ${message}`);

/**
 * The verifier's settings and what the dashboard is told. With OIDC_ISSUER_URL: discovery
 * (issuer and JWKS from the provider), AUTH_AUDIENCE and OIDC_CLIENT_ID required, no shared
 * secret (only asymmetric signatures: AUTH_JWT_SECRET, if set, is ignored with a warning), and an audience that is not the client id (an ID
 * token's audience is the client: it must not pass as an access token). `fallbackSecret` is the
 * secret a laptop generates when nothing is configured.
 */
export async function resolveAuth(
  cfg: AuthSettings,
  opts: { fallbackSecret?: () => string; discover?: (issuer: string) => Promise<OidcMetadata> } = {},
): Promise<ResolvedAuth> {
  const base = {
    maxLifetimeSeconds: cfg.AUTH_MAX_TOKEN_HOURS * 3600,
    claims: { rolesClaim: cfg.AUTH_ROLES_CLAIM, teamsClaim: cfg.AUTH_TEAMS_CLAIM },
  };
  if (!cfg.OIDC_ISSUER_URL) {
    const jwtSecret = cfg.AUTH_JWKS_URL ? undefined : (cfg.AUTH_JWT_SECRET ?? opts.fallbackSecret?.());
    return {
      verifier: {
        ...base,
        jwtSecret,
        jwksUrl: cfg.AUTH_JWKS_URL,
        issuer: cfg.AUTH_ISSUER,
        audience: cfg.AUTH_AUDIENCE,
      },
      client: { mode: 'token' },
      warnings: [],
    };
  }
  if (!cfg.AUTH_AUDIENCE)
    throw invalid(
      "AUTH_AUDIENCE: required with OIDC_ISSUER_URL (the API's audience at the provider; without it any token the provider signs, for any application, would be accepted)",
    );
  if (!cfg.OIDC_CLIENT_ID) throw invalid("OIDC_CLIENT_ID: required with OIDC_ISSUER_URL (the dashboard's client)");
  if (cfg.AUTH_AUDIENCE === cfg.OIDC_CLIENT_ID)
    throw invalid("AUTH_AUDIENCE: must be the API's audience, not OIDC_CLIENT_ID (that is an ID token's audience)");
  const meta = await (opts.discover ?? ((issuer) => discoverOidc(issuer)))(cfg.OIDC_ISSUER_URL);
  return {
    verifier: { ...base, jwksUrl: cfg.AUTH_JWKS_URL ?? meta.jwksUri, issuer: meta.issuer, audience: cfg.AUTH_AUDIENCE },
    client: {
      mode: 'oidc',
      issuer: meta.issuer,
      clientId: cfg.OIDC_CLIENT_ID,
      scopes: cfg.OIDC_SCOPES,
      authorizationEndpoint: meta.authorizationEndpoint,
      tokenEndpoint: meta.tokenEndpoint,
      endSessionEndpoint: meta.endSessionEndpoint,
    },
    warnings: cfg.AUTH_JWT_SECRET
      ? ['AUTH_JWT_SECRET is ignored with OIDC_ISSUER_URL: only the provider’s asymmetric signatures are accepted']
      : [],
  };
}
