/**
 * A real OpenID provider (oidc-provider, ESM-only) in a process of its own, for tests: started by
 * `startOidcProvider` (oidc-provider.ts) with its settings as JSON in OIDC_TEST_PROVIDER.
 * Dev interactions: any login name signs in (its claims are the account's in the settings), and
 * consent is one button. Access tokens are JWTs (RS256) for one API audience.
 */
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import type { ProviderClient, ProviderToken } from 'oidc-provider';
import type { OidcProviderSettings } from './settings';

async function main(): Promise<void> {
  const settings = JSON.parse(process.env.OIDC_TEST_PROVIDER ?? '') as OidcProviderSettings & { port: number };
  const { default: Provider } = await import('oidc-provider');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test-key' };
  const issuer = `http://127.0.0.1:${settings.port}`;
  const ttlOf = (client: ProviderClient) =>
    settings.clients.find((c) => c.clientId === client.clientId)?.accessTokenTtlSeconds ?? 600;
  const claimsOf = (id: string | undefined) => (id ? (settings.accounts[id] ?? {}) : {});
  const provider = new Provider(issuer, {
    clients: settings.clients.map((c) => ({
      client_id: c.clientId,
      token_endpoint_auth_method: 'none',
      redirect_uris: c.redirectUris,
      post_logout_redirect_uris: c.redirectUris,
      grant_types: ['authorization_code'],
      response_types: ['code'],
    })),
    jwks: { keys: [jwk] },
    cookies: { keys: ['test-cookie-key-0123456789'] },
    findAccount: async (_ctx, id) => ({ accountId: id, claims: async () => ({ sub: id, name: id }) }),
    // The account's own claims (roles, teams, Keycloak's realm_access …) in its access tokens.
    extraTokenClaims: async (_ctx, token: ProviderToken) => claimsOf(token.accountId),
    claims: { openid: ['sub'], profile: ['name'] },
    scopes: ['openid', 'profile', 'api'],
    // AccessToken: unset, so each client's accessTokenTTL (getResourceServerInfo) applies.
    ttl: { IdToken: 600, AuthorizationCode: 60, Interaction: 600, Session: 3600, Grant: 3600 },
    features: {
      devInteractions: { enabled: true },
      rpInitiatedLogout: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async () => settings.audience,
        useGrantedResource: async () => true,
        getResourceServerInfo: async (_ctx, _indicator, client) => ({
          scope: 'api',
          audience: settings.audience,
          accessTokenTTL: ttlOf(client),
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
  const server = createServer(provider.callback());
  server.listen(settings.port, '127.0.0.1', () => process.stdout.write(`ready ${issuer}\n`));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
