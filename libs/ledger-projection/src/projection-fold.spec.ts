import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import {
  bucketOf,
  contiguousFrom,
  distinctBySequence,
  entryProblem,
  foldEntries,
  foldEntry,
  emptyDeltas,
  merchantOfAccount,
  type LedgerEntryPosted,
} from './projection-fold';
import { toCsv } from './csv';

const MERCHANTS = ['mer_aaaaaaaa', 'mer_bbbbbbbb'];

function capture(
  sequence: number,
  merchant: string,
  gross: bigint,
  fee: bigint,
  currency = 'USD',
): LedgerEntryPosted {
  return {
    entryId: randomUUID(),
    sequence: String(sequence),
    hash: 'a'.repeat(64),
    kind: 'capture',
    sourceEventId: randomUUID(),
    postings: [
      {
        accountCode: `processor_receivable:sim:${currency}`,
        accountType: 'asset',
        currency,
        amountMinor: String(gross),
      },
      {
        accountCode: `merchant_pending:${merchant}:${currency}`,
        accountType: 'liability',
        currency,
        amountMinor: String(-(gross - fee)),
      },
      { accountCode: `fee_revenue:${currency}`, accountType: 'revenue', currency, amountMinor: String(-fee) },
    ],
    context: {
      merchantId: merchant,
      paymentMethodType: 'card',
      currency,
      grossAmountMinor: String(gross),
      feeAmountMinor: String(fee),
      occurredAt: '2025-11-20T10:07:00Z',
    },
  };
}

/**
 * A capture presented in USD and settled in JPY, as the ledger posts it (issue 16): the receivable
 * in USD, the merchant and the fee in JPY, both legs balanced through fx_position.
 */
function fxCapture(sequence: number, merchant: string): LedgerEntryPosted {
  const posting = (
    accountCode: string,
    accountType: 'asset' | 'liability' | 'revenue',
    currency: string,
    amount: number,
  ) => ({
    accountCode,
    accountType,
    currency,
    amountMinor: String(amount),
  });
  return {
    entryId: randomUUID(),
    sequence: String(sequence),
    hash: 'a'.repeat(64),
    kind: 'capture',
    sourceEventId: randomUUID(),
    postings: [
      posting(`merchant_hold:${merchant}:USD`, 'liability', 'USD', 1_000_000),
      posting('authorization_pending:sim:USD', 'liability', 'USD', -1_000_000),
      posting('processor_receivable:sim:USD', 'asset', 'USD', 1_000_000),
      posting('fx_position:USD', 'asset', 'USD', -1_000_000),
      posting('fx_position:JPY', 'asset', 'JPY', 1_512_000),
      posting(`merchant_pending:${merchant}:JPY`, 'liability', 'JPY', -1_467_624),
      posting('fee_revenue:JPY', 'revenue', 'JPY', -44_376),
    ],
    context: {
      merchantId: merchant,
      paymentMethodType: 'card',
      processor: 'sim',
      currency: 'USD',
      grossAmountMinor: '1000000',
      feeAmountMinor: '44376',
      fx: {
        settlementCurrency: 'JPY',
        settlementAmountMinor: '1512000',
        rate: '151.2',
        rateVersion: '2026-11-25',
      },
      occurredAt: '2025-11-20T10:07:00Z',
    },
  };
}

/** A refund of 2,500.00 USD of fxCapture: the merchant gives back its JPY share. */
function fxRefund(sequence: number, merchant: string): LedgerEntryPosted {
  return {
    entryId: randomUUID(),
    sequence: String(sequence),
    hash: 'a'.repeat(64),
    kind: 'refund',
    sourceEventId: randomUUID(),
    postings: [
      {
        accountCode: `merchant_available:${merchant}:JPY`,
        accountType: 'liability',
        currency: 'JPY',
        amountMinor: '378000',
      },
      {
        accountCode: 'processor_receivable:sim:USD',
        accountType: 'asset',
        currency: 'USD',
        amountMinor: '-250000',
      },
      { accountCode: 'fx_position:JPY', accountType: 'asset', currency: 'JPY', amountMinor: '-378000' },
      { accountCode: 'fx_position:USD', accountType: 'asset', currency: 'USD', amountMinor: '250000' },
    ],
    context: {
      merchantId: merchant,
      paymentMethodType: 'card',
      processor: 'sim',
      currency: 'USD',
      grossAmountMinor: '250000',
      feeAmountMinor: '0',
      occurredAt: '2025-11-20T10:11:00Z',
    },
  };
}

/** Deltas as plain sorted data, to compare two folds. */
function plain(entries: LedgerEntryPosted[][]): string {
  const deltas = emptyDeltas();
  for (const batch of entries) for (const entry of batch) foldEntry(deltas, entry);
  const maps = [deltas.volume, deltas.balances, deltas.fees, deltas.payouts, deltas.activity];
  return JSON.stringify(
    maps.map((map) => [...map].sort(([a], [b]) => (a < b ? -1 : 1))),
    (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value),
  );
}

