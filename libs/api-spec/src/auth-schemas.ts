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

export const AUTH_SCHEMAS = { AuthConfig: AuthConfigSchema, AuthMe: AuthMeSchema } satisfies Record<string, z.ZodType>;
