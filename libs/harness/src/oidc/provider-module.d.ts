// The part of oidc-provider (v9, ESM, no bundled types) the test provider uses.
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ProviderClient {
    clientId: string;
  }
  export interface ProviderToken {
    accountId?: string;
  }
  export interface ProviderAccount {
    accountId: string;
    claims(): Promise<Record<string, unknown>>;
  }
  export interface ResourceServerInfo {
    scope: string;
    audience: string;
    accessTokenTTL: number;
    accessTokenFormat: 'jwt' | 'opaque';
    jwt?: { sign?: { alg: string } };
  }
  export interface ProviderConfiguration {
    clients: Record<string, unknown>[];
    jwks: { keys: Record<string, unknown>[] };
    cookies: { keys: string[] };
    findAccount(ctx: unknown, id: string): Promise<ProviderAccount>;
    extraTokenClaims(ctx: unknown, token: ProviderToken): Promise<Record<string, unknown> | undefined>;
    claims: Record<string, string[]>;
    scopes: string[];
    ttl: Record<string, number>;
    features: {
      devInteractions: { enabled: boolean };
      resourceIndicators: {
        enabled: boolean;
        defaultResource(ctx: unknown, client: ProviderClient, oneOf?: string[]): Promise<string | string[] | undefined>;
        useGrantedResource(ctx: unknown, model: unknown): Promise<boolean>;
        getResourceServerInfo(ctx: unknown, indicator: string, client: ProviderClient): Promise<ResourceServerInfo>;
      };
      rpInitiatedLogout: { enabled: boolean };
    };
  }
  export default class Provider {
    constructor(issuer: string, configuration: ProviderConfiguration);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
    on(event: string, listener: (...args: unknown[]) => void): this;
  }
}
