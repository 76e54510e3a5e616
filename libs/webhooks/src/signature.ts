import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * How a delivery is signed, after the Standard Webhooks convention (standardwebhooks.com): the
 * headers `Webhook-Id`, `Webhook-Timestamp` (Unix seconds) and `Webhook-Signature`, and the
 * signed content `<id>.<timestamp>.<body>`. Two differences, to keep a receiver's check to a few
 * lines of Node: the signature is `v1=<hex HMAC-SHA256>` (not `v1,<base64>`), and the key is the
 * secret string itself as UTF-8 (`whsec_…` included), not its base64-decoded tail.
 */
export const SIGNATURE_VERSION = 'v1';

export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

export function signatureOf(secret: string, id: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${id}.${timestamp}.${body}`).digest('hex');
  return `${SIGNATURE_VERSION}=${mac}`;
}

/** The headers of one attempt: a fresh timestamp each time, the same id on every retry. */
export function signedHeaders(secret: string, id: string, timestamp: number, body: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': signatureOf(secret, id, timestamp, body),
  };
}

/**
 * A receiver's check (what the README shows): one of the signatures in the header (space-separated,
 * for a secret being rotated) matches, and the timestamp is within `toleranceSec` of `nowSec`.
 */
export function verifySignature(
  secret: string,
  headers: { id: string; timestamp: string; signature: string },
  body: string,
  nowSec: number,
  toleranceSec = 300,
): boolean {
  const ts = Number(headers.timestamp);
  if (!Number.isInteger(ts) || Math.abs(nowSec - ts) > toleranceSec) return false;
  const expected = Buffer.from(signatureOf(secret, headers.id, ts, body));
  return headers.signature
    .split(' ')
    .map((s) => Buffer.from(s.trim()))
    .some((given) => given.length === expected.length && timingSafeEqual(given, expected));
}
