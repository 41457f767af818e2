import type { LedgerDigest, StoredEntry, TrialBalanceSnapshot } from '../journal/journal.repository';

/** The read API's JSON: snake_case, every amount and sequence a string of integers. */
export function entryView(entry: StoredEntry) {
  return {
    object: 'ledger_entry' as const,
    id: entry.id,
    sequence: entry.sequence.toString(),
    kind: entry.kind,
    source_event_id: entry.sourceEventId,
    merchant_id: entry.merchantId,
    payment_id: entry.paymentId,
    occurred_at: entry.occurredAt.toISOString(),
    created_at: entry.createdAt?.toISOString() ?? null,
    previous_hash: entry.previousHash,
    hash: entry.hash,
    postings: entry.postings.map((p) => ({
      account_code: p.accountCode,
      account_type: p.accountType,
      currency: p.currency,
      amount_minor: p.amountMinor.toString(),
    })),
  };
}

export function digestView(digest: LedgerDigest) {
  return { sequence: digest.sequence.toString(), hash: digest.hash };
}

/** Debits are positive balances, credits the magnitude of negative ones; net = debits − credits. */
export function trialBalanceView(snapshot: TrialBalanceSnapshot) {
  return {
    object: 'trial_balance' as const,
    as_of: digestView(snapshot.asOf),
    currencies: snapshot.currencies.map((c) => ({
      currency: c.currency,
      debits_minor: c.debitsMinor.toString(),
      credits_minor: c.creditsMinor.toString(),
      net_minor: (c.debitsMinor - c.creditsMinor).toString(),
    })),
    accounts: snapshot.accounts.map((a) => ({
      code: a.code,
      type: a.type,
      currency: a.currency,
      balance_minor: a.balanceMinor.toString(),
    })),
    accounts_truncated: snapshot.accountsTruncated,
  };
}
