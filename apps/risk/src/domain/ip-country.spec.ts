import { DEFAULT_IP_COUNTRY_RANGES, countryOfIp, ipv4ToNumber, parseIpCountryRanges } from './ip-country';

describe('IP to country', () => {
  const ranges = parseIpCountryRanges(DEFAULT_IP_COUNTRY_RANGES);

  it('places the documentation ranges of the default table', () => {
    expect(countryOfIp('192.0.2.1', ranges)).toBe('US');
    expect(countryOfIp('198.51.100.255', ranges)).toBe('GB');
    expect(countryOfIp('203.0.113.77', ranges)).toBe('JP');
  });

  it('knows nothing of other addresses, IPv6 or garbage', () => {
    expect(countryOfIp('192.0.3.1', ranges)).toBeUndefined();
    expect(countryOfIp('2001:db8::1', ranges)).toBeUndefined();
    expect(countryOfIp('256.0.0.1', ranges)).toBeUndefined();
    expect(countryOfIp('not an ip', ranges)).toBeUndefined();
    expect(countryOfIp(undefined, ranges)).toBeUndefined();
  });

  it('prefers the most specific range, whatever the order', () => {
    const nested = parseIpCountryRanges('{"10.1.2.0/24":"DE","10.0.0.0/8":"FR","0.0.0.0/0":"ZZ"}');
    expect(countryOfIp('10.1.2.3', nested)).toBe('DE');
    expect(countryOfIp('10.9.9.9', nested)).toBe('FR');
    expect(countryOfIp('8.8.8.8', nested)).toBe('ZZ');
  });

  it('handles the top of the address space (unsigned arithmetic)', () => {
    expect(ipv4ToNumber('255.255.255.255')).toBe(4_294_967_295);
    const high = parseIpCountryRanges('{"240.0.0.0/4":"XX","255.255.255.255/32":"YY"}');
    expect(countryOfIp('250.1.1.1', high)).toBe('XX');
    expect(countryOfIp('255.255.255.255', high)).toBe('YY');
  });

  it('masks the host bits of a range written with them', () => {
    expect(countryOfIp('192.0.2.200', parseIpCountryRanges('{"192.0.2.130/24":"US"}'))).toBe('US');
  });

  it.each([
    ['[]', 'JSON object'],
    ['nope', 'JSON object'],
    ['{"192.0.2.0":"US"}', 'not an IPv4 CIDR range'],
    ['{"192.0.2.0/33":"US"}', 'not an IPv4 CIDR range'],
    ['{"2001:db8::/32":"US"}', 'not an IPv4 CIDR range'],
    ['{"192.0.2.0/24":"usa"}', 'not an ISO country'],
  ])('refuses %s', (json, message) => {
    expect(() => parseIpCountryRanges(json)).toThrow(message);
  });
});
