import {
  availableBalanceDeltas,
  completeReservedPayout,
  dailyPayoutAmount,
  dailyPayoutIdFor,
  failRejectedPayout,
  requestPayout,
  simulatedBankTransfer,
  type Payout,
} from './payout-state';

const MERCHANT = 'mer_payoutunit01';

function pending(amountMinor = 5_000n): Payout {
  const payout = requestPayout({
    payoutId: 'po_payoutunit0001',
    merchantId: MERCHANT,
    amountMinor,
    currency: 'USD',
    trigger: 'on_request',
  });
  if (payout === null) throw new Error('not requested');
  return payout;
}

describe('payout transitions', () => {
  it('requests a positive amount as pending, and refuses zero', () => {
    expect(pending()).toMatchObject({ status: 'pending', failureCode: null });
    expect(
      requestPayout({
        payoutId: 'po_x0000000',
        merchantId: MERCHANT,
        amountMinor: 0n,
        currency: 'USD',
        trigger: 'daily',
      }),
    ).toBeNull();
  });

  it('pays a reserved payout, or fails it when the bank rejects the transfer', () => {
    expect(completeReservedPayout(pending(), 'paid')).toEqual({
      outcome: 'apply',
      payout: { ...pending(), status: 'paid' },
      event: { type: 'payout.paid' },
    });
    expect(completeReservedPayout(pending(), 'bank_rejected')).toEqual({
      outcome: 'apply',
      payout: { ...pending(), status: 'failed', failureCode: 'bank_rejected' },
      event: { type: 'payout.failed', failureCode: 'bank_rejected' },
    });
  });

  it('fails a payout the ledger refused for its balance', () => {
    expect(failRejectedPayout(pending(), 'insufficient_balance')).toEqual({
      outcome: 'apply',
      payout: { ...pending(), status: 'failed', failureCode: 'insufficient_balance' },
      event: { type: 'payout.failed', failureCode: 'insufficient_balance' },
    });
  });

  it('leaves it pending for another rejection reason, and ignores answers to a finished payout', () => {
    expect(failRejectedPayout(pending(), 'invalid_amount')).toMatchObject({ outcome: 'ignore' });
    const paid = { ...pending(), status: 'paid' as const };
    expect(completeReservedPayout(paid, 'paid')).toMatchObject({ outcome: 'ignore' });
    expect(failRejectedPayout(paid, 'insufficient_balance')).toMatchObject({ outcome: 'ignore' });
    const failed = { ...pending(), status: 'failed' as const, failureCode: 'bank_rejected' as const };
    expect(completeReservedPayout(failed, 'paid')).toMatchObject({ outcome: 'ignore' });
  });
});

describe('the simulated bank', () => {
  it('rejects amounts ending in the configured digits, and nothing when none are', () => {
    expect(simulatedBankTransfer(1_013n, '13')).toBe('bank_rejected');
    expect(simulatedBankTransfer(13n, '13')).toBe('bank_rejected');
    expect(simulatedBankTransfer(1_031n, '13')).toBe('paid');
    expect(simulatedBankTransfer(1_013n, '')).toBe('paid');
  });
});

describe('daily payouts', () => {
  it('pays out what is available beyond pending payouts, and nothing when that is not positive', () => {
    expect(dailyPayoutAmount(10_000n, 0n)).toBe(10_000n);
    expect(dailyPayoutAmount(10_000n, 4_000n)).toBe(6_000n);
    expect(dailyPayoutAmount(10_000n, 10_000n)).toBeNull();
    expect(dailyPayoutAmount(-5n, 0n)).toBeNull();
  });

  it('derives one payout id per merchant, currency and day', () => {
    const id = dailyPayoutIdFor(MERCHANT, 'USD', '2026-11-25');
    expect(id).toMatch(/^po_[0-9a-f]{32}$/);
    expect(dailyPayoutIdFor(MERCHANT, 'USD', '2026-11-25')).toBe(id);
    expect(dailyPayoutIdFor(MERCHANT, 'USD', '2026-11-26')).not.toBe(id);
    expect(dailyPayoutIdFor(MERCHANT, 'EUR', '2026-11-25')).not.toBe(id);
  });
});

describe('availableBalanceDeltas', () => {
  it('reads merchants available balances off postings, owed = minus the debit-positive posting', () => {
    const deltas = availableBalanceDeltas([
      { accountCode: `merchant_pending:${MERCHANT}:USD`, amountMinor: '9680' },
      { accountCode: `merchant_available:${MERCHANT}:USD`, amountMinor: '-9680' },
      { accountCode: `merchant_available:mer_other0001:USD`, amountMinor: '-100' },
      { accountCode: `merchant_available:mer_other0001:USD`, amountMinor: '40' },
      { accountCode: 'platform_bank:USD', amountMinor: '9000' },
      { accountCode: `merchant_available:${encodeURIComponent('mer_a:b')}:EUR`, amountMinor: '5' },
    ]);
    expect(deltas).toEqual([
      { merchantId: MERCHANT, currency: 'USD', availableMinor: 9_680n },
      { merchantId: 'mer_other0001', currency: 'USD', availableMinor: 60n },
      { merchantId: 'mer_a:b', currency: 'EUR', availableMinor: -5n },
    ]);
  });

  it('drops moves that cancel out within the entry', () => {
    expect(
      availableBalanceDeltas([
        { accountCode: `merchant_available:${MERCHANT}:USD`, amountMinor: '10' },
        { accountCode: `merchant_available:${MERCHANT}:USD`, amountMinor: '-10' },
      ]),
    ).toEqual([]);
  });
});
