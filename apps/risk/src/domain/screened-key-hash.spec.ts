import { hashScreenedKeys, screenedKeyHash } from './screened-key-hash';

const SECRET = 'unit-test-key-hash-secret-0001';

describe('screened key hashes', () => {
  it('gives one value one hash under one secret, and another under another secret', () => {
    const hash = screenedKeyHash(SECRET, 'email', 'buyer@example.com');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(screenedKeyHash(SECRET, 'email', 'buyer@example.com')).toBe(hash);
    expect(screenedKeyHash(`${SECRET}-rotated`, 'email', 'buyer@example.com')).not.toBe(hash);
    expect(screenedKeyHash(SECRET, 'email', 'other@example.com')).not.toBe(hash);
  });

  it('hashes the key with the value, so a customer id and an email spelled alike never match', () => {
    expect(screenedKeyHash(SECRET, 'customer', 'a@b.example')).not.toBe(
      screenedKeyHash(SECRET, 'email', 'a@b.example'),
    );
  });

  it('hashes the customer id, email and IP and keeps the card fingerprint as the gateway issued it', () => {
    const keys = [
      { key: 'card_fingerprint', value: 'fp_0123456789abcdef' },
      { key: 'customer', value: 'cus_123' },
      { key: 'email', value: 'buyer@example.com' },
      { key: 'ip', value: '203.0.113.7' },
    ] as const;
    const stored = hashScreenedKeys(SECRET, keys);
    expect(stored).toEqual([
      { key: 'card_fingerprint', value: 'fp_0123456789abcdef' },
      { key: 'customer', value: screenedKeyHash(SECRET, 'customer', 'cus_123') },
      { key: 'email', value: screenedKeyHash(SECRET, 'email', 'buyer@example.com') },
      { key: 'ip', value: screenedKeyHash(SECRET, 'ip', '203.0.113.7') },
    ]);
    const text = JSON.stringify(stored);
    for (const plain of ['cus_123', 'buyer@example.com', '203.0.113.7']) expect(text).not.toContain(plain);
  });
});