describe('projection fold', () => {
  it('adds a capture to volume, balances, fees and activity', () => {
    const deltas = foldEntries([capture(1, MERCHANTS[0]!, 10_000n, 320n)]);
    expect([...deltas.volume.values()]).toEqual([
      expect.objectContaining({
        bucket: '2025-11-20T10:00:00.000Z',
        grossMinor: 10_000n,
        feeMinor: 320n,
        captureCount: 1n,
      }),
    ]);
    expect(deltas.balances.get('merchant_pending:mer_aaaaaaaa:USD')).toMatchObject({
      creditMinor: 9_680n,
      merchantId: 'mer_aaaaaaaa',
    });
    expect([...deltas.fees.values()]).toEqual([expect.objectContaining({ revenueMinor: 320n })]);
    expect([...deltas.activity.values()]).toEqual([
      expect.objectContaining({
        kind: 'capture',
        grossMinor: 10_000n,
        merchantPostedMinor: -9_680n,
        entryCount: 1n,
      }),
    ]);
  });

  // Issue 16: the fee (JPY) was filed under the presentment currency (USD) and net = USD − JPY.
  it('files a cross-currency capture and refund under both currencies, never mixing them', () => {
    const merchant = MERCHANTS[0]!;
    const deltas = foldEntries([fxCapture(1, merchant), fxRefund(2, merchant)]);
    const volume = [...deltas.volume.values()];
    expect(volume).toHaveLength(1);
    expect(volume[0]).toMatchObject({
      currency: 'USD',
      settlementCurrency: 'JPY',
      grossMinor: 1_000_000n,
      settlementGrossMinor: 1_512_000n,
      feeMinor: 44_376n,
      refundedMinor: 250_000n,
      settlementRefundedMinor: 378_000n,
    });
    // The fee and the merchant's credits sit under JPY, as the postings have them.
    expect(deltas.activity.get(`${merchant}|JPY|capture`)).toMatchObject({
      feeMinor: 44_376n,
      revenueMinor: 44_376n,
      merchantCreditedMinor: 1_467_624n,
    });
    expect(deltas.activity.get(`${merchant}|USD|capture`)).toMatchObject({
      grossMinor: 1_000_000n,
      feeMinor: 0n,
      revenueMinor: 0n,
    });
    expect(deltas.activity.get(`${merchant}|JPY|refund`)).toMatchObject({ merchantPostedMinor: 378_000n });
    expect([...deltas.fees.values()]).toEqual([
      expect.objectContaining({ currency: 'JPY', revenueMinor: 44_376n }),
    ]);
  });

  it('gives the same result whatever the order and batching of the entries', () => {
    const entry = fc
      .record({
        merchant: fc.constantFrom(...MERCHANTS),
        gross: fc.bigInt(1n, 10n ** 12n),
        currency: fc.constantFrom('USD', 'JPY'),
      })
      .chain((e) => fc.record({ fee: fc.bigInt(0n, e.gross) }).map(({ fee }) => ({ ...e, fee })));
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 30 }), fc.array(fc.nat(5)), (specs, cuts) => {
        const entries = specs.map((s, i) => capture(i + 1, s.merchant, s.gross, s.fee, s.currency));
        const batches: LedgerEntryPosted[][] = [];
        let rest = [...entries].reverse();
        for (const cut of cuts) {
          batches.push(rest.slice(0, cut));
          rest = rest.slice(cut);
        }
        batches.push(rest);
        expect(plain(batches)).toBe(plain([entries]));
      }),
    );
  });

  it('keeps one entry per sequence and finds the contiguous sequence', () => {
    const first = capture(1, MERCHANTS[0]!, 100n, 1n);
    expect(
      distinctBySequence([first, { ...first }, capture(2, MERCHANTS[0]!, 1n, 0n)]).map((e) => e.sequence),
    ).toEqual(['1', '2']);
    expect(contiguousFrom(0n, new Set([1n, 2n, 4n]))).toBe(2n);
    expect(contiguousFrom(4n, new Set([6n]))).toBe(4n);
  });

  it('names what makes an entry unprojectable', () => {
    const entry = capture(1, MERCHANTS[0]!, 100n, 1n);
    expect(entryProblem(entry)).toBeUndefined();
    const unbalanced = { ...entry, postings: entry.postings.slice(0, 2) };
    expect(entryProblem(unbalanced)).toMatch(/does not balance in USD \(off by 1\)/);
    const { merchantId: _dropped, ...context } = entry.context;
    expect(entryProblem({ ...entry, context })).toMatch(/names no merchant/);
  });

  it('buckets by 15 minutes in UTC and finds merchants in account codes', () => {
    expect(bucketOf('2025-11-20T10:29:59.999+05:30')).toBe('2025-11-20T04:45:00.000Z');
    expect(merchantOfAccount('merchant_pending:mer_abcdefgh:USD')).toBe('mer_abcdefgh');
    expect(merchantOfAccount('fee_revenue:USD')).toBe('');
  });
});

describe('csv', () => {
  it('writes RFC 4180 CSV and defuses formulas', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          { a: 'x,y', b: '=SUM(A1)' },
          { a: '-12', b: null },
        ],
      ),
    ).toBe(`a,b\r\n"x,y",'=SUM(A1)\r\n-12,\r\n`);
  });
});
