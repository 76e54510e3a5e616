import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import type { RecordingView } from '@speech/contracts';
import { Api, FIXTURES, freePort, SERVICES, startServices, testStackEnv, type RunningServices } from '@speech/harness';
import { signToken } from '@speech/platform';
import { S3ObjectStore } from '@speech/storage';
import { eventually } from '@speech/testing';

jest.setTimeout(10 * 60_000);

/**
 * DELETE /audios/:id in the distributed mode: six processes on Kafka, a MongoDB-wire database
 * (one database per service) and S3. After the deletion, no object of the bucket and no
 * document of any collection of any service's database holds the recording's id, and a
 * recording kept beside it is untouched.
 */
describe('delete a recording (distributed mode)', () => {
  const run = randomUUID().slice(0, 8);
  const logDir = mkdtempSync(join(tmpdir(), 'speech-manage-'));
  const secret = randomUUID() + randomUUID();
  const env = testStackEnv();
  let services: RunningServices;
  let api: Api;
  let mongo: MongoClient;
  let bucket: S3ObjectStore;

  beforeAll(async () => {
    services = await startServices({
      env: {
        ...env,
        KAFKA_TOPIC_PREFIX: `manage-${run}.`,
        MONGODB_DB_PREFIX: `manage-${run}`,
        S3_BUCKET: `manage-${run}`,
        AUTH_JWT_SECRET: secret,
        LOG_LEVEL: 'warn',
      },
      gatewayPort: await freePort(),
      logDir,
    });
    api = new Api(services.gatewayUrl, await signToken(secret, 'owner', '1h'));
    mongo = await MongoClient.connect(env.MONGODB_URL as string);
    bucket = new S3ObjectStore({
      bucket: `manage-${run}`,
      region: env.AWS_REGION,
      endpoint: env.S3_ENDPOINT,
      accessKeyId: env.AWS_ACCESS_KEY_ID,
      secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    });
  });

  afterAll(async () => {
    await services?.stop();
    await mongo?.close();
    bucket?.close();
    rmSync(logDir, { recursive: true, force: true });
  });

  /** Keys in the bucket that hold the id (in the key or in the object). */
  async function objectsWith(id: string): Promise<string[]> {
    const found: string[] = [];
    for await (const key of bucket.list('')) {
      if (key.includes(id) || (await bucket.getBuffer(key)).includes(id)) found.push(key);
    }
    return found;
  }

  /** `<database>.<collection>` of every service's database with a document that holds the id. */
  async function documentsWith(id: string): Promise<string[]> {
    const found: string[] = [];
    for (const service of SERVICES) {
      const db = mongo.db(`manage-${run}-${service}`);
      for (const { name } of await db.listCollections().toArray()) {
        for await (const doc of db.collection(name).find({})) {
          if (JSON.stringify(doc).includes(id)) found.push(`${db.databaseName}.${name}`);
        }
      }
    }
    return found;
  }

  it('leaves no object in the bucket and no document in any collection with the id', async () => {
    const upload = async () => {
      const res = await api.upload(join(FIXTURES, 'product-names.stereo.mp3'), {
        autoTranscribe: 'true',
        autoAnalyze: 'true',
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as { audioId: string }).audioId;
    };
    const [gone, kept] = [await upload(), await upload()];
    await api.waitFor(gone, 'analyzed', 300_000);
    await api.waitFor(kept, 'analyzed', 300_000);
    expect((await objectsWith(gone)).length).toBeGreaterThan(3);
    expect((await documentsWith(gone)).length).toBeGreaterThan(5);

    // Another user's DELETE is a 404, as a read of it would be.
    const other = new Api(services.gatewayUrl, await signToken(secret, 'someone-else', '1h'));
    const refused = await fetch(`${services.gatewayUrl}/audios/${gone}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(refused.status).toBe(404);

    const res = await fetch(`${services.gatewayUrl}/audios/${gone}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${api.token}` },
    });
    expect(res.status).toBe(202);
    expect((await api.get(`/audios/${gone}`)).status).toBe(404);

    await eventually(
      'every service to remove its share',
      async () => (await objectsWith(gone)).length === 0 && (await documentsWith(gone)).length === 0,
      180_000,
      1000,
    );
    const page = await api.json<{ items: RecordingView[] }>('/all?limit=50');
    expect(page.items.map((v) => v.audioId)).toEqual([kept]);
    expect((await api.get(`/audios/${kept}/transcript`)).status).toBe(200);
    expect((await objectsWith(kept)).length).toBeGreaterThan(3);
  });
});
