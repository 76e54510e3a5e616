import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { DeleteBucketCommand, DeleteObjectsCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { signToken } from '@speech/platform';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { startServices, type RunningServices } from '@speech/harness';
import { freePort } from '@speech/harness';
import { Api } from './platform';
import { ROOT, track, TSX_ARGS } from './proc';
import { sleep } from './timing';
import type { BenchContext, StackEnv } from './types';

function readEnvFile(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

function portOpen(hostPort: string): Promise<boolean> {
  const [host, port] = hostPort.split(':');
  return new Promise((resolve) => {
    const s = connect({ host, port: Number(port) });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(2000, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

/** The dev stack's env (.stack/env, or $STACK_DIR/env) when its Kafka answers; else a reason. */
export async function detectStack(): Promise<StackEnv | string> {
  const dir = process.env.STACK_DIR ?? join(ROOT, '.stack');
  const file = join(dir, 'env');
  if (!existsSync(file)) return `no ${file}: start the stack with \`bash deploy/stack/up.sh\``;
  const env = readEnvFile(file);
  const broker = (env.KAFKA_BROKERS ?? '').split(',')[0] ?? '';
  if (!broker || !(await portOpen(broker)))
    return `Kafka (${broker || 'KAFKA_BROKERS unset'}) does not answer: start the stack with \`bash deploy/stack/up.sh\``;
  return { env, run: `${Date.now().toString(36)}${randomBytes(2).toString('hex')}` };
}

export interface BenchServices {
  services: RunningServices;
  api: Api;
  secret: string;
  env: Record<string, string>;
  names: { topicPrefix: string; dbPrefix: string; bucket: string };
  extraWorkers: ChildProcess[];
  /** Starts one more stt-worker process with the same env and waits for /readyz. */
  addSttWorker(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * The six services as separate processes (scripts/services.ts) on the stack, with names of their
 * own (topics, databases, bucket) so nothing else on the stack is touched; stop() removes them.
 */
export async function startBenchServices(
  ctx: BenchContext,
  tag: string,
  extraEnv: Record<string, string> = {},
): Promise<BenchServices> {
  if (!ctx.stack) throw new Error(ctx.stackSkipReason);
  const id = `bench-${ctx.stack.run}-${tag}`;
  const names = { topicPrefix: `${id}.`, dbPrefix: id, bucket: id.toLowerCase() };
  const secret = randomBytes(24).toString('base64url');
  const logDir = join(ctx.workDir, `logs-${tag}`);
  mkdirSync(logDir, { recursive: true });
  const env = {
    ...ctx.stack.env,
    KAFKA_TOPIC_PREFIX: names.topicPrefix,
    MONGODB_DB_PREFIX: names.dbPrefix,
    S3_BUCKET: names.bucket,
    AUTH_JWT_SECRET: secret,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '1000000',
    WORK_DIR: join(ctx.workDir, `work-${tag}`),
    ...extraEnv,
  };
  const services = await startServices({
    env,
    gatewayPort: await freePort(),
    logDir,
    readyTimeoutMs: 180_000,
  });
  const token = await signToken(secret, 'bench', '4h');
  const api = new Api(services.gatewayUrl, token);
  const extraWorkers: ChildProcess[] = [];

  const addSttWorker = async (): Promise<number> => {
    const port = await freePort();
    const log = createWriteStream(join(logDir, `stt-worker-${extraWorkers.length + 2}.log`), { flags: 'a' });
    const child = track(
      spawn(process.execPath, [...TSX_ARGS, join(ROOT, 'apps/stt-worker/src/main.ts')], {
        cwd: ROOT,
        env: {
          ...process.env,
          ...env,
          ...(services.whisperUrl ? { WHISPER_URL: services.whisperUrl } : {}),
          PORT: String(port),
          QUERY_URL: `http://127.0.0.1:${services.ports.query}`,
          KAFKAJS_NO_PARTITIONER_WARNING: '1',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    extraWorkers.push(child);
    const deadline = Date.now() + 180_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`extra stt-worker exited with ${child.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return child.pid ?? 0;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('extra stt-worker not ready');
      await sleep(250);
    }
  };

  const stop = async () => {
    await Promise.all(
      extraWorkers.map(
        (c) =>
          new Promise<void>((ok) => {
            if (c.exitCode !== null || c.signalCode) return ok();
            const t = setTimeout(() => c.kill('SIGKILL'), 20_000);
            c.once('exit', () => {
              clearTimeout(t);
              ok();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    await services.stop();
    await removeStackData(env, { ...names, groupPrefix: names.topicPrefix }).catch((err: unknown) =>
      ctx.log(`  (stack clean-up incomplete: ${(err as Error).message})`),
    );
  };
  return { services, api, secret, env, names, extraWorkers, addSttWorker, stop };
}

/** Deletes this run's topics, databases and bucket from the stack. */
export async function removeStackData(
  env: Record<string, string>,
  names: { topicPrefix?: string; dbPrefix?: string; bucket?: string; groupPrefix?: string },
): Promise<void> {
  if (names.topicPrefix || names.groupPrefix) {
    const kafka = new Kafka({
      clientId: 'bench-cleanup',
      brokers: (env.KAFKA_BROKERS ?? '').split(','),
      logLevel: logLevel.NOTHING,
    });
    const admin = kafka.admin();
    await admin.connect();
    try {
      if (names.topicPrefix) {
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(names.topicPrefix as string));
        if (topics.length) await admin.deleteTopics({ topics, timeout: 30_000 });
      }
      if (names.groupPrefix) {
        const groups = (await admin.listGroups()).groups
          .map((g) => g.groupId)
          .filter((g) => g.startsWith(names.groupPrefix as string));
        if (groups.length) await admin.deleteGroups(groups);
      }
    } finally {
      await admin.disconnect();
    }
  }
  if (names.topicPrefix && env.SCHEMA_REGISTRY_URL) {
    // Subjects are `<prefix><topic>-value`: soft-delete, then delete for good.
    const base = env.SCHEMA_REGISTRY_URL.replace(/\/$/, '');
    const res = await fetch(`${base}/subjects`);
    if (res.ok) {
      const subjects = ((await res.json()) as string[]).filter((s) => s.startsWith(names.topicPrefix as string));
      for (const s of subjects) {
        await fetch(`${base}/subjects/${encodeURIComponent(s)}`, { method: 'DELETE' });
        await fetch(`${base}/subjects/${encodeURIComponent(s)}?permanent=true`, { method: 'DELETE' });
      }
    }
  }
  if (names.dbPrefix && env.MONGODB_URL) {
    const client = new MongoClient(env.MONGODB_URL, { serverSelectionTimeoutMS: 10_000 });
    await client.connect();
    try {
      // Each service has its own database, `<prefix>-<service>`.
      const { databases } = await client.db().admin().listDatabases();
      for (const d of databases) if (d.name.startsWith(names.dbPrefix)) await client.db(d.name).dropDatabase();
    } finally {
      await client.close();
    }
  }
  if (names.bucket && env.S3_ENDPOINT) {
    const s3 = new S3Client({
      region: env.AWS_REGION ?? 'us-east-1',
      endpoint: env.S3_ENDPOINT,
      forcePathStyle: true,
      credentials: env.AWS_ACCESS_KEY_ID
        ? { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY ?? '' }
        : undefined,
    });
    try {
      for (;;) {
        const list = await s3.send(new ListObjectsV2Command({ Bucket: names.bucket, MaxKeys: 1000 }));
        const keys = (list.Contents ?? []).map((o) => ({ Key: o.Key as string }));
        if (!keys.length) break;
        await s3.send(new DeleteObjectsCommand({ Bucket: names.bucket, Delete: { Objects: keys, Quiet: true } }));
      }
      await s3.send(new DeleteBucketCommand({ Bucket: names.bucket }));
    } catch (err) {
      if ((err as { name?: string }).name !== 'NoSuchBucket') throw err;
    } finally {
      s3.destroy();
    }
  }
}
