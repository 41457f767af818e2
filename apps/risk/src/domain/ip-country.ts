/**
 * Where an IP address is, from a small configured table of IPv4 CIDR ranges (IP_COUNTRY_RANGES):
 * enough for the card-country check without a geolocation database. Pure.
 */

export interface IpCountryRange {
  readonly network: number;
  readonly prefixLength: number;
  readonly country: string;
}

/** The documentation ranges of RFC 5737, so tests and demos have addresses in three countries. */
export const DEFAULT_IP_COUNTRY_RANGES = '{"192.0.2.0/24":"US","198.51.100.0/24":"GB","203.0.113.0/24":"JP"}';

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** An IPv4 address as an unsigned 32-bit number, or null when it is not one. */
export function ipv4ToNumber(ip: string): number | null {
  const parts = IPV4.exec(ip.trim());
  if (parts === null) return null;
  const octets = parts.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) return null;
  return octets.reduce((value, octet) => value * 256 + octet, 0);
}

const maskOf = (prefixLength: number) => (prefixLength === 0 ? 0 : (~0 << (32 - prefixLength)) >>> 0);

/** Parses the JSON object of `"a.b.c.d/n": "CC"`; throws naming the first bad entry. */
export function parseIpCountryRanges(json: string): IpCountryRange[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new Error('must be a JSON object of "a.b.c.d/n": "CC"');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error('must be a JSON object of "a.b.c.d/n": "CC"');
  }
  return Object.entries(parsed).map(([cidr, country]) => {
    const [address, prefix] = cidr.split('/');
    const network = ipv4ToNumber(address ?? '');
    const prefixLength = Number(prefix);
    if (network === null || !/^\d{1,2}$/.test(prefix ?? '') || prefixLength > 32) {
      throw new Error(`${JSON.stringify(cidr)} is not an IPv4 CIDR range`);
    }
    if (typeof country !== 'string' || !/^[A-Z]{2}$/.test(country)) {
      throw new Error(`${JSON.stringify(cidr)}: ${JSON.stringify(country)} is not an ISO country`);
    }
    return { network: (network & maskOf(prefixLength)) >>> 0, prefixLength, country };
  });
}

/** The country of the most specific range holding ip, or undefined (unknown or not IPv4). */
export function countryOfIp(ip: string | undefined, ranges: readonly IpCountryRange[]): string | undefined {
  if (ip === undefined) return undefined;
  const address = ipv4ToNumber(ip);
  if (address === null) return undefined;
  let best: IpCountryRange | undefined;
  for (const range of ranges) {
    if ((address & maskOf(range.prefixLength)) >>> 0 !== range.network) continue;
    if (best === undefined || range.prefixLength > best.prefixLength) best = range;
  }
  return best?.country;
}
