import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may be sent. A merchant names the URL, so without these checks the gateway would
 * POST on their behalf into its own network (SSRF): loopback, private ranges, link-local (cloud
 * metadata at 169.254.169.254) and the like are refused unless explicitly allowed (local runs).
 */

// Two lists: a BlockList matches IPv4 addresses against IPv4-mapped IPv6 rules too.
const NON_PUBLIC_V4 = new BlockList();
const NON_PUBLIC_V6 = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this" network
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // carrier-grade NAT; also Alibaba Cloud's metadata 100.100.100.200
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local: AWS, GCP and Azure instance metadata
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, and the broadcast address
  ['168.63.129.16', 32], // Azure's host endpoint, public-looking but internal
] as const) {
  NON_PUBLIC_V4.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 96], // unspecified, loopback, IPv4-compatible
  ['::ffff:0:0', 96], // IPv4-mapped: refused whole rather than unwrapped
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique local, includes AWS's fd00:ec2::254
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  NON_PUBLIC_V6.addSubnet(network, prefix, 'ipv6');
}

/** Whether an IP address (v4 or v6, brackets and zone allowed) is on the public internet. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 0) return false;
  return version === 4 ? !NON_PUBLIC_V4.check(bare, 'ipv4') : !NON_PUBLIC_V6.check(bare, 'ipv6');
}

/** The URL's host as an IP address when it is written as one (IPv6 without brackets), else null. */
export function literalAddressOf(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) === 0 ? null : host;
}

/**
 * What is wrong with a webhook URL before any DNS is asked, or null: a scheme other than http(s),
 * credentials in the URL, no host, or (unless private targets are allowed) a host that is a
 * non-public address or a localhost name.
 */
export function webhookUrlProblem(text: string, allowPrivateTargets: boolean): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.hostname === '') return 'must name a host';
  if (allowPrivateTargets) return null;
  const literal = literalAddressOf(url);
  if (literal !== null && !isPublicAddress(literal)) {
    return `must not target a loopback, private, link-local or otherwise internal address (${literal})`;
  }
  const name = url.hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return 'must not target localhost';
  return null;
}

/** What is wrong with the addresses a webhook host resolved to, or null when all are public. */
export function resolvedAddressesProblem(
  hostname: string,
  addresses: readonly string[],
  allowPrivateTargets: boolean,
): string | null {
  if (addresses.length === 0) return `${hostname} does not resolve`;
  if (allowPrivateTargets) return null;
  const internal = addresses.find((address) => !isPublicAddress(address));
  return internal === undefined
    ? null
    : `${hostname} resolves to a loopback, private, link-local or otherwise internal address (${internal})`;
}
