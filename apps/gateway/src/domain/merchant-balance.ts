/**
 * A merchant's balance from ledger postings. The ledger names accounts
 * `<kind>:<URI-encoded owner>:<CURRENCY>` (apps/ledger/src/domain/chart-of-accounts.ts); the
 * merchant's are liabilities, merchant_pending and merchant_available, whose postings are signed
 * debit-positive, so what the platform owes the merchant moves by minus the posting.
 */

export interface Posting {
  readonly accountCode: string;
  readonly currency: string;
  readonly amountMinor: string;
}

export interface BalanceDelta {
  readonly merchantId: string;
  readonly currency: string;
  readonly pendingMinor: bigint;
  readonly availableMinor: bigint;
}

const MERCHANT_ACCOUNT = /^(merchant_pending|merchant_available):([^:]+):([A-Z]{3})$/;

/** The changes an entry makes to merchants' balances, summed per merchant and currency. */
export function balanceDeltas(postings: readonly Posting[]): BalanceDelta[] {
  const byKey = new Map<
    string,
    { merchantId: string; currency: string; pending: bigint; available: bigint }
  >();
  for (const posting of postings) {
    const match = MERCHANT_ACCOUNT.exec(posting.accountCode);
    if (match === null) continue;
    const [, kind, owner = '', currency = ''] = match;
    let merchantId: string;
    try {
      merchantId = decodeURIComponent(owner);
    } catch {
      continue;
    }
    const key = `${merchantId}\u0000${currency}`;
    const entry = byKey.get(key) ?? { merchantId, currency, pending: 0n, available: 0n };
    const owed = -BigInt(posting.amountMinor);
    if (kind === 'merchant_pending') entry.pending += owed;
    else entry.available += owed;
    byKey.set(key, entry);
  }
  return [...byKey.values()].map((entry) => ({
    merchantId: entry.merchantId,
    currency: entry.currency,
    pendingMinor: entry.pending,
    availableMinor: entry.available,
  }));
}
