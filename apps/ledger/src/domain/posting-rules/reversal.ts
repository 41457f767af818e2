/**
 * Corrections: a reversal posts the original's postings negated and names the original.
 */
import type { JournalEntryDraft, Posting } from '../journal-entry';
import { draft } from './postings';

export interface ReversibleEntry {
  readonly id: string;
  readonly kind: string;
  readonly merchantId: string | null;
  readonly paymentId: string | null;
  readonly aggregateId: string;
  readonly postings: readonly Posting[];
}

export function postReversal(original: ReversibleEntry, occurredAt: Date, reason: string): JournalEntryDraft {
  const entry = draft(
    'reversal',
    { merchantId: original.merchantId, paymentId: original.paymentId, aggregateId: original.aggregateId },
    occurredAt,
    original.postings.map((p) => ({ account: p.account, amountMinor: -p.amountMinor })),
    { reason, reversedKind: original.kind },
  );
  return { ...entry, reversesEntryId: original.id };
}
