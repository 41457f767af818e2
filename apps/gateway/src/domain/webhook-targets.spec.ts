import {
  AllowedTargetsError,
  embeddedIpv4,
  isPublicAddress,
  parseWebhookAllowedTargets,
  resolvedAddressesProblem,
  webhookUrlProblem,
} from './webhook-targets';
import { INTERNAL_ADDRESSES } from '../../test-support/internal-addresses';

const NONE: ReadonlySet<string> = new Set();

describe('isPublicAddress', () => {
  describe.each(Object.entries(INTERNAL_ADDRESSES))('%s', (_kind, addresses) => {
    it.each(addresses)('%s is not public', (address) => expect(isPublicAddress(address)).toBe(false));
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '192.169.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '[2001:4860::8888]',
    // NAT64 and 6to4 of public addresses reach the public internet.
    '64:ff9b::808:808',
    '64:ff9b::8.8.8.8',
    '2002:808:808::1',
  ])('%s is public', (address) => expect(isPublicAddress(address)).toBe(true));
});

describe('embeddedIpv4', () => {
  it('finds the IPv4 address inside NAT64 and 6to4 addresses, and nothing in others', () => {
    expect(embeddedIpv4('64:ff9b::7f00:1')).toBe('127.0.0.1');
    expect(embeddedIpv4('64:ff9b::169.254.169.254')).toBe('169.254.169.254');
    expect(embeddedIpv4('2002:7f00:1::')).toBe('127.0.0.1');
    expect(embeddedIpv4('2002:c0a8:101:5::1')).toBe('192.168.1.1');
    expect(embeddedIpv4('2606:4700::1111')).toBeNull();
    expect(embeddedIpv4('64:ff9b:1::7f00:1')).toBeNull();
  });
});

describe('parseWebhookAllowedTargets', () => {
  it('reads host:port entries, normalised as URLs write them', () => {
    expect([...parseWebhookAllowedTargets('')]).toEqual([]);
    expect([...parseWebhookAllowedTargets('127.0.0.1:4567, [::1]:4567,LocalHost:80')]).toEqual([
      '127.0.0.1:4567',
      '[::1]:4567',
      'localhost:80',
    ]);
  });

  it.each([
    '127.0.0.1',
    '127.0.0.1:',
    ':4567',
    '127.0.0.1:99999',
    'http://127.0.0.1:4567',
    '10.0.0.0/8:80',
    '*:80',
    '::1:4567',
  ])('refuses %s', (entry) => expect(() => parseWebhookAllowedTargets(entry)).toThrow(AllowedTargetsError));
});

describe('webhookUrlProblem', () => {
  it('accepts public http and https URLs', () => {
    expect(webhookUrlProblem('https://hooks.example.com/platform', NONE)).toBeNull();
    expect(webhookUrlProblem('http://203.0.114.7:8080/hooks', NONE)).toBeNull();
    expect(webhookUrlProblem('https://[2606:4700::1111]/hooks', NONE)).toBeNull();
  });

  it('refuses other schemes and credentials, allow-listed or not', () => {
    const allowed = parseWebhookAllowedTargets('hooks.example.com:443,hooks.example.com:80');
    for (const targets of [NONE, allowed]) {
      expect(webhookUrlProblem('ftp://hooks.example.com/', targets)).toMatch(/http or https/);
      expect(webhookUrlProblem('file:///etc/passwd', targets)).toMatch(/http or https/);
      expect(webhookUrlProblem('gopher://hooks.example.com/', targets)).toMatch(/http or https/);
      expect(webhookUrlProblem('https://user:pass@hooks.example.com/', targets)).toMatch(/credentials/);
      expect(webhookUrlProblem('https://user@hooks.example.com/', targets)).toMatch(/credentials/);
      expect(webhookUrlProblem('not a url', targets)).toMatch(/absolute/);
    }
  });

  it.each(
    Object.values(INTERNAL_ADDRESSES)
      .flat()
      .filter((address) => address !== '' && address !== 'not-an-address' && !address.includes('%'))
      .map((address) => (address.includes(':') && !address.startsWith('[') ? `[${address}]` : address)),
  )('refuses a URL on %s', (host) => {
    expect(webhookUrlProblem(`http://${host}:4000/hooks`, NONE)).toMatch(/internal address/);
  });

  it('refuses the other spellings of loopback and local names', () => {
    for (const url of [
      'http://localhost/hooks',
      'http://api.localhost/hooks',
      'http://printer.local/hooks',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://router.home.arpa/',
      'http://metadata/',
      'http://0x7f000001/hooks',
      'http://2130706433/hooks',
      'http://0177.0.0.1/hooks',
      'http://127.1/hooks',
    ]) {
      expect({ url, problem: webhookUrlProblem(url, NONE) }).toEqual({ url, problem: expect.any(String) });
    }
  });

  it('lets through exactly the allow-listed host:port, and nothing next to it', () => {
    const allowed = parseWebhookAllowedTargets('127.0.0.1:4567,[::1]:4568,localhost:4569');
    expect(webhookUrlProblem('http://127.0.0.1:4567/hooks', allowed)).toBeNull();
    expect(webhookUrlProblem('https://[::1]:4568/hooks', allowed)).toBeNull();
    expect(webhookUrlProblem('http://localhost:4569/hooks', allowed)).toBeNull();
    expect(webhookUrlProblem('http://127.0.0.1:4568/hooks', allowed)).toMatch(/internal address/);
    expect(webhookUrlProblem('http://127.0.0.2:4567/hooks', allowed)).toMatch(/internal address/);
    expect(webhookUrlProblem('http://127.0.0.1/hooks', allowed)).toMatch(/internal address/);
    expect(webhookUrlProblem('http://[::ffff:7f00:1]:4567/hooks', allowed)).toMatch(/internal address/);
    expect(webhookUrlProblem('http://[64:ff9b::7f00:1]:4567/hooks', allowed)).toMatch(/internal address/);
    expect(webhookUrlProblem('http://localhost:4567/hooks', allowed)).toMatch(/local name/);
  });
});

describe('resolvedAddressesProblem', () => {
  it('refuses a name that resolves to any internal address (DNS may point anywhere)', () => {
    expect(resolvedAddressesProblem('hooks.example.com', ['93.184.216.34'])).toBeNull();
    expect(resolvedAddressesProblem('evil.example.com', ['93.184.216.34', '127.0.0.1'])).toMatch(
      /internal address \(127\.0\.0\.1\)/,
    );
    expect(resolvedAddressesProblem('nat64.example.com', ['64:ff9b::7f00:1'])).toMatch(/internal address/);
    expect(resolvedAddressesProblem('gone.example.com', [])).toMatch(/does not resolve/);
  });
});
