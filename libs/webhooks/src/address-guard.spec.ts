import { checkWebhookUrl, isPrivateAddress, v6Bytes, type Resolve } from './address-guard';

describe('the private-address guard', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254', // cloud metadata
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::',
    '::1',
    'fe80::1',
    'fe80::1%eth0',
    'fc00::1',
    'fd00:ec2::254', // AWS metadata over IPv6
    'ff02::1',
    '::ffff:127.0.0.1', // IPv4-mapped
    '::ffff:7f00:1', // the same, in hex
    '::ffff:169.254.169.254',
    '::ffff:10.0.0.1',
    '64:ff9b::a9fe:a9fe', // NAT64 of 169.254.169.254
    '2002:7f00:1::', // 6to4 of 127.0.0.1
    '::127.0.0.1', // IPv4-compatible (deprecated)
    '2001:db8::1',
    'not-an-ip',
  ])('refuses %s', (ip) => {
    expect(isPrivateAddress(ip)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '192.169.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '2002:808:808::',
  ])('allows %s', (ip) => {
    expect(isPrivateAddress(ip)).toBe(false);
  });

  it('expands IPv6 addresses to their 16 bytes', () => {
    expect(v6Bytes('::1')).toEqual([...Array<number>(15).fill(0), 1]);
    expect(v6Bytes('::ffff:1.2.3.4').slice(10)).toEqual([0xff, 0xff, 1, 2, 3, 4]);
    expect(v6Bytes('2001:db8::8:800:200c:417a')).toEqual([
      0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0x08, 0x08, 0, 0x20, 0x0c, 0x41, 0x7a,
    ]);
  });

  describe('a webhook URL', () => {
    const dns: Record<string, string[]> = {
      'hooks.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
      'rebind.example.com': ['93.184.216.34', '127.0.0.1'],
      'internal.example.com': ['::ffff:10.0.0.5'],
    };
    const resolve: Resolve = async (host) => {
      const found = dns[host];
      if (!found) throw new Error('ENOTFOUND');
      return found;
    };

    it('takes a public http(s) URL', async () => {
      await expect(checkWebhookUrl('https://hooks.example.com/in?x=1', resolve, false)).resolves.toBe(
        'https://hooks.example.com/in?x=1',
      );
      await expect(checkWebhookUrl('http://93.184.216.34:8080/', resolve, false)).resolves.toBe(
        'http://93.184.216.34:8080/',
      );
    });

    it.each([
      ['ftp://hooks.example.com/', 'WEBHOOK.BAD_URL'],
      ['not a url', 'WEBHOOK.BAD_URL'],
      ['https://user:pw@hooks.example.com/', 'WEBHOOK.BAD_URL'],
      ['http://127.0.0.1:9000/', 'WEBHOOK.PRIVATE_ADDRESS'],
      ['http://[::1]/', 'WEBHOOK.PRIVATE_ADDRESS'],
      ['http://[::ffff:169.254.169.254]/', 'WEBHOOK.PRIVATE_ADDRESS'],
      ['http://169.254.169.254/latest/meta-data', 'WEBHOOK.PRIVATE_ADDRESS'],
      ['https://rebind.example.com/', 'WEBHOOK.PRIVATE_ADDRESS'], // any private address refuses the name
      ['https://internal.example.com/', 'WEBHOOK.PRIVATE_ADDRESS'],
      ['https://nowhere.example.com/', 'WEBHOOK.UNRESOLVABLE'],
    ])('refuses %s (%s)', async (url, code) => {
      await expect(checkWebhookUrl(url, resolve, false)).rejects.toMatchObject({ code });
    });

    it('allows private addresses when told to (WEBHOOK_ALLOW_PRIVATE), never other schemes', async () => {
      await expect(checkWebhookUrl('http://127.0.0.1:9000/hook', resolve, true)).resolves.toBe(
        'http://127.0.0.1:9000/hook',
      );
      await expect(checkWebhookUrl('file:///etc/passwd', resolve, true)).rejects.toMatchObject({
        code: 'WEBHOOK.BAD_URL',
      });
    });
  });
});
