import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { signToken } from '@speech/platform';
import { parseReplicas, ROOT, startServices } from './services';

/**
 * `npm run stack`: the distributed mode on this machine, without Docker. The native stack
 * (Kafka, Apicurio, FerretDB, MinIO) is started by deploy/stack/up.sh first; then the six
 * services run as separate processes. Ctrl-C stops the services (the servers keep their
 * data; `npm run stack:down` stops them too).
 */
async function main(): Promise<void> {
  const stackDir = process.env.STACK_DIR ?? join(ROOT, '.stack');
  const env = Object.fromEntries(
    readFileSync(join(stackDir, 'env'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const secretFile = join(stackDir, 'jwt-secret');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  const secret = process.env.AUTH_JWT_SECRET ?? readFileSync(secretFile, 'utf8').trim();
  const port = Number(process.env.PORT ?? 8080);
  // e.g. STACK_REPLICAS=chunker=2,stt-worker=2: more instances share the work through their consumer groups.
  const replicas = parseReplicas(process.env.STACK_REPLICAS);
  const services = await startServices({
    env: { ...env, AUTH_JWT_SECRET: secret, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    basePort: Number(process.env.SERVICES_BASE_PORT ?? 8181),
    gatewayPort: port,
    logDir: join(stackDir, 'logs'),
    replicas,
    // The Whisper engine's own service (unless WHISPER_URL points at one elsewhere).
    whisperPort: Number(process.env.WHISPER_PORT ?? 8087),
  });
  writeFileSync(
    join(stackDir, 'pids', 'services.json'),
    JSON.stringify({ launcher: process.pid, services: services.pids }, null, 2),
  );
  const token = await signToken(secret, process.env.DEMO_USER ?? 'demo');
  process.stdout.write(
    `\n  The services are up: ${Object.keys(services.pids).join(', ')} (logs in ${join(stackDir, 'logs')}).\n` +
      `  Dashboard:  http://localhost:${port}/#token=${token}\n` +
      `  API token:  export TOKEN=${token}\n` +
      `  Stop:       Ctrl-C (services), npm run stack:down (services and servers)\n\n`,
  );
  const stop = (signal: NodeJS.Signals) => {
    process.stdout.write(`\n  stopping the services (${signal})…\n`);
    services.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
