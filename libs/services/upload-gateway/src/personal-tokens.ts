import type { Express, Request, RequestHandler } from 'express';
import type { DocumentStore } from '@speech/persistence';
import {
  HttpError,
  isPersonalToken,
  mintPersonalToken,
  route,
  userOf,
  writeChains,
  type AccessControl,
  type PersonalTokenLookup,
  type Role,
} from '@speech/platform';

/** The gateway's own collection of personal API tokens (README "Personal API tokens"). */
export const API_TOKENS_COLLECTION = 'api_tokens';
/** Active tokens one user may hold. */
export const MAX_TOKENS_PER_USER = 50;

interface ApiTokenDoc {
  _id: string;
  userId: string;
  name: string;
  role: Role;
  teams: string[];
  secretHash: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

export interface ApiTokenView {
  id: string;
  name: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
}

const view = (d: ApiTokenDoc): ApiTokenView => ({
  id: d._id,
  name: d.name,
  createdAt: d.createdAt,
  expiresAt: d.expiresAt,
  revokedAt: d.revokedAt,
});

/** Reads a token's record from the store that holds the gateway's collection (opened when first asked). */
export function personalTokenLookup(store: () => Promise<DocumentStore>): PersonalTokenLookup {
  return async (id) => {
    const doc = await (await store()).collection<ApiTokenDoc>(API_TOKENS_COLLECTION).get(id);
    return doc
      ? {
          userId: doc.userId,
          role: doc.role,
          teams: doc.teams,
          secretHash: doc.secretHash,
          expiresAt: doc.expiresAt,
          revoked: doc.revokedAt !== null,
        }
      : null;
  };
}

const bad = (message: string) => new HttpError(400, 'AUTH.BAD_REQUEST', message);

function parseCreate(body: unknown, maxHours: number): { name: string; expiresInHours: number } {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad('the body must be a JSON object');
  const { name, expiresInHours, ...rest } = body as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length) throw bad(`unknown fields: ${unknown.join(', ')}`);
  if (typeof name !== 'string' || !name.trim() || name.trim().length > 100)
    throw bad('name: 1 to 100 characters, required');
  if (typeof expiresInHours !== 'number' || !Number.isInteger(expiresInHours) || expiresInHours < 1)
    throw bad('expiresInHours: a whole number of hours, at least 1, required');
  if (expiresInHours > maxHours) throw bad(`expiresInHours: at most ${maxHours} (AUTH_MAX_TOKEN_HOURS)`);
  return { name: name.trim(), expiresInHours };
}

const bearerOf = (req: Request) => (req.headers.authorization ?? '').replace(/^Bearer\s+/, '');

/**
 * `POST /auth/tokens` (the token shown once), `GET /auth/tokens` (no secrets) and
 * `DELETE /auth/tokens/:id`. A personal token cannot mint another (its lifetime would never end).
 */
export async function mountPersonalTokenRoutes(
  app: Express,
  docs: DocumentStore,
  access: AccessControl,
  opts: { maxHours: number; json: RequestHandler },
): Promise<void> {
  const tokens = docs.collection<ApiTokenDoc>(API_TOKENS_COLLECTION);
  await tokens.ensureIndex({ userId: 1, createdAt: -1 });
  const { write, writeJson } = writeChains({ auth: access.user, limiter: access.write, json: opts.json });
  app.post(
    '/auth/tokens',
    ...writeJson,
    route(async (req, res) => {
      const user = userOf(req);
      if (isPersonalToken(bearerOf(req)))
        throw new HttpError(403, 'AUTH.FORBIDDEN', 'a personal token cannot create tokens: sign in');
      const input = parseCreate(req.body, opts.maxHours);
      const now = Date.now();
      const mine = await tokens.find({ userId: user.id });
      const active = mine.filter((t) => t.revokedAt === null && t.expiresAt > now).length;
      if (active >= MAX_TOKENS_PER_USER)
        throw new HttpError(409, 'AUTH.TOKEN_LIMIT', `at most ${MAX_TOKENS_PER_USER} active tokens per user`);
      const minted = mintPersonalToken();
      const doc: ApiTokenDoc = {
        _id: minted.id,
        userId: user.id,
        name: input.name,
        role: user.role,
        teams: user.teams,
        secretHash: minted.secretHash,
        createdAt: now,
        expiresAt: now + input.expiresInHours * 3600_000,
        revokedAt: null,
      };
      await tokens.insert(doc);
      res.status(201).json({ ...view(doc), token: minted.token });
    }),
  );
  app.get(
    '/auth/tokens',
    ...access.user,
    access.read,
    route(async (req, res) => {
      const items = await tokens.find({ userId: userOf(req).id }, { sort: { createdAt: -1 }, limit: 200 });
      res.set('Cache-Control', 'no-store').json({ items: items.map(view) });
    }),
  );
  app.delete(
    '/auth/tokens/:tokenId',
    ...write,
    route(async (req, res) => {
      const id = String(req.params.tokenId);
      const doc = await tokens.get(id);
      if (!doc || doc.userId !== userOf(req).id)
        throw new HttpError(404, 'AUTH.TOKEN_NOT_FOUND', 'no such token, or another user’s');
      if (doc.revokedAt === null) await tokens.update({ _id: id }, { $set: { revokedAt: Date.now() } });
      res.status(204).end();
    }),
  );
}
