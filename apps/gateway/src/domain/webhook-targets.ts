import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may be sent. A merchant names the URL, so without these checks the gateway would
 * POST on their behalf into its own network (SSRF) and report status codes and connection errors
 * back in the delivery log: loopback, private, link-local (cloud metadata at 169.254.169.254),
 * unique-local, reserved ranges and IPv6 forms that carry such an IPv4 address (NAT64, 6to4) are
 * refused. The only exception is an explicit allow-list of host:port (local test receivers).
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
  ['192.0.0.0', 24], // IETF protocol assignments; Oracle Cloud's metadata 192.0.0.192
  ['192.0.2.0', 24],
  ['192.88.99.0', 24], // 6to4 relay anycast
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
// Inside global unicast (2000::/3), the ranges that are not reachable internet hosts. Everything
// outside 2000::/3 (loopback, unique-local fc00::/7, link-local, multicast, IPv4-mapped and
// -compatible, discard, local-use NAT64) is refused by that rule alone.
for (const [network, prefix] of [
  ['2001::', 23], // IETF protocol assignments: Teredo (2001::/32), benchmarking, ORCHID
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation
] as const) {
  NON_PUBLIC_V6.addSubnet(network, prefix, 'ipv6');
}

const HEXTET_COUNT = 8;
const NAT64_WELL_KNOWN = [0x64, 0xff9b, 0, 0, 0, 0] as const;
const SIX_TO_FOUR = 0x2002;

/** The eight 16-bit groups of an address isIP already accepted as IPv6. */
function ipv6Hextets(address: string): number[] {
  let text = address;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted !== null) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const groups = (part: string): number[] =>
    part === '' ? [] : part.split(':').map((hex) => parseInt(hex, 16));
  const [head = '', tail] = text.split('::');
  if (tail === undefined) return groups(head);
  const before = groups(head);
  const after = groups(tail);
  return [...before, ...Array<number>(HEXTET_COUNT - before.length - after.length).fill(0), ...after];
}

const ipv4Of = (high: number, low: number): string => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;

/** The IPv4 address an IPv6 address stands for by translation (NAT64) or tunnelling (6to4), or null. */
export function embeddedIpv4(address: string): string | null {
  const hextets = ipv6Hextets(address);
  if (NAT64_WELL_KNOWN.every((value, index) => hextets[index] === value)) {
    return ipv4Of(hextets[6] ?? 0, hextets[7] ?? 0);
  }
  if (hextets[0] === SIX_TO_FOUR) return ipv4Of(hextets[1] ?? 0, hextets[2] ?? 0);
  return null;
}

/** Whether an IP address (v4 or v6, brackets and zone allowed) is on the public internet. */
export function isPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 0) return false;
  if (version === 4) return !NON_PUBLIC_V4.check(bare, 'ipv4');
  const embedded = embeddedIpv4(bare);
  if (embedded !== null) return !NON_PUBLIC_V4.check(embedded, 'ipv4');
  const first = ipv6Hextets(bare)[0] ?? 0;
  const globalUnicast = (first & 0xe000) === 0x2000;
  return globalUnicast && !NON_PUBLIC_V6.check(bare, 'ipv6');
}

/** The URL's host as an IP address when it is written as one (IPv6 without brackets), else null. */
export function literalAddressOf(url: URL): string | null {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return isIP(host) === 0 ? null : host;
}

/** How an allow-list entry and a URL are compared: the URL's normalised host, and its port. */
export function webhookTargetKey(url: URL): string {
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return `${url.hostname}:${port}`;
}

export class AllowedTargetsError extends Error {
  override readonly name = 'AllowedTargetsError';
}

/**
 * WEBHOOK_ALLOWED_TARGETS: `host:port[,host:port...]` (IPv6 in brackets), the only internal
 * targets deliveries may reach, each exactly as written (no ranges, no wildcards). Empty: none.
 */
export function parseWebhookAllowedTargets(text: string): ReadonlySet<string> {
  const targets = new Set<string>();
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const match = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):([0-9]{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    let hostname: string | undefined;
    try {
      hostname = match?.[1] === undefined ? undefined : new URL(`http://${match[1]}/`).hostname;
    } catch {
      hostname = undefined;
    }
    if (hostname === undefined || !(port >= 1 && port <= 65_535)) {
      throw new AllowedTargetsError(`${entry} is not host:port (IPv6 in brackets)`);
    }
    targets.add(`${hostname}:${port}`);
  }
  return targets;
}

/** Names that only ever mean this machine or its private network. */
function isLocalName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return (
    name === 'localhost' ||
    ['.localhost', '.local', '.internal', '.home.arpa'].some((suffix) => name.endsWith(suffix)) ||
    !name.includes('.')
  );
}

/**
 * What is wrong with a webhook URL before any DNS is asked, or null: a scheme other than http(s),
 * credentials in the URL, no host, or (unless its host:port is allow-listed) a host that is a
 * non-public address or a local name.
 */
export function webhookUrlProblem(text: string, allowedTargets: ReadonlySet<string>): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'must be an absolute http or https URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'must use http or https';
  if (url.username !== '' || url.password !== '') return 'must not contain credentials';
  if (url.hostname === '') return 'must name a host';
  if (allowedTargets.has(webhookTargetKey(url))) return null;
  const literal = literalAddressOf(url);
  if (literal !== null) {
    return isPublicAddress(literal)
      ? null
      : `must not target a loopback, private, link-local or otherwise internal address (${literal})`;
  }
  if (isLocalName(url.hostname)) return `must not target a local name (${url.hostname})`;
  return null;
}

/** What is wrong with the addresses a webhook host resolved to, or null when all are public. */
export function resolvedAddressesProblem(hostname: string, addresses: readonly string[]): string | null {
  if (addresses.length === 0) return `${hostname} does not resolve`;
  const internal = addresses.find((address) => !isPublicAddress(address));
  return internal === undefined
    ? null
    : `${hostname} resolves to a loopback, private, link-local or otherwise internal address (${internal})`;
}
