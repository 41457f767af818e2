import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import {
  VaultKeyError,
  VaultKeyRing,
  cardFingerprint,
  parseVaultKeys,
  type VaultKey,
} from './card-vault-crypto';

const OLD_KEY: VaultKey = { id: 'k1', key: randomBytes(32) };
const NEW_KEY: VaultKey = { id: 'k2', key: randomBytes(32) };
const PAN = '4242424242424242';
const TOKEN = 'tok_0123456789abcdefghijklmn';

describe('VaultKeyRing', () => {
  it('opens what it sealed, and the stored bytes do not contain the number', () => {
    const ring = new VaultKeyRing([OLD_KEY], 'k1');
    const sealed = ring.seal(PAN, TOKEN);
    expect(sealed.keyId).toBe('k1');
    expect(sealed.iv).toHaveLength(12);
    expect(sealed.authTag).toHaveLength(16);
    expect(Buffer.concat([sealed.iv, sealed.ciphertext, sealed.authTag]).toString('latin1')).not.toContain(
      PAN,
    );
    expect(ring.open(sealed, TOKEN)).toBe(PAN);
  });

  it('round-trips any card number', () => {
    const ring = new VaultKeyRing([OLD_KEY, NEW_KEY], 'k2');
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9]{12,19}$/),
        (number) => ring.open(ring.seal(number, TOKEN), TOKEN) === number,
      ),
    );
  });

  it('uses a fresh IV each time: the same number seals differently', () => {
    const ring = new VaultKeyRing([OLD_KEY], 'k1');
    const first = ring.seal(PAN, TOKEN);
    const second = ring.seal(PAN, TOKEN);
    expect(first.iv.equals(second.iv)).toBe(false);
    expect(first.ciphertext.equals(second.ciphertext)).toBe(false);
  });

  it('after rotation, seals with the new key and still opens what the old key sealed', () => {
    const before = new VaultKeyRing([OLD_KEY], 'k1');
    const sealedBefore = before.seal(PAN, TOKEN);
    const after = new VaultKeyRing([OLD_KEY, NEW_KEY], 'k2');
    const sealedAfter = after.seal('5555555555554444', TOKEN);
    expect(sealedAfter.keyId).toBe('k2');
    expect(after.open(sealedBefore, TOKEN)).toBe(PAN);
    expect(after.open(sealedAfter, TOKEN)).toBe('5555555555554444');
  });

  it('refuses a key id it does not hold, a tampered ciphertext, and another token', () => {
    const ring = new VaultKeyRing([OLD_KEY, NEW_KEY], 'k1');
    const sealed = ring.seal(PAN, TOKEN);
    const retired = new VaultKeyRing([NEW_KEY], 'k2');
    expect(() => retired.open(sealed, TOKEN)).toThrow(/unknown vault key k1/);
    const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext) };
    tampered.ciphertext[0] = (tampered.ciphertext[0] ?? 0) ^ 1;
    expect(() => ring.open(tampered, TOKEN)).toThrow();
    expect(() => ring.open({ ...sealed, keyId: 'k2' }, TOKEN)).toThrow();
    expect(() => ring.open(sealed, 'tok_someoneelsescardtoken00')).toThrow();
  });

  it('requires the active key to be one of its keys', () => {
    expect(() => new VaultKeyRing([OLD_KEY], 'k9')).toThrow(VaultKeyError);
  });
});

describe('parseVaultKeys', () => {
  const encoded = (key: Buffer) => key.toString('base64');

  it('reads one key or several', () => {
    expect(parseVaultKeys(`k1:${encoded(OLD_KEY.key)}`)).toEqual([OLD_KEY]);
    expect(parseVaultKeys(`k1:${encoded(OLD_KEY.key)},k2:${encoded(NEW_KEY.key)}`)).toEqual([
      OLD_KEY,
      NEW_KEY,
    ]);
  });

  it.each([
    ['no key id', () => `:${encoded(OLD_KEY.key)}`, /entry 1/],
    ['no separator', () => encoded(OLD_KEY.key), /entry 1/],
    ['16 bytes', () => `k1:${encoded(randomBytes(16))}`, /16 bytes, expected 32/],
    ['33 bytes', () => `k1:${encoded(randomBytes(33))}`, /33 bytes, expected 32/],
    ['not base64', () => 'k1:not*base64!', /not base64/],
    ['a key id twice', () => `k1:${encoded(OLD_KEY.key)},k1:${encoded(NEW_KEY.key)}`, /listed twice/],
  ])('rejects %s', (_, text, message) => {
    expect(() => parseVaultKeys(text())).toThrow(message);
  });

  it('never echoes key material in its errors', () => {
    const material = encoded(randomBytes(16));
    expect(() => parseVaultKeys(`k1:${material}`)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining(material) }),
    );
  });
});

describe('cardFingerprint', () => {
  it('is stable for one card and one secret, and 32 url-safe characters', () => {
    const first = cardFingerprint('secret-one-0123456789', PAN);
    expect(cardFingerprint('secret-one-0123456789', PAN)).toBe(first);
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(first).not.toContain('4242');
  });

  it('differs between cards and between secrets', () => {
    const base = cardFingerprint('secret-one-0123456789', PAN);
    expect(cardFingerprint('secret-one-0123456789', '5555555555554444')).not.toBe(base);
    expect(cardFingerprint('secret-two-0123456789', PAN)).not.toBe(base);
  });
});
