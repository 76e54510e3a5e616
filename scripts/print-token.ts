/**
 * Mints a bearer token for a user, signed with the platform's HS256 secret: AUTH_JWT_SECRET, or
 * the one the single process generated in DATA_DIR (default ./data). With an identity provider
 * (AUTH_JWKS_URL), tokens come from the provider instead.
 *
 *   npm run token                       # a 12-hour token for DEMO_USER (default "demo")
 *   npm run token -- alice 7d           # user and lifetime (a jose time span: 30m, 12h, 7d)
 *   npm run token -- m --roles=manager --teams=red,blue   # a manager of teams red and blue
 *   docker compose exec upload-gateway node --import tsx scripts/print-token.ts alice 12h
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ROLES, signToken, type Role } from '@speech/platform';

async function main(): Promise<void> {
  if (process.env.AUTH_JWKS_URL) {
    process.stderr.write('AUTH_JWKS_URL is set: tokens come from your identity provider, not from here\n');
    process.exit(1);
  }
  const generated = join(resolve(process.env.DATA_DIR ?? './data'), 'jwt-secret');
  const secret =
    process.env.AUTH_JWT_SECRET || (existsSync(generated) ? readFileSync(generated, 'utf8').trim() : undefined);
  if (!secret) {
    process.stderr.write(
      `no secret: set AUTH_JWT_SECRET, or start the platform once (npm start) so it makes ${generated}\n`,
    );
    process.exit(1);
  }
  const args = process.argv.slice(2);
  const flag = (name: string): string[] | undefined => {
    const found = args.find((a) => a.startsWith(`--${name}=`));
    return found === undefined
      ? undefined
      : found
          .slice(name.length + 3)
          .split(',')
          .filter(Boolean);
  };
  const named = flag('roles');
  const isRole = (r: string): r is Role => (ROLES as readonly string[]).includes(r);
  const unknown = named?.filter((r) => !isRole(r)) ?? [];
  const roles = named?.filter(isRole);
  if (unknown.length) {
    process.stderr.write(`unknown role ${unknown.join(', ')}: one of ${ROLES.join(', ')}\n`);
    process.exit(1);
  }
  const teams = flag('teams');
  const [user = process.env.DEMO_USER ?? 'demo', lifetime = '12h'] = args.filter((a) => !a.startsWith('--'));
  const claims = { ...(roles ? { roles } : {}), ...(teams ? { teams } : {}) };
  process.stdout.write(`${await signToken(secret, user, lifetime, claims)}\n`);
}

void main();
