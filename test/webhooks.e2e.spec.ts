import { createHmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Api, errorOf, FIXTURES, PlatformProcess } from '@speech/harness';
import { eventually } from '@speech/testing';

jest.setTimeout(10 * 60_000);

interface Received {
  headers: IncomingHttpHeaders;
  body: string;
}

interface DeliveryView {
  id: string;
  messageId: string;
  type: string;
  audioId: string;
  status: 'pending' | 'delivered' | 'failed';
  attempts: { attempt: number; at: number; statusCode: number | null; error: string | null }[];
}

/** A webhook receiver on 127.0.0.1 that can be stopped and started again on its port. */
class Receiver {
  readonly received: Received[] = [];
  private server: Server | null = null;
  port = 0;

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body });
        res.statusCode = 204;
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** The receiver's side of the check, written out as the README shows it. */
function verified(secret: string, r: Received): boolean {
  const id = String(r.headers['webhook-id']);
  const ts = String(r.headers['webhook-timestamp']);
  const expected = 'v1=' + createHmac('sha256', secret).update(`${id}.${ts}.${r.body}`).digest('hex');
  const fresh = Math.abs(Date.now() / 1000 - Number(ts)) < 300;
  return fresh && String(r.headers['webhook-signature']).split(' ').includes(expected);
}

/**
 * Webhooks on the single process, end to end: a receiver started here is registered for
 * `analyzed`, gets a correctly signed `analysis.completed` for a call transcribed and analysed
 * with real ffmpeg, Whisper and the offline analyst; then it is down while a second analysis
 * completes, and once it is back the retries deliver it, the log showing the failed attempts.
 * Short retry delays through WEBHOOK_RETRY_SCHEDULE; the waits are bounds, never speed assertions.
 */
