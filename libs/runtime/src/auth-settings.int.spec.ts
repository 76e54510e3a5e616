import { startOidcProvider, type RunningOidcProvider } from '@speech/harness';
import { signToken, TokenVerifier, type AuthConfig } from '@speech/platform';
import { eventually } from '@speech/testing';
import { z } from 'zod';
import { authSettings, resolveAuth, type AuthSettings } from './auth-settings';

jest.setTimeout(60_000);

/**
 * The verifier against a real OpenID provider (oidc-provider, started by the harness on
 * 127.0.0.1): discovery, then access tokens from the authorization code flow with PKCE.
 */
const AUDIENCE = 'https://api.speech.test';
const settings = (env: Record<string, string>): AuthSettings => ({
  ...z.object(authSettings).parse(env),
  AUTH_MAX_TOKEN_HOURS: 24,
});

describe('TokenVerifier against a real OpenID provider', () => {
  let provider: RunningOidcProvider;
  let verifier: AuthConfig;
  const env = () => ({ OIDC_ISSUER_URL: provider.issuer, AUTH_AUDIENCE: AUDIENCE, OIDC_CLIENT_ID: 'dashboard' });

  beforeAll(async () => {
    provider = await startOidcProvider({
      audience: AUDIENCE,
      clients: [
        { clientId: 'dashboard', redirectUris: ['http://127.0.0.1:9/'] },
        { clientId: 'short-lived', redirectUris: ['http://127.0.0.1:9/'], accessTokenTtlSeconds: 1 },
      ],
      accounts: {
        alice: { roles: ['manager'], teams: ['north', 'east'] },
        kc: { realm_access: { roles: ['offline_access', 'admin'] }, groups: ['south'] },
      },
    });
    verifier = (await resolveAuth(settings(env()))).verifier;
  });
  afterAll(() => provider?.stop());

  const refusal = (cfg: AuthConfig, token: string) =>
    new TokenVerifier(cfg).verify(token).then(
      () => 'accepted',
      (err: Error & { status?: number }) => `${err.status}: ${err.message}`,
    );

  it('discovers the issuer, the JWKS and the endpoints the dashboard needs', async () => {
    const { verifier: v, client } = await resolveAuth(settings({ ...env(), OIDC_SCOPES: 'openid api' }));
    expect(v).toMatchObject({ issuer: provider.issuer, audience: AUDIENCE, jwksUrl: `${provider.issuer}/jwks` });
    expect(v.jwtSecret).toBeUndefined();
    expect(client).toEqual({
      mode: 'oidc',
      issuer: provider.issuer,
      clientId: 'dashboard',
      scopes: 'openid api',
      authorizationEndpoint: `${provider.issuer}/auth`,
      tokenEndpoint: `${provider.issuer}/token`,
      endSessionEndpoint: `${provider.issuer}/session/end`,
    });
  });

  it('accepts an access token, with the role and teams from its claims', async () => {
    const { accessToken } = await provider.signIn('dashboard', 'alice');
    await expect(new TokenVerifier(verifier).verify(accessToken)).resolves.toEqual({
      id: 'alice',
      role: 'manager',
      teams: ['east', 'north'],
    });
  });

  it('maps Keycloak-style claims (a dotted path, groups) with AUTH_ROLES_CLAIM and AUTH_TEAMS_CLAIM', async () => {
    const mapped = await resolveAuth(
      settings({ ...env(), AUTH_ROLES_CLAIM: 'realm_access.roles', AUTH_TEAMS_CLAIM: 'groups' }),
    );
    const { accessToken } = await provider.signIn('dashboard', 'kc');
    await expect(new TokenVerifier(mapped.verifier).verify(accessToken)).resolves.toEqual({
      id: 'kc',
      role: 'admin',
      teams: ['south'],
    });
  });

  it('refuses a token for another audience or from another issuer', async () => {
    const { accessToken } = await provider.signIn('dashboard', 'alice');
    expect(await refusal({ ...verifier, audience: 'https://other.api' }, accessToken)).toMatch(/^401: .*aud/);
    expect(await refusal({ ...verifier, issuer: 'http://idp.elsewhere' }, accessToken)).toMatch(/^401: .*iss/);
  });

  it('refuses an ID token, though the same provider signed it', async () => {
    const { idToken } = await provider.signIn('dashboard', 'alice');
    expect(await refusal(verifier, idToken)).toMatch(/^401: invalid token/);
    // Even with the client id as the audience, it is not an access token.
    expect(await refusal({ ...verifier, audience: 'dashboard' }, idToken)).toMatch(/^401: .*not an access token/);
  });

  it('refuses an HS256 token (only the provider’s asymmetric keys count)', async () => {
    const hs = await signToken('a-secret-of-at-least-16-chars', 'alice', '1h');
    expect(await refusal(verifier, hs)).toMatch(/^401: .*alg/i);
  });

  it('refuses an access token once it has expired', async () => {
    const { accessToken } = await provider.signIn('short-lived', 'alice');
    // Lives one second: accepted until then, refused after (polled, not timed).
    await eventually('the token to expire', async () => (await refusal(verifier, accessToken)) !== 'accepted', 10_000);
    expect(await refusal(verifier, accessToken)).toMatch(/^401: .*"exp"/);
  });

  it('refuses to start without AUTH_AUDIENCE or with the client id as the audience; ignores a secret', async () => {
    const { AUTH_AUDIENCE: _omit, ...noAudience } = env();
    void _omit;
    await expect(resolveAuth(settings(noAudience))).rejects.toThrow(/AUTH_AUDIENCE: required with OIDC_ISSUER_URL/);
    await expect(resolveAuth(settings({ ...env(), AUTH_AUDIENCE: 'dashboard' }))).rejects.toThrow(/not OIDC_CLIENT_ID/);
    const withSecret = await resolveAuth(settings({ ...env(), AUTH_JWT_SECRET: 'a-secret-of-at-least-16-chars' }));
    expect(withSecret.verifier.jwtSecret).toBeUndefined();
    expect(withSecret.warnings).toEqual([expect.stringMatching(/AUTH_JWT_SECRET is ignored/)]);
    const hs = await signToken('a-secret-of-at-least-16-chars', 'alice', '1h');
    expect(await refusal(withSecret.verifier, hs)).toMatch(/^401: .*alg/i);
  });

  it('refuses a provider whose metadata names another issuer', async () => {
    const other = provider.issuer.replace('127.0.0.1', 'localhost');
    await expect(resolveAuth(settings({ ...env(), OIDC_ISSUER_URL: other }))).rejects.toThrow(/says its issuer is/);
  });
});
