import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { silentLogger } from '@speech/platform';
import { subscribeAll } from '@speech/service-kit';
import { anEvent, eventually, inMemoryPlatform } from '@speech/testing';
import { httpWebhookSender, type WebhookRequest, type WebhookResponse, type WebhookSender } from './http-sender';
import type { DeliveryRecord, WebhookMessage } from './model';
import { verifySignature } from './signature';
import { createWebhooks, DELIVERIES, GROUP } from './webhooks';

/** A sender that answers from a script (then 200) and keeps every request. */
function fakeSender(script: WebhookResponse[] = []): WebhookSender & { sent: WebhookRequest[] } {
  const sent: WebhookRequest[] = [];
  return {
    sent,
    async send(req) {
      sent.push(req);
      return script.shift() ?? { status: 200 };
    },
  };
}

function fakeClock(start = 1_700_000_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

async function setup(sender: WebhookSender, owners: Record<string, string> = { a1: 'alice' }) {
  const platform = inMemoryPlatform({ retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 2 } });
  const clock = fakeClock();
  const webhooks = await createWebhooks({
    docs: platform.docs,
    tx: platform.database,
    log: silentLogger(),
    ownerOf: async (id) => owners[id] ?? null,
    sender,
    resolve: async () => ['93.184.216.34'],
    settings: {
      allowPrivate: false,
      retry: { schedule: [10_000, 30_000, 120_000], jitter: 0 },
      timeoutMs: 1000,
      pollMs: 10,
    },
    clock,
    random: () => 0.5,
  });
  subscribeAll(platform.bus, GROUP, webhooks.handlers);
  await platform.bus.start();
  const deliveries = platform.docs.collection<DeliveryRecord>(DELIVERIES);
  return { ...platform, clock, webhooks, deliveries };
}

const analysed = (analysisId: string, userId: string | null = 'alice') =>
  anEvent('analysis.completed', 'a1', { analysisId, userId, issueCount: 3, callType: 'renewal' });

