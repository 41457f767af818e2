import fc from 'fast-check';
import { sumByCurrency } from './journal-entry';
import { postCapture, type CaptureFacts } from './posting-rules';
import { defaultPricing } from './pricing';

const occurredAt = new Date('2025-11-20T10:00:00.000Z');

function capture(
  currency: string,
  grossAmountMinor: bigint,
  overrides: Partial<CaptureFacts> = {},
): CaptureFacts {
  return {
    merchantId: 'mer_abcdefgh',
    paymentId: 'pay_abcdefghijklmnopqrstuvwx',
    processor: 'simulated-a',
    currency,
    grossAmountMinor,
    pricing: defaultPricing(currency),
    occurredAt,
    ...overrides,
  };
}

function lines(facts: CaptureFacts): [string, bigint][] {
  return postCapture(facts).entry.postings.map((p) => [p.account.code, p.amountMinor]);
}

describe('postCapture', () => {
  it('posts the DESIGN.md example: 100.00 USD with a 3.20 fee', () => {
    const posted = postCapture(capture('USD', 10_000n));
    expect(posted.feeAmountMinor).toBe(320n);
    expect(posted.entry).toEqual({
      kind: 'capture',
      merchantId: 'mer_abcdefgh',
      paymentId: 'pay_abcdefghijklmnopqrstuvwx',
      occurredAt,
      postings: [
        {
          account: { code: 'processor_receivable:simulated-a:USD', type: 'asset', currency: 'USD' },
          amountMinor: 10_000n,
        },
        {
          account: { code: 'merchant_pending:mer_abcdefgh:USD', type: 'liability', currency: 'USD' },
          amountMinor: -9_680n,
        },
        { account: { code: 'fee_revenue:USD', type: 'revenue', currency: 'USD' }, amountMinor: -320n },
      ],
    });
  });

  it('posts JPY (exponent 0) with no fixed fee: ¥10 000 → fee ¥290', () => {
    expect(lines(capture('JPY', 10_000n))).toEqual([
      ['processor_receivable:simulated-a:JPY', 10_000n],
      ['merchant_pending:mer_abcdefgh:JPY', -9_710n],
      ['fee_revenue:JPY', -290n],
    ]);
  });

  it('rounds JPY half away from zero: ¥1 234 × 2.9 % = 35.786 → ¥36', () => {
    expect(lines(capture('JPY', 1_234n))).toEqual([
      ['processor_receivable:simulated-a:JPY', 1_234n],
      ['merchant_pending:mer_abcdefgh:JPY', -1_198n],
      ['fee_revenue:JPY', -36n],
    ]);
  });

  it('posts KWD (exponent 3) with a 0.300 fixed fee: 12.345 KWD → fee 0.658', () => {
    // 12 345 × 2.9 % = 358.005 → 358, + 300
    expect(lines(capture('KWD', 12_345n))).toEqual([
      ['processor_receivable:simulated-a:KWD', 12_345n],
      ['merchant_pending:mer_abcdefgh:KWD', -11_687n],
      ['fee_revenue:KWD', -658n],
    ]);
  });

  it('posts EUR with a merchant pricing', () => {
    expect(lines(capture('EUR', 2_500n, { pricing: { basisPoints: 150n, fixedMinor: 25n } }))).toEqual([
      ['processor_receivable:simulated-a:EUR', 2_500n],
      ['merchant_pending:mer_abcdefgh:EUR', -2_437n], // 37.5 → 38, + 25 = 63
      ['fee_revenue:EUR', -63n],
    ]);
  });

  it('posts no fee line when the fee is zero, and no merchant line when the fee takes it all', () => {
    expect(lines(capture('USD', 500n, { pricing: { basisPoints: 0n, fixedMinor: 0n } }))).toEqual([
      ['processor_receivable:simulated-a:USD', 500n],
      ['merchant_pending:mer_abcdefgh:USD', -500n],
    ]);
    expect(lines(capture('USD', 20n))).toEqual([
      ['processor_receivable:simulated-a:USD', 20n],
      ['fee_revenue:USD', -20n],
    ]);
  });

  it('refuses a zero or negative capture and an unknown currency', () => {
    expect(() => postCapture(capture('USD', 0n))).toThrow(/must be positive/);
    expect(() => postCapture(capture('USD', -5n))).toThrow(/must be positive/);
    expect(() => postCapture(capture('ABC', 5n, { pricing: { basisPoints: 0n, fixedMinor: 0n } }))).toThrow(
      /unknown currency/,
    );
  });

  it('property: random captures always balance, the fee never exceeds the gross, and the journal sums to zero', () => {
    const currencies = ['USD', 'EUR', 'JPY', 'KWD', 'CLF', 'BHD', 'KRW'];
    const captureArb = fc.record({
      currency: fc.constantFrom(...currencies),
      grossAmountMinor: fc.bigInt({ min: 1n, max: 999_999_999_999_999n }),
      basisPoints: fc.bigInt({ min: 0n, max: 10_000n }),
      fixedMinor: fc.bigInt({ min: 0n, max: 1_000_000n }),
      merchant: fc.constantFrom('mer_aaaaaaaa', 'mer_bbbbbbbb'),
      processor: fc.constantFrom('simulated-a', 'simulated-b'),
    });
    fc.assert(
      fc.property(fc.array(captureArb, { minLength: 1, maxLength: 40 }), (captures) => {
        const journal = new Map<string, bigint>();
        for (const c of captures) {
          const posted = postCapture(
            capture(c.currency, c.grossAmountMinor, {
              merchantId: c.merchant,
              processor: c.processor,
              pricing: { basisPoints: c.basisPoints, fixedMinor: c.fixedMinor },
            }),
          );
          expect(posted.feeAmountMinor >= 0n && posted.feeAmountMinor <= c.grossAmountMinor).toBe(true);
          for (const sum of sumByCurrency(posted.entry.postings).values()) expect(sum).toBe(0n);
          for (const p of posted.entry.postings) {
            journal.set(p.account.currency, (journal.get(p.account.currency) ?? 0n) + p.amountMinor);
          }
        }
        for (const total of journal.values()) expect(total).toBe(0n);
      }),
      { numRuns: 300 },
    );
  });
});
