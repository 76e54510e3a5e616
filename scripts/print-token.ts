/**
 * Prints a bearer token signed with AUTH_JWT_SECRET, for deployments that do not use an identity
 * provider (docker compose, a first Helm install):
 *   docker compose exec upload-gateway node --import tsx scripts/print-token.ts [user] [expiry]
 *   kubectl exec deploy/<release>-speech-upload-gateway -- node --import tsx scripts/print-token.ts alice 30d
 */
import { signToken } from '@speech/platform';

async function main(): Promise<void> {
  const secret = process.env.AUTH_JWT_SECRET;
  if (!secret) {
    process.stderr.write(
      'AUTH_JWT_SECRET is not set here (with AUTH_JWKS_URL, get tokens from your identity provider)\n',
    );
    process.exit(1);
  }
  const [user = process.env.DEMO_USER ?? 'demo', expiry = '30d'] = process.argv.slice(2);
  process.stdout.write(`${await signToken(secret, user, expiry)}\n`);
}

void main();
