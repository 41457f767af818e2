import type {
  AccountBalanceAt,
  AccountStatement,
  LedgerDigest,
  TrialBalanceSnapshot,
  VerifyReport,
} from '../journal/journal-queries.repository';
import type { StoredEntry } from '../journal/stored-entry';

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
    aggregate_id: entry.aggregateId,
    reverses_entry_id: entry.reversesEntryId,
    details: entry.details,
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

export function balanceView(balance: AccountBalanceAt) {
  return {
    object: 'account_balance' as const,
    code: balance.code,
    type: balance.type,
    currency: balance.currency,
    balance_minor: balance.balanceMinor.toString(),
    as_of_sequence: balance.asOfSequence.toString(),
  };
}

export function statementView(statement: AccountStatement) {
  return {
    object: 'list' as const,
    code: statement.code,
    type: statement.type,
    currency: statement.currency,
    has_more: statement.hasMore,
    data: statement.lines.map((line) => ({
      entry_id: line.entryId,
      sequence: line.sequence.toString(),
      kind: line.kind,
      payment_id: line.paymentId,
      occurred_at: line.occurredAt.toISOString(),
      amount_minor: line.amountMinor.toString(),
      balance_after_minor: line.balanceAfterMinor.toString(),
    })),
  };
}

export function verifyView(report: VerifyReport) {
  return {
    object: 'ledger_verification' as const,
    ok: report.ok,
    head: digestView(report.head),
    checked_through_sequence: report.checkedThrough.toString(),
    first_broken_link:
      report.firstBroken === null
        ? null
        : {
            sequence: report.firstBroken.sequence.toString(),
            entry_id: report.firstBroken.entryId,
            reason: report.firstBroken.reason,
          },
    balance_mismatches: report.balanceMismatches,
  };
}
