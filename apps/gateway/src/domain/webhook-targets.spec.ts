import { isPublicAddress, resolvedAddressesProblem, webhookUrlProblem } from './webhook-targets';

describe('isPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '127.255.0.9',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.100.100.200',
    '0.0.0.0',
    '255.255.255.255',
    '224.0.0.1',
    '168.63.129.16',
    '::1',
    '::',
    '[::1]',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:8.8.8.8',
    'fd00:ec2::254',
    'fc00::1',
    'fe80::1%eth0',
    'ff02::1',
    'not-an-address',
  ])('%s is not public', (address) => expect(isPublicAddress(address)).toBe(false));

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '192.169.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '[2001:4860::8888]',
  ])('%s is public', (address) => expect(isPublicAddress(address)).toBe(true));
});

describe('webhookUrlProblem', () => {
  it('accepts public http and https URLs', () => {
    expect(webhookUrlProblem('https://hooks.example.com/platform', false)).toBeNull();
    expect(webhookUrlProblem('http://203.0.114.7:8080/hooks', false)).toBeNull();
    expect(webhookUrlProblem('https://[2606:4700::1111]/hooks', false)).toBeNull();
  });

  it('refuses other schemes and credentials, even where private targets are allowed', () => {
    for (const allowed of [false, true]) {
      expect(webhookUrlProblem('ftp://hooks.example.com/', allowed)).toMatch(/http or https/);
      expect(webhookUrlProblem('file:///etc/passwd', allowed)).toMatch(/http or https/);
      expect(webhookUrlProblem('gopher://hooks.example.com/', allowed)).toMatch(/http or https/);
      expect(webhookUrlProblem('https://user:pass@hooks.example.com/', allowed)).toMatch(/credentials/);
      expect(webhookUrlProblem('https://user@hooks.example.com/', allowed)).toMatch(/credentials/);
      expect(webhookUrlProblem('not a url', allowed)).toMatch(/absolute/);
    }
  });

  it('refuses loopback, private, link-local and metadata targets unless allowed', () => {
    for (const url of [
      'http://127.0.0.1:4000/hooks',
      'http://localhost/hooks',
      'http://api.localhost/hooks',
      'http://10.0.0.5/hooks',
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]/hooks',
      'http://[::ffff:127.0.0.1]/hooks',
      'http://0x7f000001/hooks',
      'http://2130706433/hooks',
      'http://0177.0.0.1/hooks',
    ]) {
      expect({ url, problem: webhookUrlProblem(url, false) }).toEqual({ url, problem: expect.any(String) });
      expect({ url, problem: webhookUrlProblem(url, true) }).toEqual({ url, problem: null });
    }
  });
});

describe('resolvedAddressesProblem', () => {
  it('refuses a name that resolves to any internal address (DNS may point anywhere)', () => {
    expect(resolvedAddressesProblem('hooks.example.com', ['93.184.216.34'], false)).toBeNull();
    expect(resolvedAddressesProblem('evil.example.com', ['93.184.216.34', '127.0.0.1'], false)).toMatch(
      /internal address \(127\.0\.0\.1\)/,
    );
    expect(resolvedAddressesProblem('evil.example.com', ['127.0.0.1'], true)).toBeNull();
    expect(resolvedAddressesProblem('gone.example.com', [], true)).toMatch(/does not resolve/);
  });
});
