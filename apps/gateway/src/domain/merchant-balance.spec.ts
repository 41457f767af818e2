import { balanceDeltas } from './merchant-balance';

describe('balanceDeltas', () => {
  it('turns credits to a merchant account into money owed to the merchant', () => {
    expect(
      balanceDeltas([
        { accountCode: 'processor_receivable:simulator:USD', currency: 'USD', amountMinor: '10000' },
        { accountCode: 'merchant_pending:mer_A1234567:USD', currency: 'USD', amountMinor: '-9680' },
        { accountCode: 'fee_revenue:USD', currency: 'USD', amountMinor: '-320' },
      ]),
    ).toEqual([{ merchantId: 'mer_A1234567', currency: 'USD', pendingMinor: 9680n, availableMinor: 0n }]);
  });

  it('moves money from pending to available and sums per merchant and currency', () => {
    expect(
      balanceDeltas([
        { accountCode: 'merchant_pending:mer_A1234567:EUR', currency: 'EUR', amountMinor: '500' },
        { accountCode: 'merchant_available:mer_A1234567:EUR', currency: 'EUR', amountMinor: '-500' },
        { accountCode: 'merchant_available:mer_B1234567:EUR', currency: 'EUR', amountMinor: '-1' },
        { accountCode: 'merchant_available:mer_B1234567:EUR', currency: 'EUR', amountMinor: '-2' },
      ]),
    ).toEqual([
      { merchantId: 'mer_A1234567', currency: 'EUR', pendingMinor: -500n, availableMinor: 500n },
      { merchantId: 'mer_B1234567', currency: 'EUR', pendingMinor: 0n, availableMinor: 3n },
    ]);
  });

  it('decodes URI-encoded owners and ignores other accounts and malformed codes', () => {
    expect(
      balanceDeltas([
        { accountCode: 'merchant_pending:mer%3Ax:USD', currency: 'USD', amountMinor: '-1' },
        { accountCode: 'merchant_pending:%E0%A4%A:USD', currency: 'USD', amountMinor: '-1' },
        { accountCode: 'merchant_reserve:mer_A1234567:USD', currency: 'USD', amountMinor: '-1' },
      ]),
    ).toEqual([{ merchantId: 'mer:x', currency: 'USD', pendingMinor: 1n, availableMinor: 0n }]);
  });

  it('keeps amounts beyond 2^53 exact', () => {
    const [delta] = balanceDeltas([
      { accountCode: 'merchant_pending:mer_A1234567:USD', currency: 'USD', amountMinor: '-9007199254740993' },
    ]);
    expect(delta?.pendingMinor).toBe(9_007_199_254_740_993n);
  });
});
