import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthConfigSchema, AuthMeSchema } from '@speech/api-spec';
import {
  accessControl,
  createHttpApp,
  createLogger,
  finishHttpApp,
  signToken,
  TokenVerifier,
  type AuthClientConfig,
} from '@speech/platform';
import { mountAuthRoutes } from './auth-routes';

const SECRET = 'a-secret-of-at-least-16-chars';
const OIDC: AuthClientConfig = {
  mode: 'oidc',
  issuer: 'https://idp.example',
  clientId: 'dashboard',
  scopes: 'openid profile api',
  authorizationEndpoint: 'https://idp.example/auth',
  tokenEndpoint: 'https://idp.example/token',
};

describe('GET /auth/config and /auth/me', () => {
  const servers: Server[] = [];
  async function serve(client: AuthClientConfig): Promise<string> {
    const app = createHttpApp({ log: createLogger({ name: 'auth-routes-spec', level: 'silent' }), service: 'gw' });
    mountAuthRoutes(app, client, accessControl(new TokenVerifier({ jwtSecret: SECRET })));
    finishHttpApp(app, createLogger({ name: 'auth-routes-spec', level: 'silent' }));
    const server = await new Promise<Server>((ok) => {
      const s = app.listen(0, '127.0.0.1', () => ok(s));
    });
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  afterAll(() => Promise.all(servers.map((s) => new Promise((ok) => s.close(ok)))));

  it('tells the dashboard how to sign in, without a token', async () => {
    const oidc = await serve(OIDC);
    const body: unknown = await (await fetch(`${oidc}/auth/config`)).json();
    expect(AuthConfigSchema.parse(body)).toEqual(OIDC);
    const token = await serve({ mode: 'token' });
    expect(await (await fetch(`${token}/auth/config`)).json()).toEqual({ mode: 'token' });
  });

  it('says who the token is, and refuses without one', async () => {
    const url = await serve({ mode: 'token' });
    const jwt = await signToken(SECRET, 'mia', '1h', { roles: ['manager'], teams: ['north'] });
    const res = await fetch(`${url}/auth/me`, { headers: { authorization: `Bearer ${jwt}` } });
    expect(res.status).toBe(200);
    expect(AuthMeSchema.parse(await res.json())).toEqual({ id: 'mia', role: 'manager', teams: ['north'] });
    const anonymous = await fetch(`${url}/auth/me`);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ error: { code: 'AUTH.UNAUTHORIZED' } });
  });
});
