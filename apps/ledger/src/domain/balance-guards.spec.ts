import { firstBreachedGuard, type GuardedEntry } from './balance-guards';
import { accounts } from './chart-of-accounts';
import { InsufficientBalanceError } from './ledger-error';

const available = accounts.merchantAvailable('mer_guards0001', 'USD');
const inFlight = accounts.payoutsInFlight('mer_guards0001', 'USD');

/** A payout of amount: +available (a debit to a liability), −in flight, guarded on available. */
function payout(amountMinor: bigint): GuardedEntry {
  return {
    postings: [
      { account: available, amountMinor },
      { account: inFlight, amountMinor: -amountMinor },
    ],
    guards: [{ accountCode: available.code }],
  };
}

/** A settlement crediting available (what the platform owes the merchant grows). */
function settlement(amountMinor: bigint): GuardedEntry {
  return {
    postings: [
      { account: accounts.merchantPending('mer_guards0001', 'USD'), amountMinor },
      { account: available, amountMinor: -amountMinor },
    ],
    guards: [],
  };
}

describe('balance guards over a list of entries', () => {
  it('lets entries through while the guarded balance stays at or above zero', () => {
    const balances = new Map([[available.code, -1_000n]]);
    expect(firstBreachedGuard([payout(400n), payout(600n)], balances)).toBeNull();
  });

  it('checks each entry against the balance the entries before it leave', () => {
    const balances = new Map([[available.code, -1_000n]]);
    const breached = firstBreachedGuard([payout(400n), payout(600n), payout(1n)], balances);
    expect(breached?.index).toBe(2);
    expect(breached?.error).toBeInstanceOf(InsufficientBalanceError);
    expect(breached?.error).toMatchObject({
      accountCode: available.code,
      availableMinor: 0n,
      requestedMinor: 1n,
    });
  });

  it('counts credits posted earlier in the list', () => {
    const balances = new Map([[available.code, 0n]]);
    expect(firstBreachedGuard([payout(1n)], balances)?.index).toBe(0);
    expect(firstBreachedGuard([settlement(500n), payout(500n)], balances)).toBeNull();
    expect(firstBreachedGuard([settlement(500n), payout(501n)], balances)?.index).toBe(1);
  });

  it('does not change the balances it was given', () => {
    const balances = new Map([[available.code, -10n]]);
    firstBreachedGuard([payout(10n)], balances);
    expect(balances.get(available.code)).toBe(-10n);
  });
});
