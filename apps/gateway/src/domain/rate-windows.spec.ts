import { apiKeyHash } from './credentials';
import {
  clientFailureCounterKey,
  credentialFailureCounterKey,
  merchantRequestCounterKey,
} from './rate-windows';

describe('counter keys', () => {
  it('is one key per IP, never the IP in clear', () => {
    const key = clientFailureCounterKey('203.0.113.9');
    expect(key).toBe(clientFailureCounterKey('203.0.113.9'));
    expect(key).not.toBe(clientFailureCounterKey('203.0.113.10'));
    expect(key).not.toContain('203.0.113.9');
    expect(key).toMatch(/^auth_failures:[0-9a-f]{64}$/);
  });

  it('keeps each kind apart from the others and from API key hashes', () => {
    const presented = `sk_test_${'x'.repeat(32)}`;
    const keys = [
      apiKeyHash(presented),
      clientFailureCounterKey(presented),
      credentialFailureCounterKey(presented),
      merchantRequestCounterKey(presented),
    ];
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.slice(1).every((key) => !/^[0-9a-f]{64}$/.test(key))).toBe(true);
    expect(credentialFailureCounterKey(presented)).not.toContain(presented);
  });
});
