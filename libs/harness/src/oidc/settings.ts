/** What the test provider is started with (provider-main.ts). */
export interface OidcTestClient {
  clientId: string;
  redirectUris: string[];
  /** How long its access tokens live (default 600 s). */
  accessTokenTtlSeconds?: number;
}

export interface OidcProviderSettings {
  /** The API's audience: every access token's `aud`. */
  audience: string;
  clients: OidcTestClient[];
  /** Extra access-token claims per login name (roles, teams, nested ones too). */
  accounts: Record<string, Record<string, unknown>>;
}
