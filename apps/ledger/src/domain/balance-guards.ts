import type { Posting } from './journal-entry';
import { InsufficientBalanceError } from './ledger-error';
import type { BalanceGuard } from './posting-rules';

export interface GuardedEntry {
  readonly postings: readonly Posting[];
  readonly guards: readonly BalanceGuard[];
}

export interface BreachedGuard {
  /** Position of the refused entry in the list. */
  readonly index: number;
  readonly error: InsufficientBalanceError;
}

/**
 * Checks each entry's guards against the balances as the entries before it leave them, in order
 * (balances by account code, as locked). Returns the first entry that would take a guarded
 * account's credit balance below zero, or null when every entry may post.
 */
export function firstBreachedGuard(
  entries: readonly GuardedEntry[],
  balances: ReadonlyMap<string, bigint>,
): BreachedGuard | null {
  const running = new Map(balances);
  for (const [index, entry] of entries.entries()) {
    for (const guard of entry.guards) {
      const posting = entry.postings.find((p) => p.account.code === guard.accountCode);
      const balanceMinor = running.get(guard.accountCode);
      if (posting === undefined || balanceMinor === undefined) continue;
      if (balanceMinor + posting.amountMinor > 0n) {
        return {
          index,
          error: new InsufficientBalanceError(guard.accountCode, -balanceMinor, posting.amountMinor),
        };
      }
    }
    for (const posting of entry.postings) {
      running.set(posting.account.code, (running.get(posting.account.code) ?? 0n) + posting.amountMinor);
    }
  }
  return null;
}
