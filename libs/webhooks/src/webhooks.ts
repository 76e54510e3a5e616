import { randomUUID } from 'node:crypto';
import type { EventOf } from '@speech/contracts';
import type { Handler } from '@speech/messaging';
import type { DocumentStore, Transactor } from '@speech/persistence';
import { deletionsOf, describeError, type HandlerMap, type Logger, withDeletion } from '@speech/service-kit';
import { checkWebhookUrl, type Resolve } from './address-guard';
import { retryDelay, type RetryPlan } from './backoff';
import type { WebhookSender } from './http-sender';
import {
  DELIVERED_TOPICS,
  deliveryIdOf,
  messageOf,
  type DeliveredTopic,
  type DeliveryAttempt,
  type DeliveryRecord,
  type WebhookEvent,
  type WebhookRecord,
} from './model';
import { newSecret, signedHeaders } from './signature';

export const WEBHOOKS = 'webhooks';
export const DELIVERIES = 'webhook_deliveries';
/** The consumer group: apart from the gateway's own, so a slow owner lookup never holds its deletions. */
export const GROUP = 'upload-gateway-webhooks';
export const MAX_WEBHOOKS_PER_OWNER = 20;

export interface WebhookSettings {
  allowPrivate: boolean;
  retry: RetryPlan;
  timeoutMs: number;
  /** How often an idle worker looks for due deliveries (a commit that queues some wakes it at once). */
  pollMs: number;
}

export interface Clock {
  now(): number;
}

export interface WebhookDeps {
  docs: DocumentStore;
  tx: Transactor;
  log: Logger;
  /** Who owns a recording (the gateway's record), for events that do not say. */
  ownerOf(audioId: string): Promise<string | null>;
  sender: WebhookSender;
  resolve: Resolve;
  settings: WebhookSettings;
  clock?: Clock;
  random?: () => number;
}

/**
 * Signed webhooks (issue #15): the registry, the delivery jobs made from the pipeline's events,
 * and the worker that sends them. Jobs are documents, not timers: a restart finds them due.
 */
