import { isIP } from 'node:net';

/**
 * Which addresses a webhook may not reach (server-side request forgery): loopback, private,
 * carrier-grade NAT, link-local (the cloud metadata service at 169.254.169.254 and fd00:ec2::254
 * among them), multicast, reserved and documentation ranges, in IPv4 and IPv6, and IPv6 forms that
 * carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`,
 * 6to4 `2002::/16`), judged by the IPv4 address they carry. Checked at registration and again
 * on the address each delivery connects to, after DNS resolution (DNS rebinding).
 */
type Range = [prefix: number[], bits: number];

const V4_BLOCKED: Range[] = [
  [[0, 0, 0, 0], 8], // "this network"
  [[10, 0, 0, 0], 8],
  [[100, 64, 0, 0], 10], // carrier-grade NAT
  [[127, 0, 0, 0], 8],
  [[169, 254, 0, 0], 16], // link-local, cloud metadata
  [[172, 16, 0, 0], 12],
  [[192, 0, 0, 0], 24], // IETF protocol assignments
  [[192, 0, 2, 0], 24], // documentation
  [[192, 88, 99, 0], 24], // 6to4 relay anycast
  [[192, 168, 0, 0], 16],
  [[198, 18, 0, 0], 15], // benchmarking
  [[198, 51, 100, 0], 24],
  [[203, 0, 113, 0], 24],
  [[224, 0, 0, 0], 4], // multicast
  [[240, 0, 0, 0], 4], // reserved, broadcast
];

const V6_BLOCKED: Range[] = [
  [[0], 96], // ::/96: unspecified, loopback ::1, IPv4-compatible (deprecated); the prefix is padded with zeros
  [[0x01, 0x00, 0, 0, 0, 0, 0, 0], 64], // 100::/64 discard
  [[0x20, 0x01, 0x00, 0x00], 32], // Teredo
  [[0x20, 0x01, 0x0d, 0xb8], 32], // documentation
  [[0xfc], 7], // unique local (fd00:ec2::254 too)
  [[0xfe, 0x80], 10], // link-local
  [[0xfe, 0xc0], 10], // site-local (deprecated)
  [[0xff], 8], // multicast
];

function inRange(bytes: number[], [prefix, bits]: Range): boolean {
  for (let i = 0; i < bits; i++) {
    const byte = i >> 3;
    const mask = 0x80 >> (i & 7);
    if ((bytes[byte]! & mask) !== ((prefix[byte] ?? 0) & mask)) return false;
  }
  return true;
}

function v4Bytes(ip: string): number[] {
  return ip.split('.').map(Number);
}

/** An IPv6 address's 16 bytes (`::` expanded, a trailing dotted IPv4 part taken as its last four). */
export function v6Bytes(ip: string): number[] {
  let text = ip.split('%')[0]!.toLowerCase(); // a zone index (fe80::1%eth0) names an interface, not an address
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    tail = v4Bytes(dotted[1]!);
    text = text.slice(0, -dotted[1]!.length) + '0:0';
  }
  const [head, rest] = text.split('::') as [string, string | undefined];
  const groups = (s: string) => (s ? s.split(':').filter((g) => g !== '') : []);
  const left = groups(head);
  const right = rest === undefined ? [] : groups(rest);
  const missing = 8 - left.length - right.length;
  const all = [...left, ...Array<string>(rest === undefined ? 0 : missing).fill('0'), ...right];
  const bytes = all.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

/** The IPv4 address an IPv6 address carries (mapped, NAT64, 6to4), or null. */
function embeddedV4(b: number[]): number[] | null {
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return b.slice(12); // ::ffff:a.b.c.d
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return b.slice(12); // NAT64
  if (b[0] === 0x20 && b[1] === 0x02) return b.slice(2, 6); // 6to4
  return null;
}

/** Whether `ip` (an IPv4 or IPv6 literal) is one a webhook may not reach. Not an IP at all: true. */
export function isPrivateAddress(ip: string): boolean {
  const family = isIP(ip.split('%')[0]!);
  if (family === 4) return V4_BLOCKED.some((r) => inRange(v4Bytes(ip), r));
  if (family !== 6) return true;
  const bytes = v6Bytes(ip);
  const v4 = embeddedV4(bytes);
  if (v4) return V4_BLOCKED.some((r) => inRange(v4, r));
  return V6_BLOCKED.some((r) => inRange(bytes, r));
}

export class UrlRefused extends Error {
  constructor(
    readonly code: 'WEBHOOK.BAD_URL' | 'WEBHOOK.PRIVATE_ADDRESS' | 'WEBHOOK.UNRESOLVABLE',
    message: string,
  ) {
    super(message);
  }
}

/** How a host name becomes addresses (node:dns `lookup` with `all`, or a fake in tests). */
export type Resolve = (host: string) => Promise<string[]>;

/** A URL's host as an address literal when it is one (brackets of IPv6 removed), else null. */
export function literalAddress(host: string): string | null {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return isIP(bare) ? bare : null;
}

/**
 * A webhook URL as registered: http or https, no credentials, at most 2,000 characters, and (unless
 * `allowPrivate`) a host whose every address is public. Returns the normalised URL.
 */
export async function checkWebhookUrl(raw: string, resolve: Resolve, allowPrivate: boolean): Promise<string> {
  if (raw.length > 2000) throw new UrlRefused('WEBHOOK.BAD_URL', 'url is longer than 2000 characters');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UrlRefused('WEBHOOK.BAD_URL', 'url is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new UrlRefused('WEBHOOK.BAD_URL', 'url must be http:// or https://');
  if (url.username || url.password) throw new UrlRefused('WEBHOOK.BAD_URL', 'url must not carry credentials');
  if (url.hash) throw new UrlRefused('WEBHOOK.BAD_URL', 'url must not have a #fragment');
  if (!allowPrivate) await checkHost(url.hostname, resolve);
  return url.toString();
}

/** Refuses a host that is, or resolves to, an address a webhook may not reach. */
export async function checkHost(host: string, resolve: Resolve): Promise<void> {
  const literal = literalAddress(host);
  let addresses: string[];
  if (literal) addresses = [literal];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new UrlRefused('WEBHOOK.UNRESOLVABLE', `${host} does not resolve`);
    }
    if (!addresses.length) throw new UrlRefused('WEBHOOK.UNRESOLVABLE', `${host} does not resolve`);
  }
  const refused = addresses.find(isPrivateAddress);
  if (refused)
    throw new UrlRefused(
      'WEBHOOK.PRIVATE_ADDRESS',
      `${host} is a private, loopback, link-local or reserved address (${refused}); set WEBHOOK_ALLOW_PRIVATE=true to allow it`,
    );
}
