/** What a posting rule decides: an entry to post with the state after it, a rejection, or nothing to do. */
import type { JournalEntryDraft } from '../journal-entry';

/** The contract's ledger.entry_rejected reasons. */
export type RejectReason =
  | 'insufficient_balance'
  | 'refund_exceeds_captured'
  | 'hold_already_resolved'
  | 'unknown_hold'
  | 'invalid_amount'
  | 'settlement_totals_mismatch'
  | 'unknown_settlement_item'
  | 'settlement_item_mismatch'
  | 'already_settled'
  | 'dispute_not_lost';

export interface Rejection {
  readonly outcome: 'reject';
  readonly reason: RejectReason;
  readonly message: string;
}

/** Nothing to post and nothing wrong (a payout.failed for a payout the ledger never reserved). */
export interface Ignored {
  readonly outcome: 'ignore';
  readonly message: string;
}

/** The business context of an entry, for ledger.entry_posted (reporting needs nothing else). */
export interface EntryContext {
  readonly currency: string;
  readonly grossAmountMinor: bigint;
  readonly feeAmountMinor: bigint;
  readonly processor?: string;
  readonly paymentMethodType?: string;
  readonly fx?: FxFacts;
}

/** An account whose credit balance (what the platform owes) may not go below zero. */
export interface BalanceGuard {
  readonly accountCode: string;
}

export interface Posted<S> {
  readonly outcome: 'post';
  readonly entry: JournalEntryDraft;
  readonly context: EntryContext;
  /** The state after the entry, to store in the same transaction. */
  readonly state: S;
  readonly guards: readonly BalanceGuard[];
}

export type Decision<S> = Posted<S> | Rejection | Ignored;

export interface FxFacts {
  readonly settlementCurrency: string;
  readonly settlementAmountMinor: bigint;
  readonly rate: string;
  readonly rateVersion: string;
}

export interface Common {
  readonly occurredAt: Date;
}

export function reject(reason: RejectReason, message: string): Rejection {
  return { outcome: 'reject', reason, message };
}