export async function createWebhooks(deps: WebhookDeps) {
  const clock = deps.clock ?? { now: () => Date.now() };
  const random = deps.random ?? Math.random;
  const hooks = deps.docs.collection<WebhookRecord>(WEBHOOKS);
  const deliveries = deps.docs.collection<DeliveryRecord>(DELIVERIES);
  await hooks.ensureIndex({ scope: 1, ownerId: 1, createdAt: -1 });
  await deliveries.ensureIndex({ status: 1, nextAttemptAt: 1 });
  await deliveries.ensureIndex({ webhookId: 1, createdAt: -1 });
  await deliveries.ensureIndex({ audioId: 1 });
  const deletions = deletionsOf(deps.docs);
  const leaseMs = deps.settings.timeoutMs + 30_000;
  /** Wakes an idle worker; a wake-up during a pass makes the worker look again at once. */
  let woken = false;
  let resume: (() => void) | null = null;
  const wake = () => {
    woken = true;
    resume?.();
  };

  // ---- the registry ----

  async function register(
    ownerId: string,
    input: { url: string; events: WebhookEvent[]; secret?: string },
  ): Promise<WebhookRecord> {
    const url = await checkWebhookUrl(input.url, deps.resolve, deps.settings.allowPrivate);
    const record: WebhookRecord = {
      _id: `wh_${randomUUID().replace(/-/g, '')}`,
      scope: 'user',
      ownerId,
      url,
      events: input.events,
      secret: input.secret ?? newSecret(),
      createdAt: clock.now(),
      disabledAt: null,
      disabledReason: null,
    };
    const added = await deps.tx.run(async () => {
      if ((await hooks.count({ scope: 'user', ownerId })) >= MAX_WEBHOOKS_PER_OWNER) return false;
      await hooks.insert(record);
      return true;
    });
    return added ? record : Promise.reject(new TooManyWebhooks());
  }

  const list = (ownerId: string) => hooks.find({ scope: 'user', ownerId }, { sort: { createdAt: -1 } });

  async function own(ownerId: string, id: string): Promise<WebhookRecord | null> {
    const hook = await hooks.get(id);
    return hook && hook.scope === 'user' && hook.ownerId === ownerId ? hook : null;
  }

  /** Removes the webhook and its deliveries (log included); false when it is not the owner's. */
  async function remove(ownerId: string, id: string): Promise<boolean> {
    if (!(await own(ownerId, id))) return false;
    await deps.tx.run(async () => {
      await hooks.delete({ _id: id });
      await deliveries.delete({ webhookId: id });
    });
    return true;
  }

  async function deliveriesOf(ownerId: string, id: string, limit: number): Promise<DeliveryRecord[] | null> {
    if (!(await own(ownerId, id))) return null;
    return deliveries.find({ webhookId: id }, { sort: { createdAt: -1 }, limit });
  }

  // ---- jobs, from events ----

  /**
   * One job per (webhook, message), inserted in the handler's unit of work (with the offset, in the
   * single process): a redelivered event, or the same outcome announced twice, inserts nothing.
   */
  async function enqueue(e: EventOf<DeliveredTopic>): Promise<number> {
    const kind = DELIVERED_TOPICS[e.type];
    const said = e.type === 'analysis.completed' ? e.payload.userId : null;
    const ownerId = said ?? (await deps.ownerOf(e.audioId));
    if (!ownerId) {
      deps.log.debug({ audioId: e.audioId, type: e.type }, 'no owner known for the recording; no webhook');
      return 0;
    }
    const targets = (await hooks.find({ scope: 'user', ownerId, disabledAt: null })).filter((h) =>
      h.events.includes(kind),
    );
    if (!targets.length) return 0;
    const message = messageOf(e);
    const body = JSON.stringify(message);
    const now = clock.now();
    let made = 0;
    for (const h of targets) {
      const inserted = await deliveries.insert({
        _id: deliveryIdOf(h._id, message.id),
        webhookId: h._id,
        scope: h.scope,
        ownerId,
        audioId: e.audioId,
        messageId: message.id,
        type: e.type,
        body,
        status: 'pending',
        attempts: [],
        createdAt: now,
        nextAttemptAt: now,
        deliveredAt: null,
      });
      if (inserted) made++;
    }
    if (made) deps.tx.afterCommit(wake);
    return made;
  }

  /** A deleted recording: its deliveries go, pending or done (nothing keeps its id). */
  async function purge(audioId: string): Promise<void> {
    await deliveries.delete({ audioId });
  }

  const onEvent: Handler<DeliveredTopic> = async (e) => void (await enqueue(e));
  const handlers: HandlerMap = withDeletion(
    deletions,
    purge,
    Object.fromEntries(Object.keys(DELIVERED_TOPICS).map((t) => [t, onEvent])) as HandlerMap,
  );

  // ---- the worker ----

  /** One pass: takes the due jobs (a lease each) and attempts them together. Returns how many. */
  async function runDue(limit = 20): Promise<number> {
    const now = clock.now();
    const due = await deliveries.find(
      { status: 'pending', nextAttemptAt: { $lte: now } },
      { sort: { nextAttemptAt: 1 }, limit },
    );
    const taken: DeliveryRecord[] = [];
    for (const job of due) {
      // Conditional on the due time read: of two workers, one takes it.
      const claimed = await deliveries.update(
        { _id: job._id, status: 'pending', nextAttemptAt: job.nextAttemptAt },
        { $set: { nextAttemptAt: now + leaseMs } },
      );
      if (claimed) taken.push(claimed);
    }
    await Promise.all(taken.map((job) => attempt(job)));
    return taken.length;
  }

  async function attempt(job: DeliveryRecord): Promise<void> {
    const log = deps.log.child({ audioId: job.audioId, webhookId: job.webhookId, messageId: job.messageId });
    const hook = await hooks.get(job.webhookId);
    if (!hook || (await deletions.isDeleted(job.audioId))) {
      await deliveries.delete({ _id: job._id });
      return;
    }
    const n = job.attempts.length + 1;
    const started = clock.now();
    let result: DeliveryAttempt;
    if (hook.disabledAt !== null) {
      result = {
        attempt: n,
        at: started,
        statusCode: null,
        error: `webhook disabled: ${hook.disabledReason}`,
        durationMs: 0,
      };
      await finish(job, result, 'failed');
      return;
    }
    const headers = signedHeaders(hook.secret, job.messageId, Math.floor(started / 1000), job.body);
    try {
      const res = await deps.sender.send({
        url: hook.url,
        headers,
        body: job.body,
        timeoutMs: deps.settings.timeoutMs,
      });
      const durationMs = clock.now() - started;
      result =
        'status' in res
          ? { attempt: n, at: started, statusCode: res.status, error: null, durationMs }
          : { attempt: n, at: started, statusCode: null, error: res.error, durationMs };
    } catch (err) {
      result = { attempt: n, at: started, statusCode: null, error: describeError(err).message, durationMs: 0 };
    }
    const code = result.statusCode;
    if (code !== null && code >= 200 && code < 300) {
      log.info({ attempt: n, status: code }, 'webhook delivered');
      await finish(job, result, 'delivered');
    } else if (code === 410) {
      log.warn({ attempt: n }, 'webhook endpoint answered 410 Gone: disabled');
      await hooks.update(
        { _id: hook._id },
        { $set: { disabledAt: clock.now(), disabledReason: 'the endpoint answered 410 Gone' } },
      );
      await finish(job, result, 'failed');
    } else {
      const delay = retryDelay(deps.settings.retry, n, random());
      log.warn({ attempt: n, status: code, error: result.error, retryInMs: delay }, 'webhook delivery failed');
      if (delay === null) await finish(job, result, 'failed');
      else await record(job, result, { status: 'pending', nextAttemptAt: clock.now() + delay });
    }
  }

  const finish = (job: DeliveryRecord, a: DeliveryAttempt, status: 'delivered' | 'failed') =>
    record(job, a, { status, nextAttemptAt: null, deliveredAt: status === 'delivered' ? a.at + a.durationMs : null });

  /** The attempt into the log, conditional on this worker's lease (a job taken again meanwhile is not overwritten). */
  async function record(job: DeliveryRecord, a: DeliveryAttempt, set: Partial<DeliveryRecord>): Promise<void> {
    await deliveries.update(
      { _id: job._id, nextAttemptAt: job.nextAttemptAt },
      { $set: { ...set, attempts: [...job.attempts, a] } },
    );
  }

  // ---- running ----

  let stopped = true;
  let loop: Promise<void> | null = null;

  function start(): void {
    if (!stopped) return;
    stopped = false;
    loop = (async () => {
      while (!stopped) {
        woken = false;
        let n = 0;
        try {
          n = await runDue();
        } catch (err) {
          deps.log.warn({ err }, 'webhook worker pass failed; trying again');
        }
        if (n > 0 || stopped || woken) continue;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, deps.settings.pollMs);
          resume = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        resume = null;
      }
    })();
  }

  async function stop(): Promise<void> {
    stopped = true;
    resume?.();
    await loop;
  }

  return { register, list, remove, deliveriesOf, enqueue, purge, handlers, runDue, start, stop };
}

export type Webhooks = Awaited<ReturnType<typeof createWebhooks>>;

export class TooManyWebhooks extends Error {
  constructor() {
    super(`at most ${MAX_WEBHOOKS_PER_OWNER} webhooks`);
  }
}
