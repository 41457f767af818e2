/** Test data for the webhook target guard (unit and integration tests). */

/** Every address form the guard must refuse, by kind; each is checked as a literal and as a resolution. */
export const INTERNAL_ADDRESSES: Record<string, readonly string[]> = {
  loopback: ['127.0.0.1', '127.255.0.9', '::1', '[::1]'],
  private: ['10.1.2.3', '10.0.0.1', '172.16.0.1', '172.31.255.255', '192.168.1.1'],
  'link-local and metadata': [
    '169.254.169.254',
    '100.100.100.200',
    '168.63.129.16',
    '192.0.0.192',
    'fe80::1%eth0',
  ],
  'unique-local': ['fc00::1', 'fd00::1', 'fd00:ec2::254'],
  unspecified: ['0.0.0.0', '::'],
  'multicast and reserved': ['224.0.0.1', '255.255.255.255', '240.0.0.1', 'ff02::1', '100::1'],
  'IPv4-mapped and -compatible': ['::ffff:127.0.0.1', '::ffff:7f00:1', '::ffff:8.8.8.8', '::127.0.0.1'],
  'NAT64 of an internal IPv4': [
    '64:ff9b::7f00:1',
    '64:ff9b::127.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '64:ff9b::10.0.0.1',
  ],
  'local-use NAT64': ['64:ff9b:1::808:808'],
  '6to4 of an internal IPv4': ['2002:7f00:1::', '2002:a9fe:a9fe::1', '2002:c0a8:101::1', '2002:a00:1::'],
  'Teredo and IETF assignments': ['2001::1', '2001:0:4136:e378:8000:63bf:3fff:fdd2', '2001:2::1'],
  documentation: ['192.0.2.1', '198.51.100.7', '203.0.113.9', '2001:db8::1', '3fff::1'],
  'not an address': ['not-an-address', ''],
};
