import { createHmac } from 'node:crypto';
import { newSecret, signatureOf, signedHeaders, verifySignature } from './signature';

describe('webhook signatures', () => {
  const secret = 'whsec_test-secret-of-enough-length';
  const body = '{"id":"msg_1","type":"analysis.completed"}';

  it('is v1=<hex HMAC-SHA256 of "<id>.<timestamp>.<body>"> with the secret as the key', () => {
    const expected = createHmac('sha256', secret).update(`msg_1.1700000000.${body}`).digest('hex');
    expect(signatureOf(secret, 'msg_1', 1700000000, body)).toBe(`v1=${expected}`);
    expect(signedHeaders(secret, 'msg_1', 1700000000, body)).toEqual({
      'content-type': 'application/json',
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1700000000',
      'webhook-signature': `v1=${expected}`,
    });
  });

  it('verifies its own signature, and refuses another body, id, secret or a stale timestamp', () => {
    const h = signedHeaders(secret, 'msg_1', 1700000000, body);
    const headers = { id: 'msg_1', timestamp: h['webhook-timestamp']!, signature: h['webhook-signature']! };
    expect(verifySignature(secret, headers, body, 1700000010)).toBe(true);
    expect(verifySignature(secret, headers, body + ' ', 1700000010)).toBe(false);
    expect(verifySignature(secret, { ...headers, id: 'msg_2' }, body, 1700000010)).toBe(false);
    expect(verifySignature('whsec_another-secret-entirely', headers, body, 1700000010)).toBe(false);
    expect(verifySignature(secret, headers, body, 1700000000 + 301)).toBe(false);
    // A rotated secret: any of the listed signatures may match.
    expect(verifySignature(secret, { ...headers, signature: `v1=00 ${headers.signature}` }, body, 1700000000)).toBe(
      true,
    );
  });

  it('generates distinct secrets with the whsec_ prefix', () => {
    const a = newSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSecret()).not.toBe(a);
  });
});