describe('webhooks', () => {
  let env: Awaited<ReturnType<typeof setup>>;
  afterEach(async () => env?.close());

  it('makes one job per webhook and message, whatever is redelivered or announced again', async () => {
    env = await setup(fakeSender());
    const hook = await env.webhooks.register('alice', { url: 'https://hooks.example.com/in', events: ['analyzed'] });
    await env.webhooks.register('alice', { url: 'https://other.example.com/in', events: ['transcribed'] });
    await env.webhooks.register('bob', { url: 'https://bob.example.com/in', events: ['analyzed'] });
    const event = analysed('an-1');
    await env.bus.publish(event);
    await env.bus.publish(event); // a redelivery
    await env.bus.publish(analysed('an-1')); // the analyzer announcing it again: another eventId
    await env.bus.publish(analysed('an-2'));
    await eventually('both analyses queued', async () => (await env.deliveries.count({})) === 2);
    // The transcript webhook and bob's got nothing.
    const jobs = await env.deliveries.find({}, { sort: { createdAt: 1 } });
    expect(jobs.map((j) => j.webhookId)).toEqual([hook._id, hook._id]);
    expect(new Set(jobs.map((j) => j.messageId)).size).toBe(2);
    expect(await env.webhooks.enqueue(event)).toBe(0);
  });

  it('finds the owner of an event that does not name one (the gateway’s record)', async () => {
    env = await setup(fakeSender());
    await env.webhooks.register('alice', { url: 'https://hooks.example.com/in', events: ['transcribed', 'failed'] });
    expect(await env.webhooks.enqueue(anEvent('transcript.completed', 'a1', { wordCount: 42 }))).toBe(1);
    expect(await env.webhooks.enqueue(anEvent('transcription.failed', 'a1', {}))).toBe(1);
    expect(await env.webhooks.enqueue(anEvent('analysis.failed', 'a1', { analysisId: 'an-9' }))).toBe(1);
    expect(await env.webhooks.enqueue(anEvent('transcript.completed', 'unknown-recording', {}))).toBe(0);
  });

  it('signs each attempt, retries on the schedule, and logs every attempt until it is delivered', async () => {
    const sender = fakeSender([{ status: 503 }, { error: 'connect ECONNREFUSED' }, { status: 200 }]);
    env = await setup(sender);
    const hook = await env.webhooks.register('alice', { url: 'https://hooks.example.com/in', events: ['analyzed'] });
    await env.webhooks.enqueue(analysed('an-1'));

    expect(await env.webhooks.runDue()).toBe(1); // 503
    expect(await env.webhooks.runDue()).toBe(0); // not due before its delay
    env.clock.advance(9_999);
    expect(await env.webhooks.runDue()).toBe(0);
    env.clock.advance(1);
    expect(await env.webhooks.runDue()).toBe(1); // refused
    env.clock.advance(30_000);
    expect(await env.webhooks.runDue()).toBe(1); // 200
    expect(sender.sent).toHaveLength(3);

    const [job] = (await env.webhooks.deliveriesOf('alice', hook._id, 10)) ?? [];
    expect(job).toMatchObject({ status: 'delivered', nextAttemptAt: null, type: 'analysis.completed' });
    expect(job?.attempts.map((a) => [a.attempt, a.statusCode, a.error])).toEqual([
      [1, 503, null],
      [2, null, 'connect ECONNREFUSED'],
      [3, 200, null],
    ]);
    // The same id and body every time; a fresh timestamp, each signed with the webhook's secret.
    for (const req of sender.sent) {
      expect(req.url).toBe('https://hooks.example.com/in');
      expect(req.body).toBe(sender.sent[0]!.body);
      expect(req.headers['webhook-id']).toBe(job?.messageId);
      const ok = verifySignature(
        hook.secret,
        {
          id: req.headers['webhook-id']!,
          timestamp: req.headers['webhook-timestamp']!,
          signature: req.headers['webhook-signature']!,
        },
        req.body,
        Number(req.headers['webhook-timestamp']),
      );
      expect(ok).toBe(true);
    }
    expect(sender.sent.map((r) => Number(r.headers['webhook-timestamp']))).toEqual([
      1700000000, 1700000010, 1700000040,
    ]);
    const body = JSON.parse(sender.sent[0]!.body) as WebhookMessage;
    expect(body).toMatchObject({
      id: job?.messageId,
      type: 'analysis.completed',
      audioId: 'a1',
      data: { analysisId: 'an-1', issueCount: 3, callType: 'renewal', analysisPath: '/audios/a1/analyses/an-1' },
    });
    expect(new Date(body.occurredAt).toISOString()).toBe(body.occurredAt);
  });

  it('gives up after the last delay, and disables a webhook that answers 410', async () => {
    const sender = fakeSender([{ status: 500 }, { status: 500 }, { status: 500 }, { status: 500 }, { status: 410 }]);
    env = await setup(sender);
    const hook = await env.webhooks.register('alice', { url: 'https://hooks.example.com/in', events: ['analyzed'] });
    await env.webhooks.enqueue(analysed('an-1'));
    for (let i = 0; i < 4; i++) {
      await env.webhooks.runDue();
      env.clock.advance(200_000);
    }
    const [failed] = (await env.webhooks.deliveriesOf('alice', hook._id, 10)) ?? [];
    expect([failed?.status, failed?.attempts.length, failed?.nextAttemptAt]).toEqual(['failed', 4, null]);

    await env.webhooks.enqueue(analysed('an-2'));
    await env.webhooks.enqueue(analysed('an-3'));
    await env.webhooks.runDue(1); // the 410
    const [listed] = await env.webhooks.list('alice');
    expect(listed).toMatchObject({ disabledReason: 'the endpoint answered 410 Gone' });
    await env.webhooks.runDue(); // the other one is not sent
    expect(sender.sent).toHaveLength(5);
    // Nothing new is queued for it either.
    expect(await env.webhooks.enqueue(analysed('an-4'))).toBe(0);
  });

  it('takes a job once when two workers look at once, and again after a crashed worker’s lease', async () => {
    const sender = fakeSender();
    env = await setup(sender);
    await env.webhooks.register('alice', { url: 'https://hooks.example.com/in', events: ['analyzed'] });
    await env.webhooks.enqueue(analysed('an-1'));
    const [job] = await env.deliveries.find({});
    // Two workers taking it at the same instant: the conditional update lets one have it.
    const claim = () =>
      env.deliveries.update(
        { _id: job!._id, status: 'pending', nextAttemptAt: job!.nextAttemptAt },
        { $set: { nextAttemptAt: env.clock.now() + 40_000 } }, // the lease: the timeout + 30 s
      );
    const taken = await Promise.all([claim(), claim()]);
    expect(taken.filter(Boolean)).toHaveLength(1);
    // The worker that took it crashed before sending: nothing is due until its lease runs out.
    expect(await env.webhooks.runDue()).toBe(0);
    env.clock.advance(40_000);
    expect(await env.webhooks.runDue()).toBe(1);
    expect(sender.sent).toHaveLength(1);
  });

  it('drops the deliveries of a deleted recording, and sends nothing for it afterwards', async () => {
    const sender = fakeSender([{ status: 503 }]);
    env = await setup(sender);
    const hook = await env.webhooks.register('alice', { url: 'https://hooks.example.com/in', events: ['analyzed'] });
    await env.bus.publish(analysed('an-1'));
    await eventually('queued', async () => (await env.deliveries.count({})) === 1);
    await env.webhooks.runDue();
    await env.bus.publish(anEvent('audio.deleted', 'a1', { userId: 'alice' }));
    await eventually('dropped', async () => (await env.deliveries.count({})) === 0);
    await env.bus.publish(analysed('an-2')); // late
    env.clock.advance(60_000);
    await env.webhooks.runDue();
    expect(sender.sent).toHaveLength(1);
    expect(await env.webhooks.deliveriesOf('alice', hook._id, 10)).toEqual([]);
  });

  it('lists, reads and deletes only the owner’s webhooks', async () => {
    env = await setup(fakeSender());
    const hook = await env.webhooks.register('alice', { url: 'https://hooks.example.com/in', events: ['analyzed'] });
    expect(await env.webhooks.list('bob')).toEqual([]);
    expect(await env.webhooks.deliveriesOf('bob', hook._id, 10)).toBeNull();
    expect(await env.webhooks.remove('bob', hook._id)).toBe(false);
    await env.webhooks.enqueue(analysed('an-1'));
    expect(await env.webhooks.remove('alice', hook._id)).toBe(true);
    expect(await env.webhooks.list('alice')).toEqual([]);
    expect(await env.deliveries.count({})).toBe(0);
  });

  it('refuses a private URL at registration unless allowed', async () => {
    env = await setup(fakeSender());
    await expect(
      env.webhooks.register('alice', { url: 'http://169.254.169.254/latest', events: ['analyzed'] }),
    ).rejects.toMatchObject({ code: 'WEBHOOK.PRIVATE_ADDRESS' });
  });
});

