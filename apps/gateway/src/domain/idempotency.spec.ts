import {
  CANONICAL_JSON_DEPTH_MAX,
  canonicalJson,
  idempotencyRequestHash,
  isWellFormedIdempotencyKey,
} from './idempotency';

describe('idempotency keys', () => {
  it('accepts printable keys up to 255 characters and nothing else', () => {
    expect(isWellFormedIdempotencyKey('order-42')).toBe(true);
    expect(isWellFormedIdempotencyKey('a'.repeat(255))).toBe(true);
    expect(isWellFormedIdempotencyKey('a'.repeat(256))).toBe(false);
    expect(isWellFormedIdempotencyKey('')).toBe(false);
    expect(isWellFormedIdempotencyKey('with space')).toBe(false);
    expect(isWellFormedIdempotencyKey('tab\there')).toBe(false);
    expect(isWellFormedIdempotencyKey('é')).toBe(false);
  });

  it('writes JSON with keys sorted at every depth', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[2,{"y":2,"z":1}]},"b":1}',
    );
    expect(canonicalJson(undefined)).toBe('null');
    expect(canonicalJson({ a: undefined, b: 'x' })).toBe('{"b":"x"}');
  });

  it(`stops at ${CANONICAL_JSON_DEPTH_MAX} levels with a RangeError, never a stack overflow`, () => {
    let deep: unknown = 'bottom';
    for (let level = 0; level < 2_500; level += 1) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(RangeError);
    let fits: unknown = 'bottom';
    for (let level = 0; level < CANONICAL_JSON_DEPTH_MAX; level += 1) fits = { a: fits };
    expect(canonicalJson(fits)).toMatch(/^\{"a":/);
  });

  it('hashes the same request the same way whatever the key order', () => {
    const one = idempotencyRequestHash('secret', 'POST', '/v1/payments', { amount: 1, currency: 'usd' });
    const two = idempotencyRequestHash('secret', 'post', '/v1/payments', { currency: 'usd', amount: 1 });
    expect(one).toBe(two);
    expect(one).toMatch(/^[0-9a-f]{64}$/);
  });

  it('tells apart bodies, paths and secrets', () => {
    const base = idempotencyRequestHash('secret', 'POST', '/v1/payments', { amount: 1 });
    expect(idempotencyRequestHash('secret', 'POST', '/v1/payments', { amount: 2 })).not.toBe(base);
    expect(idempotencyRequestHash('secret', 'POST', '/v1/refunds', { amount: 1 })).not.toBe(base);
    expect(idempotencyRequestHash('other', 'POST', '/v1/payments', { amount: 1 })).not.toBe(base);
  });

  it('never carries the card number it was computed from', () => {
    const hash = idempotencyRequestHash('secret', 'POST', '/v1/payments', { number: '4242424242424242' });
    expect(hash).not.toContain('4242424242424242');
  });
});
