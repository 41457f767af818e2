import { listLookupsOf, normalizeListValue, velocityKeysOf } from './block-lists';
import type { PaymentFacts } from './risk-rules';

const facts: PaymentFacts = {
  amountMinor: 100n,
  currency: 'USD',
  card: { bin: '424242', last4: '4242', brand: 'visa', fingerprint: 'fp_card000000000001' },
  customer: { id: 'cus_1', email: 'Jane@Mail.EU.Example.com', country: 'fr', ip: '2001:DB8::1' },
};

describe('normalizeListValue', () => {
  it.each([
    ['card_fingerprint', ' fp_card000000000001 ', 'fp_card000000000001'],
    ['bin', '424242', '424242'],
    ['ip', '203.0.113.7', '203.0.113.7'],
    ['ip', '2001:DB8::1', '2001:db8::1'],
    ['email_domain', 'Mailinator.COM.', 'mailinator.com'],
    ['country', 'kp', 'KP'],
  ] as const)('writes a %s %j as %j', (kind, raw, value) => {
    expect(normalizeListValue(kind, raw)).toEqual({ value });
  });

  it.each([
    ['card_fingerprint', 'short'],
    ['bin', '4242'],
    ['ip', '203.0.113'],
    ['email_domain', 'localhost'],
    ['country', 'FRA'],
  ] as const)('refuses a %s %j', (kind, raw) => {
    expect(normalizeListValue(kind, raw)).toEqual({ problem: expect.any(String) });
  });
});

describe('listLookupsOf', () => {
  it("looks up each of the payment's values as the lists store them, the email's parent domains too", () => {
    expect(listLookupsOf(facts)).toEqual([
      { kind: 'card_fingerprint', values: ['fp_card000000000001'] },
      { kind: 'bin', values: ['424242'] },
      { kind: 'ip', values: ['2001:db8::1'] },
      { kind: 'email_domain', values: ['mail.eu.example.com', 'eu.example.com', 'example.com'] },
      { kind: 'country', values: ['FR'] },
    ]);
  });

  it('leaves out what the payment does not have', () => {
    expect(listLookupsOf({ amountMinor: 1n, currency: 'USD', customer: { ip: 'garbage' } })).toEqual([]);
  });
});

describe('velocityKeysOf', () => {
  it('counts a payment under its card, customer, email and IP, normalized', () => {
    expect(velocityKeysOf(facts)).toEqual([
      { key: 'card_fingerprint', value: 'fp_card000000000001' },
      { key: 'customer', value: 'cus_1' },
      { key: 'email', value: 'jane@mail.eu.example.com' },
      { key: 'ip', value: '2001:db8::1' },
    ]);
    expect(velocityKeysOf({ amountMinor: 1n, currency: 'USD', customer: {} })).toEqual([]);
  });
});
