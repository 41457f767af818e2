/**
 * What payments asks of a card processor. A connector never sees a card number: only the vault
 * token's display data (bin, last4, brand). Every call carries an idempotency key made by the
 * caller and reused on retry, so a retried call can never authorize or capture twice.
 */
export interface CardForProcessor {
  readonly bin: string;
  readonly last4: string;
  readonly brand: string;
}

export interface AuthorizationRequest {
  readonly idempotencyKey: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly card: CardForProcessor;
}

export type ProcessorDeclineCode = 'card_declined' | 'insufficient_funds';

export type AuthorizationResult =
  | { readonly outcome: 'authorized'; readonly processorReference: string }
  | { readonly outcome: 'declined'; readonly declineCode: ProcessorDeclineCode; readonly message: string }
  | { readonly outcome: 'error'; readonly message: string };

export interface CaptureRequest {
  readonly idempotencyKey: string;
  readonly processorReference: string;
  readonly amountMinor: bigint;
  readonly currency: string;
}

export type CaptureResult =
  | { readonly outcome: 'captured'; readonly captureReference: string }
  | { readonly outcome: 'error'; readonly message: string };

export interface ProcessorConnector {
  /** The name events carry in `processor` and the ledger keys its receivable on. */
  readonly name: string;
  authorize(request: AuthorizationRequest): Promise<AuthorizationResult>;
  capture(request: CaptureRequest): Promise<CaptureResult>;
}

/** Idempotency keys payments makes; attempt numbers leave room for retries at another processor. */
export const idempotencyKeys = {
  authorization: (paymentId: string, attempt: number) => `${paymentId}:auth:${attempt}`,
  capture: (paymentId: string, attempt: number) => `${paymentId}:capture:${attempt}`,
};