describe('the node:http sender', () => {
  let server: Server;
  let port: number;
  const seen: { headers: Record<string, unknown>; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        seen.push({ headers: req.headers, body });
        res.statusCode = req.url === '/gone' ? 410 : 204;
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const request = (url: string): WebhookRequest => ({
    url,
    headers: { 'content-type': 'application/json', 'webhook-id': 'msg_1' },
    body: '{"a":1}',
    timeoutMs: 5000,
  });

  it('posts the body and headers and reports the status', async () => {
    const sender = httpWebhookSender({ allowPrivate: true });
    expect(await sender.send(request(`http://127.0.0.1:${port}/in`))).toEqual({ status: 204 });
    expect(await sender.send(request(`http://127.0.0.1:${port}/gone`))).toEqual({ status: 410 });
    expect(seen[0]).toMatchObject({ body: '{"a":1}', headers: { 'webhook-id': 'msg_1', 'content-length': '7' } });
  });

  it('refuses a private address at delivery time: a literal, or a name that now resolves to one', async () => {
    const sender = httpWebhookSender({ allowPrivate: false, resolve: async () => ['127.0.0.1'] });
    const before = seen.length;
    expect(await sender.send(request(`http://127.0.0.1:${port}/in`))).toMatchObject({ error: /private/ });
    expect(await sender.send(request(`http://[::ffff:127.0.0.1]:${port}/in`))).toMatchObject({ error: /private/ });
    // `localhost` is resolved by the connection's own lookup, which refuses it too.
    const unguarded = httpWebhookSender({ allowPrivate: false, resolve: async () => ['93.184.216.34'] });
    expect(await unguarded.send(request(`http://localhost:${port}/in`))).toMatchObject({ error: /private/ });
    expect(seen.length).toBe(before);
  });

  it('reports an endpoint that does not answer in time', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const p = (silent.address() as AddressInfo).port;
    const res = await httpWebhookSender({ allowPrivate: true }).send({
      ...request(`http://127.0.0.1:${p}/`),
      timeoutMs: 200,
    });
    expect(res).toMatchObject({ error: /no answer in 200 ms/ });
    silent.closeAllConnections();
    await new Promise<void>((r) => silent.close(() => r()));
  });
});
