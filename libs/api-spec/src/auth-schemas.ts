/** The sign-in routes' bodies (README "Signing in (OpenID Connect)"; libs/services/upload-gateway auth-routes.ts). */
import { z } from 'zod';

export const AuthConfigSchema = z.union([
  z.object({
    mode: z.literal('oidc'),
    issuer: z.string().describe('the provider’s issuer (OIDC_ISSUER_URL, as discovery confirmed it)'),
    clientId: z.string().describe('the dashboard’s public client (OIDC_CLIENT_ID)'),
    scopes: z.string().describe('space-separated (OIDC_SCOPES)'),
    authorizationEndpoint: z.string(),
    tokenEndpoint: z.string(),
    endSessionEndpoint: z.string().optional(),
  }),
  z.object({ mode: z.literal('token').describe('no OIDC: paste a token (AUTH_JWT_SECRET or AUTH_JWKS_URL)') }),
]);

export const AuthMeSchema = z.object({
  id: z.string().describe('the token’s `sub`'),
  role: z.enum(['agent', 'manager', 'admin']).describe('from AUTH_ROLES_CLAIM: the highest named, else agent'),
  teams: z.array(z.string()).describe('from AUTH_TEAMS_CLAIM, sorted'),
});

const epochMs = z.number().int().describe('milliseconds since 1970-01-01 UTC');

export const ApiTokenCreateSchema = z
  .object({
    name: z.string().min(1).max(100).describe('what the token is for (a script, a host)'),
    expiresInHours: z.number().int().min(1).describe('at most AUTH_MAX_TOKEN_HOURS'),
  })
  .strict();

export const ApiTokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: epochMs,
  expiresAt: epochMs,
  revokedAt: epochMs.nullable().describe('null while the token is valid'),
});

export const ApiTokenCreatedSchema = ApiTokenSchema.extend({
  token: z.string().describe('`spt_<id>.<secret>`: shown here only; use it as the bearer token'),
});

export const ApiTokenListSchema = z.object({ items: z.array(ApiTokenSchema) });

export const AUTH_SCHEMAS = {
  AuthConfig: AuthConfigSchema,
  AuthMe: AuthMeSchema,
  ApiTokenCreate: ApiTokenCreateSchema,
  ApiToken: ApiTokenSchema,
  ApiTokenCreated: ApiTokenCreatedSchema,
  ApiTokenList: ApiTokenListSchema,
} satisfies Record<string, z.ZodType>;
