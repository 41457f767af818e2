/**
 * What payments asks of a processor. A connector never sees a card number: only the vault
 * token's display data (bin, last4, brand). Every call carries an idempotency key made by the
 * caller and reused on retry, so a retried call can never authorize or capture twice.
 */

export interface CardForProcessor {
  readonly bin: string;
  readonly last4: string;
  readonly brand: string;
}

export type PaymentMethodForProcessor =
  | ({ readonly type: 'card' } & CardForProcessor)
  | { readonly type: 'bank_transfer'; readonly country: string }
  | { readonly type: 'wallet'; readonly provider: 'alipay' | 'wechat_pay' };

export interface AuthorizationRequest {
  readonly idempotencyKey: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly paymentMethod: PaymentMethodForProcessor;
  /**
   * Set once the customer completed the action the processor asked for: the 3-D Secure challenge
   * id, the QR payload approved in the wallet, or the virtual account the bank paid.
   */
  readonly completedActionId?: string;
  /** Merchant-initiated (a saved card, the customer absent): the processor cannot ask them to act. */
  readonly offSession?: boolean;
}

/** authentication_required: the issuer wants 3-D Secure, and an off-session payment cannot ask for it. */
export type ProcessorDeclineCode = 'card_declined' | 'insufficient_funds' | 'authentication_required';

/** What the customer must do before the processor can authorize. */
export type ProcessorAction =
  | { readonly type: 'three_d_secure'; readonly challengeId: string }
  | { readonly type: 'qr_code'; readonly qrPayload: string }
  | { readonly type: 'bank_transfer'; readonly virtualAccountReference: string };

export type AuthorizationResult =
  | { readonly outcome: 'authorized'; readonly processorReference: string }
  | { readonly outcome: 'requires_action'; readonly action: ProcessorAction }
  | { readonly outcome: 'declined'; readonly declineCode: ProcessorDeclineCode; readonly message: string }
  | ProcessorError;

/** retryable: the same request may succeed at another processor (outage, timeout). */
export interface ProcessorError {
  readonly outcome: 'error';
  readonly code: 'processor_error' | 'processor_timeout';
  readonly retryable: boolean;
  readonly message: string;
}

export interface CaptureRequest {
  readonly idempotencyKey: string;
  readonly processorReference: string;
  readonly amountMinor: bigint;
  readonly currency: string;
}

export type CaptureResult =
  | {
      readonly outcome: 'captured';
      readonly captureReference: string;
      /** The cardholder disputes the charge (the simulator reports it with the capture). */
      readonly dispute?: { readonly reason: 'fraudulent' | 'product_not_received' | 'duplicate' | 'general' };
    }
  | ProcessorError;

/**
 * Voids an authorization, found by its reference or by the idempotency key of the request that
 * made it: the latter reconciles an attempt whose answer never came (a timeout).
 */
export interface VoidRequest {
  readonly idempotencyKey: string;
  readonly target: { readonly authorizationIdempotencyKey: string } | { readonly processorReference: string };
}

export type VoidResult = { readonly outcome: 'voided' | 'nothing_to_void' } | ProcessorError;

export interface RefundRequest {
  readonly idempotencyKey: string;
  readonly processorReference: string;
  readonly amountMinor: bigint;
  readonly currency: string;
}

export type RefundResult =
  | { readonly outcome: 'refunded'; readonly refundReference: string }
  | ProcessorError;

export interface DisputeEvidenceRequest {
  readonly idempotencyKey: string;
  readonly processorReference: string;
  readonly evidence: string;
}

export type DisputeEvidenceResult = { readonly outcome: 'won' | 'lost' } | ProcessorError;

export interface ProcessorConnector {
  /** The name events carry in `processor` and the ledger keys its receivable on. */
  readonly name: string;
  authorize(request: AuthorizationRequest): Promise<AuthorizationResult>;
  capture(request: CaptureRequest): Promise<CaptureResult>;
  void(request: VoidRequest): Promise<VoidResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
  /** Sends the merchant's evidence; the processor answers with the dispute's outcome. */
  submitDisputeEvidence(request: DisputeEvidenceRequest): Promise<DisputeEvidenceResult>;
}

/** Idempotency keys payments makes: one per attempt, reused when the same attempt is repeated. */
export const idempotencyKeys = {
  authorization: (paymentId: string, attempt: number) => `${paymentId}:auth:${attempt}`,
  /** The authorization retried after the customer passed 3-D Secure. */
  authenticated: (paymentId: string) => `${paymentId}:auth:3ds`,
  /** The authorization made once the customer approved the QR code or their bank paid. */
  completed: (paymentId: string, action: 'qr_code' | 'bank_transfer') => `${paymentId}:auth:${action}`,
  capture: (paymentId: string, captureNumber: number) => `${paymentId}:capture:${captureNumber}`,
  /** Reconciles the authorization attempt of that number. */
  void: (paymentId: string, attempt: number) => `${paymentId}:void:${attempt}`,
  /** Releases the authorization on cancel or expiry. */
  release: (paymentId: string) => `${paymentId}:release`,
  refund: (refundId: string) => `${refundId}:refund`,
  evidence: (disputeId: string) => `${disputeId}:evidence`,
};

/** Races a processor call against a limit; a call past it is a retryable processor_timeout. */
export async function withTimeout<T>(
  call: Promise<T>,
  timeoutMs: number,
  processor: string,
): Promise<T | ProcessorError> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ProcessorError>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          outcome: 'error',
          code: 'processor_timeout',
          retryable: true,
          message: `${processor} did not answer within ${timeoutMs} ms.`,
        }),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
