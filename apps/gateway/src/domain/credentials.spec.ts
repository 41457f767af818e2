import { apiKeyHash, apiKeyLast4, credentialFromAuthorization, isWellFormedApiKey } from './credentials';
import {
  newApiKey,
  newCardToken,
  newMerchantId,
  newPaymentId,
  PAYMENT_ID_PATTERN,
} from './random-identifiers';

describe('API keys', () => {
  it('are sk_test_ and 32 base62 characters, distinct every time', () => {
    const keys = new Set(Array.from({ length: 200 }, () => newApiKey()));
    expect(keys.size).toBe(200);
    for (const key of keys) expect(isWellFormedApiKey(key)).toBe(true);
  });

  it('are stored as a sha256 hex digest and their last 4 characters', () => {
    const key = 'sk_test_0123456789abcdefghijABCDEFGHIJ01';
    expect(apiKeyHash(key)).toMatch(/^[0-9a-f]{64}$/);
    expect(apiKeyHash(key)).toBe(apiKeyHash(key));
    expect(apiKeyHash(key)).not.toBe(apiKeyHash(`${key.slice(0, -1)}2`));
    expect(apiKeyLast4(key)).toBe('IJ01');
  });

  it.each([
    '',
    'sk_live_0123456789abcdefghijABCDEFGHIJ01',
    'sk_test_short',
    'sk_test_0123456789abcdefghijABCDEFGHIJ0!',
  ])('rejects the malformed key %j', (key) => expect(isWellFormedApiKey(key)).toBe(false));
});

describe('identifiers', () => {
  it('have their prefixes and 24 base62 characters', () => {
    expect(newPaymentId()).toMatch(/^pay_[0-9A-Za-z]{24}$/);
    expect(newMerchantId()).toMatch(/^mer_[0-9A-Za-z]{24}$/);
    expect(newCardToken()).toMatch(/^tok_[0-9A-Za-z]{24}$/);
    expect(PAYMENT_ID_PATTERN.test(newPaymentId())).toBe(true);
  });
});

describe('credentialFromAuthorization', () => {
  it('reads a bearer token and Basic with the key as user name', () => {
    expect(credentialFromAuthorization('Bearer sk_test_abc')).toBe('sk_test_abc');
    expect(credentialFromAuthorization('bearer sk_test_abc')).toBe('sk_test_abc');
    const basic = Buffer.from('sk_test_abc:').toString('base64');
    expect(credentialFromAuthorization(`Basic ${basic}`)).toBe('sk_test_abc');
  });

  it.each([
    undefined,
    '',
    'Bearer',
    'Token sk_test_abc',
    'Bearer a b',
    `Basic ${Buffer.from(':pw').toString('base64')}`,
  ])('finds nothing in %j', (header) => expect(credentialFromAuthorization(header)).toBeNull());
});
