import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where a request that wrote something can be picked up again: the resource it created and the
 * command it sent. Recorded in the same transaction as the write, so a request that takes over the
 * key of a holder that died resumes from it (waits for the outcome, answers) instead of writing again.
 */
export type IdempotencyRecoveryPoint =
  | { readonly kind: 'payment'; readonly paymentId: string }
  | { readonly kind: 'payment_command'; readonly paymentId: string; readonly commandId: string }
  | { readonly kind: 'refund'; readonly refundId: string; readonly commandId: string }
  | { readonly kind: 'payout'; readonly payoutId: string; readonly commandId: string }
  | { readonly kind: 'dispute_evidence'; readonly disputeId: string; readonly commandId: string };

/** The claim the current request holds on its Idempotency-Key, if it sent one. */
export interface IdempotencyClaimContext {
  readonly merchantId: string;
  readonly key: string;
  /** Identifies this request's claim: a request that lost the key to a takeover writes nothing. */
  readonly holderId: string;
  /** Set when this request took over the key of a holder that died after writing. */
  readonly recovered: IdempotencyRecoveryPoint | null;
}

const storage = new AsyncLocalStorage<IdempotencyClaimContext>();

export function runWithIdempotencyClaim<T>(claim: IdempotencyClaimContext, work: () => T): T {
  return storage.run(claim, work);
}

export function currentIdempotencyClaim(): IdempotencyClaimContext | undefined {
  return storage.getStore();
}

/** The recovery point of the given kind this request took over, if any: it then resumes from it. */
export function recoveredPoint<K extends IdempotencyRecoveryPoint['kind']>(
  kind: K,
): Extract<IdempotencyRecoveryPoint, { kind: K }> | null {
  const recovered = storage.getStore()?.recovered ?? null;
  return recovered?.kind === kind ? (recovered as Extract<IdempotencyRecoveryPoint, { kind: K }>) : null;
}
