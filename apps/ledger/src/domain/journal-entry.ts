import { isKnownCurrency } from '@platform/money';
import type { AccountRef } from './chart-of-accounts';
import { LedgerRuleError } from './ledger-error';

/** One line of an entry. Signed: a debit is positive, a credit negative. */
export interface Posting {
  readonly account: AccountRef;
  readonly amountMinor: bigint;
}

/** The kinds of ledger.entry_posted (the contract's ledgerEntryKindSchema). */
export type EntryKind =
  | 'authorization_hold'
  | 'hold_release'
  | 'capture'
  | 'refund'
  | 'settlement'
  | 'payout'
  | 'payout_paid'
  | 'payout_failed'
  | 'dispute_hold'
  | 'dispute_won'
  | 'dispute_lost'
  | 'reversal';

/** Business facts recorded with an entry and covered by its hash (ids, the FX rate used). */
export type EntryDetails = Readonly<Record<string, string>>;

/** An entry before the ledger gives it a sequence, a hash and an id. */
export interface JournalEntryDraft {
  readonly kind: EntryKind;
  /** Null when an entry spans merchants (a settlement). */
  readonly merchantId: string | null;
  readonly paymentId: string | null;
  /** The key of its ledger.entry_posted: payment id, merchant id for payouts, settlement id. */
  readonly aggregateId: string;
  readonly occurredAt: Date;
  readonly postings: readonly Posting[];
  readonly details: EntryDetails;
  readonly reversesEntryId: string | null;
}

/** A settlement moves two postings per merchant and currency; beyond this it must be split. */
export const POSTINGS_PER_ENTRY_MAX = 2_000;

/** Per-currency sum of the postings; a balanced entry has 0n for every currency. */
export function sumByCurrency(postings: readonly Posting[]): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const posting of postings) {
    const currency = posting.account.currency;
    sums.set(currency, (sums.get(currency) ?? 0n) + posting.amountMinor);
  }
  return sums;
}

/**
 * Throws LedgerRuleError unless the entry is well formed: 2 to POSTINGS_PER_ENTRY_MAX postings,
 * no zero amount, no account twice, every amount in its account's currency, and debits equal to
 * credits in each currency. The database checks the balance a second time at commit.
 */
export function assertBalanced(postings: readonly Posting[]): void {
  if (postings.length < 2)
    throw new LedgerRuleError(`an entry needs at least 2 postings, got ${postings.length}`);
  if (postings.length > POSTINGS_PER_ENTRY_MAX) {
    throw new LedgerRuleError(
      `an entry has at most ${POSTINGS_PER_ENTRY_MAX} postings, got ${postings.length}`,
    );
  }
  const codes = new Set<string>();
  for (const posting of postings) {
    if (typeof posting.amountMinor !== 'bigint')
      throw new LedgerRuleError('a posting amount must be a bigint');
    if (posting.amountMinor === 0n) throw new LedgerRuleError(`zero posting to ${posting.account.code}`);
    if (!isKnownCurrency(posting.account.currency)) {
      throw new LedgerRuleError(`unknown currency ${posting.account.currency} on ${posting.account.code}`);
    }
    if (codes.has(posting.account.code))
      throw new LedgerRuleError(`account ${posting.account.code} posted twice`);
    codes.add(posting.account.code);
  }
  for (const [currency, sum] of sumByCurrency(postings)) {
    if (sum !== 0n)
      throw new LedgerRuleError(`entry does not balance in ${currency}: postings sum to ${sum}`);
  }
}

/** Merges postings to the same account (an entry posts each account once) and drops zeros. */
export function mergePostings(postings: readonly Posting[]): Posting[] {
  const merged = new Map<string, Posting>();
  for (const posting of postings) {
    const previous = merged.get(posting.account.code);
    merged.set(posting.account.code, {
      account: posting.account,
      amountMinor: (previous?.amountMinor ?? 0n) + posting.amountMinor,
    });
  }
  return [...merged.values()].filter((p) => p.amountMinor !== 0n);
}
