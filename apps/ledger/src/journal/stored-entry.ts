import type { AccountType } from '../domain/chart-of-accounts';

export interface StoredPosting {
  readonly accountCode: string;
  readonly accountType: AccountType;
  readonly currency: string;
  readonly amountMinor: bigint;
}

/** A journal entry as stored: what the writer appends and the queries read back. */
export interface StoredEntry {
  readonly id: string;
  readonly sequence: bigint;
  readonly sourceEventId: string;
  readonly kind: string;
  readonly merchantId: string | null;
  readonly paymentId: string | null;
  readonly aggregateId: string;
  readonly details: Readonly<Record<string, string>>;
  readonly reversesEntryId: string | null;
  readonly occurredAt: Date;
  readonly previousHash: string;
  readonly hash: string;
  readonly createdAt: Date | null;
  /** In stored order (position). */
  readonly postings: readonly StoredPosting[];
}
