import { accounts } from './chart-of-accounts';
import { assertBalanced, sumByCurrency, type Posting } from './journal-entry';
import { LedgerRuleError } from './ledger-error';

const receivable = accounts.processorReceivable('simulated-a', 'USD');
const pending = accounts.merchantPending('mer_abcdefgh', 'USD');
const fees = accounts.feeRevenue('USD');

describe('assertBalanced', () => {
  it('accepts an entry whose debits equal its credits', () => {
    expect(() =>
      assertBalanced([
        { account: receivable, amountMinor: 10_000n },
        { account: pending, amountMinor: -9_680n },
        { account: fees, amountMinor: -320n },
      ]),
    ).not.toThrow();
  });

  it('refuses an entry off by one minor unit', () => {
    expect(() =>
      assertBalanced([
        { account: receivable, amountMinor: 10_000n },
        { account: pending, amountMinor: -9_680n },
        { account: fees, amountMinor: -319n },
      ]),
    ).toThrow(new LedgerRuleError('entry does not balance in USD: postings sum to 1'));
  });

  it('balances each currency on its own: a USD debit is not paid by a EUR credit', () => {
    const postings: Posting[] = [
      { account: receivable, amountMinor: 100n },
      { account: accounts.merchantPending('mer_abcdefgh', 'EUR'), amountMinor: -100n },
    ];
    expect(() => assertBalanced(postings)).toThrow(/does not balance in USD/);
    expect(sumByCurrency(postings)).toEqual(
      new Map([
        ['USD', 100n],
        ['EUR', -100n],
      ]),
    );
  });

  it('accepts a two-currency entry that balances in each', () => {
    expect(() =>
      assertBalanced([
        { account: receivable, amountMinor: 100n },
        { account: pending, amountMinor: -100n },
        { account: accounts.processorReceivable('p', 'JPY'), amountMinor: 15n },
        { account: accounts.feeRevenue('JPY'), amountMinor: -15n },
      ]),
    ).not.toThrow();
  });

  it('refuses fewer than two postings, zero postings, an account twice and unknown currencies', () => {
    expect(() => assertBalanced([])).toThrow(/at least 2 postings, got 0/);
    expect(() => assertBalanced([{ account: receivable, amountMinor: 0n }])).toThrow(/at least 2/);
    expect(() =>
      assertBalanced([
        { account: receivable, amountMinor: 0n },
        { account: pending, amountMinor: 0n },
      ]),
    ).toThrow(/zero posting/);
    expect(() =>
      assertBalanced([
        { account: receivable, amountMinor: 5n },
        { account: receivable, amountMinor: -5n },
      ]),
    ).toThrow(/posted twice/);
    expect(() =>
      assertBalanced([
        { account: { code: 'x:XXX', type: 'asset', currency: 'XXX' }, amountMinor: 5n },
        { account: { code: 'y:XXX', type: 'liability', currency: 'XXX' }, amountMinor: -5n },
      ]),
    ).toThrow(/unknown currency XXX/);
  });

  it('refuses a number where a bigint belongs', () => {
    expect(() =>
      assertBalanced([
        { account: receivable, amountMinor: 5 as unknown as bigint },
        { account: pending, amountMinor: -5n },
      ]),
    ).toThrow(/must be a bigint/);
  });
});

describe('account codes', () => {
  it('name kind, owner and currency, and encode owners so a colon cannot forge another code', () => {
    expect(receivable).toEqual({
      code: 'processor_receivable:simulated-a:USD',
      type: 'asset',
      currency: 'USD',
    });
    expect(pending).toEqual({
      code: 'merchant_pending:mer_abcdefgh:USD',
      type: 'liability',
      currency: 'USD',
    });
    expect(fees).toEqual({ code: 'fee_revenue:USD', type: 'revenue', currency: 'USD' });
    expect(accounts.processorReceivable('a:USD', 'EUR').code).toBe('processor_receivable:a%3AUSD:EUR');
  });
});
