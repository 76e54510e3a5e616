import { randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import { Type } from 'avsc';
import { loadSchemas, type EventOf } from '@speech/contracts';
import { AppError } from '@speech/kernel';
import { anEvent } from '@speech/testing';
import { testStackEnv } from '@speech/harness';
import { SchemaRegistryCodec } from './schema-registry-codec';

jest.setTimeout(60_000);

/** audio.uploaded as it was before durationMs and channels: what an older producer writes. */
function olderAudioUploaded(): unknown {
  const s = structuredClone(loadSchemas().get('audio.uploaded')?.schema) as {
    fields: Array<{ name: string; type: { fields: Array<{ name: string }> } }>;
  };
  const payload = s.fields.find((f) => f.name === 'payload');
  if (!payload) throw new Error('audio.uploaded has no payload');
  payload.type.fields = payload.type.fields.filter((f) => f.name !== 'durationMs' && f.name !== 'channels');
  return s;
}

describe('SchemaRegistryCodec on a real registry', () => {
  afterEach(() => jest.restoreAllMocks());

  it('reads an older writer schema with our defaults, asking the registry once per writer schema', async () => {
    const env = testStackEnv();
    const prefix = `c${randomUUID().slice(0, 8)}.`;
    const registry = new SchemaRegistry({ host: env.SCHEMA_REGISTRY_URL });
    const older = olderAudioUploaded();
    const { id } = await registry.register(
      { type: SchemaType.AVRO, schema: JSON.stringify(older) },
      { subject: `${prefix}audio.uploaded-value` },
    );
    const event = anEvent('audio.uploaded', 'a1', { userId: 'u1', filename: 'call.mp3' }) as EventOf<'audio.uploaded'>;
    const olderPayload: Record<string, unknown> = { ...event.payload };
    delete olderPayload.durationMs;
    delete olderPayload.channels;
    const message = await registry.encode(id, { ...event, payload: olderPayload });

    const codec = new SchemaRegistryCodec(env.SCHEMA_REGISTRY_URL, { topicPrefix: prefix });
    const lookups = jest.spyOn(SchemaRegistry.prototype, 'getSchema');
    // avsc builds a resolver recursively (one call per nested type): count the calls of one build.
    const resolvers = jest.spyOn(Type.prototype, 'createResolver');
    const decodeOlder = async () => {
      const decoded = await codec.decode('audio.uploaded', message);
      expect(decoded.payload).toMatchObject({ userId: 'u1', filename: 'call.mp3', durationMs: null, channels: null });
    };
    await decodeOlder();
    const oneBuild = resolvers.mock.calls.length;
    expect(oneBuild).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) await decodeOlder();
    expect(resolvers).toHaveBeenCalledTimes(oneBuild);
    expect(lookups).toHaveBeenCalledTimes(1);

    // Our own schema: encode registers it, decode reads it back without a resolver.
    const own = await codec.encode(event);
    expect(own.readInt32BE(1)).not.toBe(id);
    expect(await codec.decode('audio.uploaded', own)).toEqual(event);
    expect(lookups).toHaveBeenCalledTimes(2);
  });

  it('rejects a message that is not in the wire format, as not worth retrying', async () => {
    const codec = new SchemaRegistryCodec(testStackEnv().SCHEMA_REGISTRY_URL);
    const err = await codec.decode('audio.uploaded', Buffer.from('{"not":"avro"}')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect(err).toMatchObject({ code: 'CONTRACT.UNDECODABLE', retriable: false });
  });

  describe('behind a registry that wants basic auth', () => {
    let proxy: Server;
    let url: string;
    beforeAll(async () => {
      // A reverse proxy in front of the real registry that answers 401 without the right credentials.
      const upstream = new URL(testStackEnv().SCHEMA_REGISTRY_URL);
      const expected = `Basic ${Buffer.from('registry-key:registry-secret').toString('base64')}`;
      proxy = createServer((req, res) => {
        if (req.headers.authorization !== expected) {
          res.writeHead(401, { 'content-type': 'application/json' }).end('{"error_code":401,"message":"Unauthorized"}');
          return;
        }
        const fwd = request(
          {
            host: upstream.hostname,
            port: upstream.port,
            method: req.method,
            path: `${upstream.pathname.replace(/\/$/, '')}${req.url}`,
            headers: { ...req.headers, host: upstream.host },
          },
          (up) => {
            res.writeHead(up.statusCode ?? 502, up.headers);
            up.pipe(res);
          },
        );
        fwd.on('error', () => res.writeHead(502).end());
        req.pipe(fwd);
      });
      await new Promise<void>((ok) => proxy.listen(0, '127.0.0.1', ok));
      url = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise<void>((ok) => proxy.close(() => ok()));
    });

    it('registers and round-trips with the credentials', async () => {
      const codec = new SchemaRegistryCodec(url, {
        topicPrefix: `c${randomUUID().slice(0, 8)}.`,
        auth: { username: 'registry-key', password: 'registry-secret' },
      });
      const event = anEvent('chunk.created', 'a2', { index: 3 });
      expect(await codec.decode('chunk.created', await codec.encode(event))).toEqual(event);
    });

    it('is refused without them', async () => {
      const codec = new SchemaRegistryCodec(url, { topicPrefix: `c${randomUUID().slice(0, 8)}.` });
      await expect(codec.register('chunk.created')).rejects.toMatchObject({ status: 401 });
    });
  });
});
