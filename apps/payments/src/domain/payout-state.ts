import { createHash } from 'node:crypto';

/**
 * A payout's life: pending once requested (payout.requested asks the ledger to reserve the funds),
 * then paid or failed. A reservation is followed at once by the simulated bank transfer; a
 * rejected reservation fails the payout with insufficient_balance. Pure: no Nest, SQL or Kafka.
 */
export type PayoutStatus = 'pending' | 'paid' | 'failed';
export type PayoutFailureCode = 'insufficient_balance' | 'bank_rejected';
export type PayoutTrigger = 'on_request' | 'daily';

export interface Payout {
  readonly payoutId: string;
  readonly merchantId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly status: PayoutStatus;
  readonly failureCode: PayoutFailureCode | null;
  readonly trigger: PayoutTrigger;
}

export type PayoutOutcomeEvent =
  | { readonly type: 'payout.paid' }
  | { readonly type: 'payout.failed'; readonly failureCode: PayoutFailureCode };

export type PayoutTransition =
  | { readonly outcome: 'apply'; readonly payout: Payout; readonly event: PayoutOutcomeEvent }
  | { readonly outcome: 'ignore'; readonly reason: string };

export interface PayoutRequest {
  readonly payoutId: string;
  readonly merchantId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly trigger: PayoutTrigger;
}

/** A new payout, pending; refused (null) when the amount is not positive. */
export function requestPayout(request: PayoutRequest): Payout | null {
  if (request.amountMinor <= 0n) return null;
  return { ...request, status: 'pending', failureCode: null };
}

/** What the simulated bank does with a transfer: paid, or rejected by the amount's last digits. */
export function simulatedBankTransfer(amountMinor: bigint, rejectedEnding: string): 'paid' | 'bank_rejected' {
  if (rejectedEnding !== '' && amountMinor.toString().endsWith(rejectedEnding)) return 'bank_rejected';
  return 'paid';
}

/** The ledger reserved the funds: the bank transfer's result ends the payout. */
export function completeReservedPayout(payout: Payout, transfer: 'paid' | 'bank_rejected'): PayoutTransition {
  if (payout.status !== 'pending') {
    return { outcome: 'ignore', reason: `payout ${payout.payoutId} is already ${payout.status}` };
  }
  if (transfer === 'paid') {
    return { outcome: 'apply', payout: { ...payout, status: 'paid' }, event: { type: 'payout.paid' } };
  }
  return {
    outcome: 'apply',
    payout: { ...payout, status: 'failed', failureCode: 'bank_rejected' },
    event: { type: 'payout.failed', failureCode: 'bank_rejected' },
  };
}

/**
 * The ledger refused the reservation. Only a balance too low is a payout failure the contract
 * names; any other reason (a request the ledger saw twice, say) leaves it pending for an operator.
 */
export function failRejectedPayout(payout: Payout, reason: string): PayoutTransition {
  if (payout.status !== 'pending') {
    return { outcome: 'ignore', reason: `payout ${payout.payoutId} is already ${payout.status}` };
  }
  if (reason !== 'insufficient_balance') {
    return { outcome: 'ignore', reason: `payout ${payout.payoutId} rejected by the ledger: ${reason}` };
  }
  return {
    outcome: 'apply',
    payout: { ...payout, status: 'failed', failureCode: 'insufficient_balance' },
    event: { type: 'payout.failed', failureCode: 'insufficient_balance' },
  };
}

/** The daily payout's id: one per merchant, currency and UTC day, so a second run pays nothing. */
export function dailyPayoutIdFor(merchantId: string, currency: string, day: string): string {
  return `po_${createHash('sha256').update(`${merchantId}\n${currency}\n${day}`).digest('hex').slice(0, 32)}`;
}

/** What a daily payout sends: the available balance less what pending payouts will take. */
export function dailyPayoutAmount(availableMinor: bigint, pendingMinor: bigint): bigint | null {
  const amount = availableMinor - pendingMinor;
  return amount > 0n ? amount : null;
}

const MERCHANT_AVAILABLE = /^merchant_available:([^:]+):([A-Z]{3})$/;

export interface Posting {
  readonly accountCode: string;
  readonly amountMinor: string;
}

export interface AvailableDelta {
  readonly merchantId: string;
  readonly currency: string;
  readonly availableMinor: bigint;
}

/**
 * How an entry's postings move merchants' available balances. The ledger names accounts
 * `<kind>:<URI-encoded owner>:<CURRENCY>` (apps/ledger/src/domain/chart-of-accounts.ts);
 * merchant_available is a liability posted debit-positive, so what is owed moves by minus it.
 */
export function availableBalanceDeltas(postings: readonly Posting[]): AvailableDelta[] {
  const byKey = new Map<string, { merchantId: string; currency: string; availableMinor: bigint }>();
  for (const posting of postings) {
    const match = MERCHANT_AVAILABLE.exec(posting.accountCode);
    if (match === null) continue;
    const [, owner = '', currency = ''] = match;
    let merchantId: string;
    try {
      merchantId = decodeURIComponent(owner);
    } catch {
      continue;
    }
    const key = `${merchantId}\u0000${currency}`;
    const entry = byKey.get(key) ?? { merchantId, currency, availableMinor: 0n };
    entry.availableMinor -= BigInt(posting.amountMinor);
    byKey.set(key, entry);
  }
  return [...byKey.values()].filter((delta) => delta.availableMinor !== 0n);
}