describe('webhooks (HTTP API)', () => {
  const platform = new PlatformProcess(undefined, {
    WEBHOOK_ALLOW_PRIVATE: 'true', // the receiver is on 127.0.0.1
    WEBHOOK_RETRY_SCHEDULE: ['200ms', '400ms', '800ms', ...Array<string>(27).fill('1s')].join(','),
    WEBHOOK_POLL_MS: '100',
  });
  const receiver = new Receiver();
  let alice: Api;
  let bob: Api;
  let audioId: string;
  let webhookId: string;
  let secret: string;

  const send = (api: Api, method: string, path: string, body?: unknown) =>
    fetch(`${platform.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${api.token}`,
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const deliveries = async () =>
    (await alice.json<{ items: DeliveryView[] }>(`/webhooks/${webhookId}/deliveries`)).items;
  const messages = () => receiver.received.map((r) => ({ r, m: JSON.parse(r.body) as Record<string, unknown> }));

  beforeAll(async () => {
    await receiver.start();
    await platform.start();
    alice = new Api(platform.url, await platform.token('alice'));
    bob = new Api(platform.url, await platform.token('bob'));
  });
  afterAll(async () => {
    await receiver.stop();
    await platform.cleanup();
  });

  it.each([
    [{ url: 'ftp://127.0.0.1/x', events: ['analyzed'] }, 'WEBHOOK.BAD_URL', /http:\/\/ or https:\/\//],
    [{ url: 'not a url', events: ['analyzed'] }, 'WEBHOOK.BAD_URL', /not a URL/],
    [{ url: 'http://127.0.0.1/x', events: [] }, 'WEBHOOK.BAD_REQUEST', /events is required/],
    [{ url: 'http://127.0.0.1/x', events: ['paid'] }, 'WEBHOOK.BAD_REQUEST', /unknown event "paid"/],
    [{ url: 'http://127.0.0.1/x', events: ['tracker.hit'] }, 'WEBHOOK.BAD_REQUEST', /not available yet/],
    [{ url: 'http://127.0.0.1/x', events: ['analyzed'], secret: 'short' }, 'WEBHOOK.BAD_REQUEST', /secret must be/],
    [{ url: 'http://127.0.0.1/x', events: ['analyzed'], owner: 'bob' }, 'WEBHOOK.BAD_REQUEST', /unknown fields: owner/],
    [['http://127.0.0.1/x'], 'WEBHOOK.BAD_REQUEST', /expected a JSON object/],
  ])('refuses the registration %j with 400 and a reason', async (body, code, reason) => {
    const res = await send(alice, 'POST', '/webhooks', body);
    expect(res.status).toBe(400);
    const err = await errorOf(res);
    expect([err.code, err.message]).toEqual([code, expect.stringMatching(reason)]);
  });

  it('registers the receiver and shows the secret once', async () => {
    const res = await send(alice, 'POST', '/webhooks', {
      url: `http://127.0.0.1:${receiver.port}/hooks/speech`,
      events: ['analyzed', 'analyzed'],
    });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { id: string; secret: string; events: string[]; enabled: boolean };
    expect(body).toMatchObject({ events: ['analyzed'], enabled: true, secret: expect.stringMatching(/^whsec_/) });
    webhookId = body.id;
    secret = body.secret;
    const listed = await alice.json<{ items: Record<string, unknown>[] }>('/webhooks');
    expect(listed.items).toEqual([expect.objectContaining({ id: webhookId, events: ['analyzed'] })]);
    expect(listed.items[0]).not.toHaveProperty('secret');
    expect((await bob.json<{ items: unknown[] }>('/webhooks')).items).toEqual([]);
  });

  it('delivers a correctly signed analysis.completed', async () => {
    const res = await alice.upload(join(FIXTURES, 'product-names.stereo.mp3'), {
      autoTranscribe: 'true',
      autoAnalyze: 'true',
    });
    expect(res.status).toBe(201);
    audioId = ((await res.json()) as { audioId: string }).audioId;
    await alice.waitFor(audioId, 'analyzed', 8 * 60_000);
    const got = await eventually(
      'the analysis.completed delivery',
      () => messages().find(({ m }) => m.type === 'analysis.completed' && m.audioId === audioId),
      60_000,
      100,
    );
    expect(verified(secret, got.r)).toBe(true);
    expect(verified('whsec_not-the-secret', got.r)).toBe(false);
    expect(got.r.headers['webhook-id']).toBe(got.m.id);
    expect(got.m).toMatchObject({
      type: 'analysis.completed',
      audioId,
      occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      data: { analysisId: expect.any(String), issueCount: expect.any(Number), recordingPath: `/audios/${audioId}` },
    });
    // The path it names serves the analysis.
    const data = got.m.data as { analysisPath: string };
    expect((await alice.get(data.analysisPath)).status).toBe(200);
    // Only what it was registered for: no transcript.completed.
    expect(messages().map(({ m }) => m.type)).toEqual(['analysis.completed']);
    const log = await deliveries();
    expect(log).toEqual([
      expect.objectContaining({ status: 'delivered', messageId: got.m.id, audioId, type: 'analysis.completed' }),
    ]);
    expect(log[0]?.attempts.map((a) => a.statusCode)).toEqual([204]);
  });

  it('delivers after the receiver was down, the log showing the failed attempts and the success', async () => {
    await receiver.stop();
    const again = await alice.post(`/analyze/${audioId}`);
    expect(again.status).toBe(202);
    const second = ((await again.json()) as { analysisId: string }).analysisId;
    const isSecond = (d: DeliveryView) => d.status !== 'failed' && d.messageId !== messages()[0]?.m.id;
    // Down: attempts fail (connection refused) and are retried.
    await eventually(
      'two failed attempts',
      async () => ((await deliveries()).find(isSecond)?.attempts.length ?? 0) >= 2,
      5 * 60_000,
      100,
    );
    await receiver.start(); // back, on the same port
    const got = await eventually(
      'the second analysis.completed',
      () => messages().find(({ m }) => (m.data as { analysisId?: string }).analysisId === second),
      60_000,
      100,
    );
    expect(verified(secret, got.r)).toBe(true);
    const job = await eventually(
      'the delivery logged as delivered',
      async () => (await deliveries()).find((d) => d.messageId === got.m.id && d.status === 'delivered'),
      30_000,
      100,
    );
    const attempts = job.attempts;
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.slice(0, -1).every((a) => a.statusCode === null && a.error)).toBe(true);
    expect(attempts.at(-1)).toMatchObject({ statusCode: 204, error: null });
    expect(attempts.map((a) => a.attempt)).toEqual(attempts.map((_, i) => i + 1));
  });

  it("answers 404 for another user's webhook, and deletes the owner's", async () => {
    expect((await send(bob, 'GET', `/webhooks/${webhookId}/deliveries`)).status).toBe(404);
    const refused = await send(bob, 'DELETE', `/webhooks/${webhookId}`);
    expect([refused.status, (await errorOf(refused)).code]).toEqual([404, 'WEBHOOK.NOT_FOUND']);
    expect((await send(alice, 'GET', `/webhooks/${webhookId}/deliveries?limit=0`)).status).toBe(400);
    expect((await send(alice, 'DELETE', `/webhooks/${webhookId}`)).status).toBe(204);
    expect((await send(alice, 'GET', `/webhooks/${webhookId}/deliveries`)).status).toBe(404);
    expect((await alice.json<{ items: unknown[] }>('/webhooks')).items).toEqual([]);
  });
});
