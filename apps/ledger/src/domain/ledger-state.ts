/**
 * What the ledger remembers about each business object besides its journal, so that the posting
 * rules can refuse what the books do not allow (a second release of a hold, a refund above the
 * captures). Pure data: the repository persists it, the in-memory model folds it in tests.
 */

export type HoldStatus = 'none' | 'open' | 'resolved';

export interface PaymentPosition {
  readonly paymentId: string;
  readonly merchantId: string;
  readonly processor: string;
  readonly paymentMethodType: string | null;
  /** The presentment currency: what the customer paid in. */
  readonly currency: string;
  readonly authorizedMinor: bigint;
  readonly holdOpenMinor: bigint;
  readonly holdStatus: HoldStatus;
  readonly capturedMinor: bigint;
  readonly refundedMinor: bigint;
  /** The merchant's side of the captures: equal to currency unless they carried fx. */
  readonly merchantCurrency: string;
  readonly merchantCapturedMinor: bigint;
  readonly merchantRefundedMinor: bigint;
}

export interface CaptureRecord {
  readonly captureId: string;
  readonly paymentId: string;
  readonly merchantId: string;
  readonly processor: string;
  /** Currency and gross of the receivable (presentment). */
  readonly currency: string;
  readonly grossMinor: bigint;
  /** The merchant's net, in the merchant currency: what settlement moves from pending to available. */
  readonly merchantCurrency: string;
  readonly netMinor: bigint;
  readonly settlementId: string | null;
}

/** A refund the processor will deduct from a settlement (what it owes shrinks by it). */
export interface RefundRecord {
  readonly refundId: string;
  readonly paymentId: string;
  readonly merchantId: string;
  readonly processor: string;
  /** Currency and amount taken off the receivable (presentment). */
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly settlementId: string | null;
}

export type PayoutStatus = 'reserved' | 'paid' | 'failed';

export interface PayoutRecord {
  readonly payoutId: string;
  readonly merchantId: string;
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly status: PayoutStatus;
}

export type DisputeStatus = 'open' | 'won' | 'lost';

export interface DisputeRecord {
  readonly disputeId: string;
  readonly paymentId: string;
  readonly merchantId: string;
  readonly processor: string;
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly merchantCurrency: string;
  readonly merchantAmountMinor: bigint;
  readonly status: DisputeStatus;
  /** The settlement that deducted the chargeback of a lost dispute. */
  readonly settlementId: string | null;
}
