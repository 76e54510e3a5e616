import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { signToken } from '@speech/platform';
import { entryOf, instancesOf, parseReplicas, portsOf, ROOT, startServices } from '@speech/harness';

/**
 * `npm run stack`: the distributed mode on this machine, without Docker. Starts the native
 * stack (Kafka, Apicurio, FerretDB, MinIO) with deploy/stack/up.sh, then the six services as
 * separate processes. Ctrl-C stops the services (the servers keep their data; `npm run
 * stack:down` stops them too). `--dry-run` checks the settings and prints the plan, starting
 * nothing.
 */
const USAGE = `usage: npm run stack [-- --dry-run]
  --dry-run  check PORT, SERVICES_BASE_PORT and STACK_REPLICAS, print what would start, start nothing
Environment: PORT (gateway, default 8080), SERVICES_BASE_PORT (default 8181), STACK_REPLICAS
(e.g. chunker=2,stt-worker=2), STACK_DIR (default .stack), AUTH_JWT_SECRET, DEMO_USER, LOG_LEVEL.`;

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  const port = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`${name} must be a port number, not "${raw}"`);
  return port;
}

/** Prints the plan: the servers, then each instance with its port and entry point. */
function dryRun(stackDir: string, port: number, basePort: number, replicas: ReturnType<typeof parseReplicas>): void {
  const instances = instancesOf(replicas);
  const ports = portsOf(
    instances.map((i) => i.name),
    basePort,
    port,
  );
  const missing = instances.filter((i) => !existsSync(entryOf(i.service)));
  if (missing.length)
    throw new Error(`no entry point for ${missing.map((i) => relative(ROOT, entryOf(i.service))).join(', ')}`);
  const rows = instances.map(
    (i) => `    ${i.name.padEnd(18)} :${ports[i.name]}  ${relative(ROOT, entryOf(i.service))}`,
  );
  process.stdout.write(
    `npm run stack would start (dry run: nothing started):\n` +
      `  1. the servers, with deploy/stack/up.sh: Kafka, Apicurio Registry, FerretDB, MinIO; the first run builds them\n` +
      `     into ~/.cache/speech-stack (about 7 min), later starts take seconds; settings go to ${relative(ROOT, stackDir) || '.'}/env\n` +
      `  2. ${instances.length} service instances:\n${rows.join('\n')}\n` +
      `  Dashboard and API on http://localhost:${port} (PORT).\n`,
  );
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const unknown = argv.filter((a) => a !== '--dry-run');
  if (unknown.length) {
    process.stderr.write(`unknown argument ${unknown.join(' ')}\n${USAGE}\n`);
    process.exit(2);
  }
  const stackDir = process.env.STACK_DIR ?? join(ROOT, '.stack');
  let port: number;
  let basePort: number;
  let replicas: ReturnType<typeof parseReplicas>;
  try {
    port = portFrom('PORT', 8080);
    basePort = portFrom('SERVICES_BASE_PORT', 8181);
    // e.g. STACK_REPLICAS=chunker=2,stt-worker=2: more instances share the work through their consumer groups.
    replicas = parseReplicas(process.env.STACK_REPLICAS);
    if (argv.includes('--dry-run')) return dryRun(stackDir, port, basePort, replicas);
  } catch (err) {
    process.stderr.write(`npm run stack: ${(err as Error).message}\n`);
    process.exit(2);
  }

  process.stderr.write(
    '[stack] starting the servers with deploy/stack/up.sh (the first run builds them: about 7 min)\n',
  );
  const up = spawnSync('bash', [join(ROOT, 'deploy/stack/up.sh')], { cwd: ROOT, stdio: 'inherit' });
  if (up.status !== 0) {
    process.stderr.write(`deploy/stack/up.sh failed (exit ${up.status ?? up.signal}): see its lines above\n`);
    process.exit(1);
  }
  const env = Object.fromEntries(
    readFileSync(join(stackDir, 'env'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  const secretFile = join(stackDir, 'jwt-secret');
  if (!existsSync(secretFile)) writeFileSync(secretFile, randomBytes(32).toString('base64url'), { mode: 0o600 });
  const secret = process.env.AUTH_JWT_SECRET ?? readFileSync(secretFile, 'utf8').trim();
  const services = await startServices({
    env: { ...env, AUTH_JWT_SECRET: secret, LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' },
    basePort,
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
