import { z } from 'zod';
import { authSettings, resolveAuth, type AuthSettings } from './auth-settings';

const settings = (env: Record<string, string>): AuthSettings => ({
  ...z.object(authSettings).parse(env),
  AUTH_MAX_TOKEN_HOURS: 12,
});

describe('resolveAuth without OIDC', () => {
  it('uses the configured secret, or the generated one, and tells the dashboard to paste tokens', async () => {
    const secret = 'a-secret-of-at-least-16-chars';
    await expect(resolveAuth(settings({ AUTH_JWT_SECRET: secret }))).resolves.toEqual({
      verifier: {
        jwtSecret: secret,
        jwksUrl: undefined,
        issuer: undefined,
        audience: undefined,
        maxLifetimeSeconds: 12 * 3600,
        claims: { rolesClaim: 'roles', teamsClaim: 'teams' },
      },
      client: { mode: 'token' },
      warnings: [],
    });
    const generated = await resolveAuth(settings({}), { fallbackSecret: () => 'generated-secret-0123' });
    expect(generated.verifier.jwtSecret).toBe('generated-secret-0123');
  });

  it('checks the issuer and audience of a JWKS, with the claim mapping configured', async () => {
    const { verifier } = await resolveAuth(
      settings({
        AUTH_JWKS_URL: 'https://idp.example/jwks',
        AUTH_ISSUER: 'https://idp.example',
        AUTH_AUDIENCE: 'api',
        AUTH_ROLES_CLAIM: 'realm_access.roles',
        AUTH_TEAMS_CLAIM: 'groups',
      }),
      { fallbackSecret: () => 'never-used-secret-0123' },
    );
    expect(verifier).toMatchObject({
      jwtSecret: undefined,
      jwksUrl: 'https://idp.example/jwks',
      issuer: 'https://idp.example',
      audience: 'api',
      claims: { rolesClaim: 'realm_access.roles', teamsClaim: 'groups' },
    });
  });
});

describe('resolveAuth with OIDC', () => {
  const meta = {
    issuer: 'https://idp.example/realms/acme',
    jwksUri: 'https://idp.example/realms/acme/certs',
    authorizationEndpoint: 'https://idp.example/realms/acme/auth',
    tokenEndpoint: 'https://idp.example/realms/acme/token',
  };
  const discover = jest.fn(async () => meta);
  const oidc = { OIDC_ISSUER_URL: meta.issuer, OIDC_CLIENT_ID: 'dashboard', AUTH_AUDIENCE: 'speech-api' };

  it('takes the JWKS and issuer from discovery and the audience from AUTH_AUDIENCE', async () => {
    const { verifier, client } = await resolveAuth(settings(oidc), { discover });
    expect(verifier).toMatchObject({ jwksUrl: meta.jwksUri, issuer: meta.issuer, audience: 'speech-api' });
    expect(client).toMatchObject({ mode: 'oidc', clientId: 'dashboard', scopes: 'openid profile' });
  });

  it('refuses to start without the audience or the client id, before asking the provider', async () => {
    discover.mockClear();
    // docker compose passes an unset `${AUTH_AUDIENCE:-}` as '': unset too.
    await expect(resolveAuth(settings({ ...oidc, AUTH_AUDIENCE: '' }), { discover })).rejects.toThrow(
      /AUTH_AUDIENCE: required/,
    );
    const { AUTH_AUDIENCE: _a, ...noAudience } = oidc;
    void _a;
    await expect(resolveAuth(settings(noAudience), { discover })).rejects.toThrow(/AUTH_AUDIENCE: required/);
    const { OIDC_CLIENT_ID: _c, ...noClient } = oidc;
    void _c;
    await expect(resolveAuth(settings(noClient), { discover })).rejects.toThrow(/OIDC_CLIENT_ID: required/);
    expect(discover).not.toHaveBeenCalled();
  });
});
