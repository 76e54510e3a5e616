import { ROOT } from '../root';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The servers integration and distributed end-to-end tests talk to: Kafka, a
 * Confluent-compatible schema registry, a MongoDB-wire database and an S3-compatible store.
 *
 * - With a Docker engine: official images through testcontainers.
 * - Without one (these machines): the native stack of deploy/stack, on test-only ports and
 *   a test-only folder (.stack/test), so a test can never write to a developer's stack.
 */
/** TEST_STACK_DIR moves the test stack's folder (default .stack/test), e.g. for a second copy on one machine. */
export const TEST_STACK_DIR = process.env.TEST_STACK_DIR ?? join(ROOT, '.stack/test');
const ENV_FILE = join(TEST_STACK_DIR, 'env');

/** The test stack's ports at the default offset: the dev stack's ports (deploy/stack/lib.sh) + 10000. */
const DEFAULT_TEST_PORTS = {
  KAFKA_PORT: 29092,
  KAFKA_CONTROLLER_PORT: 29093,
  REGISTRY_PORT: 28081,
  REGISTRY_MGMT_PORT: 28082,
  FERRETDB_PORT: 27028,
  FERRETDB_DEBUG_PORT: 28088,
  S3_PORT: 29000,
  S3_CONSOLE_PORT: 29001,
};
const DEFAULT_OFFSET = 10_000;

/**
 * Ports of the native test stack: the dev stack's + TEST_STACK_PORT_OFFSET (default 10000), so
 * both can run at once. Another offset, with another TEST_STACK_DIR, runs a second test stack
 * beside them (e.g. TEST_STACK_PORT_OFFSET=20000).
 */
export const TEST_PORTS = testPorts(process.env.TEST_STACK_PORT_OFFSET);

function testPorts(raw: string | undefined): Record<keyof typeof DEFAULT_TEST_PORTS, string> {
  const offset = raw === undefined || raw === '' ? DEFAULT_OFFSET : Number(raw);
  if (!Number.isInteger(offset) || offset < 1000 || offset > 30_000) {
    throw new Error(`TEST_STACK_PORT_OFFSET must be an integer from 1000 to 30000 (got ${raw})`);
  }
  return Object.fromEntries(
    Object.entries(DEFAULT_TEST_PORTS).map(([k, p]) => [k, String(p + offset - DEFAULT_OFFSET)]),
  ) as Record<keyof typeof DEFAULT_TEST_PORTS, string>;
}

export type StackEnv = Record<string, string>;

export function dockerAvailable(): boolean {
  if (process.env.TEST_STACK === 'native') return false;
  const r = spawnSync('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 5_000, stdio: 'ignore' });
  return r.status === 0;
}

export function readEnvFile(file: string): StackEnv {
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('='))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

export function startNativeStack(): StackEnv {
  execFileSync('bash', [join(ROOT, 'deploy/stack/up.sh')], {
    cwd: ROOT,
    env: { ...process.env, ...TEST_PORTS, STACK_DIR: TEST_STACK_DIR },
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 40 * 60_000, // a first run on a new machine builds the servers
  });
  return readEnvFile(ENV_FILE);
}

export function stopNativeStack(): void {
  execFileSync('bash', [join(ROOT, 'deploy/stack/down.sh')], {
    cwd: ROOT,
    env: { ...process.env, ...TEST_PORTS, STACK_DIR: TEST_STACK_DIR },
    stdio: 'inherit',
  });
}

export function writeStackEnv(env: StackEnv): void {
  mkdirSync(TEST_STACK_DIR, { recursive: true });
  writeFileSync(
    ENV_FILE,
    Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n') + '\n',
  );
}

export function testStackEnv(): StackEnv {
  if (!existsSync(ENV_FILE)) throw new Error('the test stack is not running (it is started by the Jest globalSetup)');
  return readEnvFile(ENV_FILE);
}
