import type { Express } from 'express';
import { userOf, type AccessControl, type AuthClientConfig } from '@speech/platform';

/**
 * `GET /auth/config`: how the dashboard signs in (public: the provider's endpoints and the
 * dashboard's client id, or `{mode:'token'}` when tokens are pasted). `GET /auth/me`: who the
 * bearer token says the caller is, as every route sees them.
 */
export function mountAuthRoutes(app: Express, client: AuthClientConfig, access: AccessControl): void {
  app.get('/auth/config', (_req, res) => {
    res.set('Cache-Control', 'no-cache').json(client);
  });
  app.get('/auth/me', ...access.user, access.read, (req, res) => {
    const { id, role, teams } = userOf(req);
    res.set('Cache-Control', 'no-store').json({ id, role, teams });
  });
}
