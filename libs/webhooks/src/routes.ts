import type { Express, RequestHandler } from 'express';
import { HttpError, jsonObjectOf, route, userOf, writeChains } from '@speech/platform';
import { UrlRefused } from './address-guard';
import { RESERVED_EVENTS, WEBHOOK_EVENTS, type DeliveryRecord, type WebhookEvent, type WebhookRecord } from './model';
import { TooManyWebhooks, type Webhooks } from './webhooks';

const FIELDS = ['url', 'events', 'secret'] as const;

export interface RegisterInput {
  url: string;
  events: WebhookEvent[];
  secret?: string;
}

/** A POST /webhooks body: only these fields, each checked; anything else is a 400 with the reason. */
export function parseRegistration(body: unknown): RegisterInput {
  const bad = (message: string) => new HttpError(400, 'WEBHOOK.BAD_REQUEST', message);
  const input = jsonObjectOf(body, FIELDS, bad);
  if (typeof input.url !== 'string' || !input.url) throw bad('url is required: an http:// or https:// URL');
  if (!Array.isArray(input.events) || !input.events.length)
    throw bad(`events is required: a non-empty array of ${WEBHOOK_EVENTS.join(', ')}`);
  const events: WebhookEvent[] = [];
  for (const e of input.events) {
    if ((RESERVED_EVENTS as readonly unknown[]).includes(e)) throw bad(`${String(e)} is not available yet`);
    if (!(WEBHOOK_EVENTS as readonly unknown[]).includes(e))
      throw bad(`unknown event ${JSON.stringify(e)} (allowed: ${WEBHOOK_EVENTS.join(', ')})`);
    if (!events.includes(e as WebhookEvent)) events.push(e as WebhookEvent);
  }
  const out: RegisterInput = { url: input.url, events };
  if (input.secret !== undefined) {
    if (typeof input.secret !== 'string' || !/^[\x21-\x7e]{24,200}$/.test(input.secret))
      throw bad('secret must be 24 to 200 printable ASCII characters without spaces');
    out.secret = input.secret;
  }
  return out;
}

export function webhookView(h: WebhookRecord) {
  return {
    id: h._id,
    url: h.url,
    events: h.events,
    enabled: h.disabledAt === null,
    disabledReason: h.disabledReason,
    createdAt: h.createdAt,
  };
}

export function deliveryView(d: DeliveryRecord) {
  return {
    id: d._id,
    messageId: d.messageId,
    type: d.type,
    audioId: d.audioId,
    status: d.status,
    createdAt: d.createdAt,
    nextAttemptAt: d.nextAttemptAt,
    deliveredAt: d.deliveredAt,
    attempts: d.attempts,
  };
}

const notFound = (id: string) => new HttpError(404, 'WEBHOOK.NOT_FOUND', `no webhook ${id}`);

/** POST/GET /webhooks, DELETE /webhooks/:id, GET /webhooks/:id/deliveries: the caller's own only. */
export function mountWebhookRoutes(
  app: Express,
  webhooks: Webhooks,
  mw: { auth: RequestHandler[]; limiter: RequestHandler; read: RequestHandler; json: RequestHandler },
): void {
  const read = [...mw.auth, mw.read];
  const { write, writeJson } = writeChains(mw);
  app.post(
    '/webhooks',
    ...writeJson,
    route(async (req, res) => {
      const input = parseRegistration(req.body);
      let hook: WebhookRecord;
      try {
        hook = await webhooks.register(userOf(req).id, input);
      } catch (err) {
        if (err instanceof UrlRefused) throw new HttpError(400, err.code, err.message);
        if (err instanceof TooManyWebhooks) throw new HttpError(409, 'WEBHOOK.LIMIT', err.message);
        throw err;
      }
      // The secret is shown here, once; no read gives it again.
      res.status(201).json({ ...webhookView(hook), secret: hook.secret });
    }),
  );

  app.get(
    '/webhooks',
    ...read,
    route(async (req, res) => {
      res.json({ items: (await webhooks.list(userOf(req).id)).map(webhookView) });
    }),
  );

  app.delete(
    '/webhooks/:webhookId',
    ...write,
    route(async (req, res) => {
      const id = String(req.params.webhookId);
      if (!(await webhooks.remove(userOf(req).id, id))) throw notFound(id);
      res.status(204).end();
    }),
  );

  app.get(
    '/webhooks/:webhookId/deliveries',
    ...read,
    route(async (req, res) => {
      const id = String(req.params.webhookId);
      const raw = req.query.limit;
      const limit = raw === undefined ? 50 : Number(raw);
      if (!Number.isInteger(limit) || limit < 1 || limit > 200)
        throw new HttpError(400, 'WEBHOOK.BAD_REQUEST', 'limit must be an integer from 1 to 200');
      const items = await webhooks.deliveriesOf(userOf(req).id, id, limit);
      if (!items) throw notFound(id);
      res.json({ items: items.map(deliveryView) });
    }),
  );
}
