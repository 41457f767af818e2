import { createHash } from 'node:crypto';
import type {
  AuthorizationRequest,
  AuthorizationResult,
  CaptureRequest,
  CaptureResult,
  DisputeEvidenceRequest,
  DisputeEvidenceResult,
  ProcessorConnector,
  ProcessorError,
  RefundRequest,
  RefundResult,
  VoidRequest,
  VoidResult,
} from './processor-connector';

type TestCardOutcome =
  | 'authorized'
  | 'card_declined'
  | 'insufficient_funds'
  | 'error'
  | 'three_d_secure'
  | 'disputed';

/** Bank transfers and wallets: the customer acts (pays, approves) before anything is authorized. */
type SimulatedOutcome = TestCardOutcome | 'awaits_customer';

/** Outcome of the simulator's test cards, keyed by bin + last4; any other card is authorized. */
export const SIMULATED_TEST_CARDS: ReadonlyMap<string, TestCardOutcome> = new Map<string, TestCardOutcome>([
  ['4242424242', 'authorized'], // 4242 4242 4242 4242
  ['4000000002', 'card_declined'], // 4000 0000 0000 0002
  ['4000009995', 'insufficient_funds'], // 4000 0000 0000 9995
  ['4000000119', 'error'], // 4000 0000 0000 0119: retryable, fails at every processor
  ['4000003220', 'three_d_secure'], // 4000 0000 0000 3220
  ['4000003184', 'three_d_secure'], // 4000 0027 6000 3184: authentication on every payment
  ['4000000341', 'card_declined'], // 4000 0000 0000 0341: saves fine, every charge declines
  ['4000000259', 'disputed'], // 4000 0000 0000 0259: authorized and captured, then disputed
]);

/** Evidence containing this wins a dispute at the simulator; any other evidence loses it. */
export const WINNING_EVIDENCE = 'winning_evidence';

/**
 * Evidence containing this meets a simulated outage: a retryable processor_error, not remembered
 * (nothing was taken), so the same dispute's evidence can be submitted again.
 */
export const UNAVAILABLE_EVIDENCE = 'processor_unavailable';

/** A test amount: the first processor records the authorization but answers too late. */
export const SIMULATED_TIMEOUT_AMOUNT_MINOR = 408n;

export const DECLINE_MESSAGES = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
  authentication_required:
    'The card requires authentication, which an off-session payment cannot ask of the customer.',
} as const;
export const PROCESSOR_ERROR_MESSAGE = 'An error occurred while processing the card.';

/** Answers remembered per idempotency key; past the limit the oldest go (answers are deterministic anyway). */
export const SIMULATOR_REMEMBERED_KEYS_MAX = 100_000;

export interface SimulatorOptions {
  readonly rememberedKeysMax?: number;
  /** Added to every call. */
  readonly latencyMs?: number;
  /** 0..1: share of authorizations answered with a retryable error (nothing authorized). */
  readonly failureRate?: number;
  /** Authorizations of these amounts are made, then answered only after hangMs. */
  readonly hangAmountsMinor?: readonly bigint[];
  readonly hangMs?: number;
  readonly random?: () => number;
}

interface Remembered<T> {
  readonly requestFingerprint: string;
  readonly result: T;
}

/** An authorization as the simulated processor's books hold it (what the customer's bank sees). */
export interface SimulatedCharge {
  readonly idempotencyKey: string;
  readonly processorReference: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly disputed: boolean;
  status: 'authorized' | 'voided';
  capturedMinor: bigint;
  refundedMinor: bigint;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function testCardOutcome(request: AuthorizationRequest): SimulatedOutcome {
  const method = request.paymentMethod;
  if (method.type !== 'card') return 'awaits_customer';
  return SIMULATED_TEST_CARDS.get(`${method.bin}${method.last4}`) ?? 'authorized';
}

function methodFingerprint(request: AuthorizationRequest): string {
  const method = request.paymentMethod;
  switch (method.type) {
    case 'card':
      return `card|${method.bin}|${method.last4}`;
    case 'bank_transfer':
      return `bank_transfer|${method.country}`;
    case 'wallet':
      return `wallet|${method.provider}`;
  }
}

const processorError = (message: string, retryable: boolean): ProcessorError => ({
  outcome: 'error',
  code: 'processor_error',
  retryable,
  message,
});

/**
 * A processor in memory for development and tests. Its answer depends only on the request: the
 * card decides the outcome and the reference is derived from the idempotency key, so the same key
 * gets the same answer even after a restart. Reusing a key with other parameters is an error, as
 * at a real processor.
 */
export class SimulatedProcessor implements ProcessorConnector {
  private readonly authorizations = new Map<string, Remembered<AuthorizationResult>>();
  private readonly answers = new Map<
    string,
    Remembered<CaptureResult | RefundResult | VoidResult | DisputeEvidenceResult>
  >();
  /** Charges by reference: what was authorized, captured, refunded or voided. */
  private readonly charges = new Map<string, SimulatedCharge>();
  private readonly referencePrefix: string;
  private readonly options: Required<SimulatorOptions>;

  constructor(
    readonly name: string = 'simulated-a',
    options: SimulatorOptions | number = {},
  ) {
    this.referencePrefix = `${name.replace(/[^a-z0-9]/gi, '_')}_`;
    const given = typeof options === 'number' ? { rememberedKeysMax: options } : options;
    this.options = {
      rememberedKeysMax: SIMULATOR_REMEMBERED_KEYS_MAX,
      latencyMs: 0,
      failureRate: 0,
      hangAmountsMinor: [],
      hangMs: 0,
      random: Math.random,
      ...given,
    };
  }

  async authorize(request: AuthorizationRequest): Promise<AuthorizationResult> {
    await this.delay(this.options.latencyMs);
    const fingerprint = `${request.amountMinor}|${request.currency}|${methodFingerprint(request)}|${request.completedActionId ?? ''}|${request.offSession === true ? 'off' : 'on'}`;
    const result = this.remember(this.authorizations, request.idempotencyKey, fingerprint, () => {
      const decided = this.decideAuthorization(request);
      if (decided.outcome === 'authorized') {
        this.charges.set(decided.processorReference, {
          idempotencyKey: request.idempotencyKey,
          processorReference: decided.processorReference,
          amountMinor: request.amountMinor,
          currency: request.currency,
          disputed: testCardOutcome(request) === 'disputed',
          status: 'authorized',
          capturedMinor: 0n,
          refundedMinor: 0n,
        });
        this.forgetOldest(this.charges);
      }
      return decided;
    });
    if (this.options.hangAmountsMinor.includes(request.amountMinor)) await this.delay(this.options.hangMs);
    return result;
  }

  async capture(request: CaptureRequest): Promise<CaptureResult> {
    await this.delay(this.options.latencyMs);
    const fingerprint = `capture|${request.processorReference}|${request.amountMinor}|${request.currency}`;
    return this.remember(this.answers, request.idempotencyKey, fingerprint, () =>
      this.decideCapture(request),
    ) as CaptureResult;
  }

  async void(request: VoidRequest): Promise<VoidResult> {
    await this.delay(this.options.latencyMs);
    const { target } = request;
    const fingerprint = `void|${JSON.stringify(target)}`;
    return this.remember(this.answers, request.idempotencyKey, fingerprint, (): VoidResult => {
      const charge =
        'processorReference' in target
          ? this.charges.get(target.processorReference)
          : this.chargeMadeWith(target.authorizationIdempotencyKey);
      if (charge === undefined) return { outcome: 'nothing_to_void' };
      // A partly captured charge releases its uncaptured remainder; a fully captured one has none.
      if (charge.capturedMinor >= charge.amountMinor) {
        return processorError('A captured charge cannot be voided.', false);
      }
      charge.status = 'voided';
      return { outcome: 'voided' };
    }) as VoidResult;
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    await this.delay(this.options.latencyMs);
    const fingerprint = `refund|${request.processorReference}|${request.amountMinor}|${request.currency}`;
    return this.remember(this.answers, request.idempotencyKey, fingerprint, (): RefundResult => {
      if (!request.processorReference.startsWith(this.referencePrefix)) {
        return processorError(`Unknown charge ${request.processorReference}.`, false);
      }
      const charge = this.charges.get(request.processorReference);
      if (charge !== undefined) {
        if (request.amountMinor <= 0n || charge.refundedMinor + request.amountMinor > charge.capturedMinor) {
          return processorError('The refund exceeds what was captured.', false);
        }
        charge.refundedMinor += request.amountMinor;
      }
      return { outcome: 'refunded', refundReference: this.referenceFor(request.idempotencyKey) };
    }) as RefundResult;
  }

  async submitDisputeEvidence(request: DisputeEvidenceRequest): Promise<DisputeEvidenceResult> {
    await this.delay(this.options.latencyMs);
    if (request.evidence.includes(UNAVAILABLE_EVIDENCE)) {
      return processorError('The processor is unavailable; the evidence was not taken.', true);
    }
    const fingerprint = `evidence|${request.processorReference}|${request.evidence}`;
    return this.remember(
      this.answers,
      request.idempotencyKey,
      fingerprint,
      (): DisputeEvidenceResult => ({
        outcome: request.evidence.includes(WINNING_EVIDENCE) ? 'won' : 'lost',
      }),
    ) as DisputeEvidenceResult;
  }

  /** The reference the simulator gives an authorization made with this key. */
  referenceFor(idempotencyKey: string): string {
    return `${this.referencePrefix}${digest(`${this.name}:${idempotencyKey}`).slice(0, 24)}`;
  }

  /** The charges made for a payment (keys start with its id): what a customer's statement shows. */
  chargesFor(paymentId: string): SimulatedCharge[] {
    return [...this.charges.values()].filter((charge) => charge.idempotencyKey.startsWith(`${paymentId}:`));
  }

  private chargeMadeWith(idempotencyKey: string): SimulatedCharge | undefined {
    return [...this.charges.values()].find((charge) => charge.idempotencyKey === idempotencyKey);
  }

  private decideAuthorization(request: AuthorizationRequest): AuthorizationResult {
    if (request.amountMinor <= 0n) return processorError('The amount must be positive.', false);
    const outcome = testCardOutcome(request);
    if (
      outcome !== 'error' &&
      this.options.failureRate > 0 &&
      this.options.random() < this.options.failureRate
    ) {
      return processorError(PROCESSOR_ERROR_MESSAGE, true);
    }
    switch (outcome) {
      case 'three_d_secure':
        // A soft decline, as issuers answer a merchant-initiated charge that needs the cardholder.
        if (request.offSession === true) {
          return {
            outcome: 'declined',
            declineCode: 'authentication_required',
            message: DECLINE_MESSAGES.authentication_required,
          };
        }
        if (request.completedActionId === undefined) {
          return {
            outcome: 'requires_action',
            action: {
              type: 'three_d_secure',
              challengeId: `3ds_${digest(request.idempotencyKey).slice(0, 24)}`,
            },
          };
        }
        return { outcome: 'authorized', processorReference: this.referenceFor(request.idempotencyKey) };
      case 'awaits_customer':
        if (request.completedActionId === undefined) return this.customerAction(request);
        return { outcome: 'authorized', processorReference: this.referenceFor(request.idempotencyKey) };
      case 'authorized':
      case 'disputed':
        return { outcome: 'authorized', processorReference: this.referenceFor(request.idempotencyKey) };
      case 'card_declined':
      case 'insufficient_funds':
        return { outcome: 'declined', declineCode: outcome, message: DECLINE_MESSAGES[outcome] };
      case 'error':
        return processorError(PROCESSOR_ERROR_MESSAGE, true);
    }
  }

  /**
   * A bank transfer gets a virtual account to pay, a wallet a QR code to approve; both derived from
   * the idempotency key, so a repeated request shows the customer the same ones.
   */
  private customerAction(request: AuthorizationRequest): AuthorizationResult {
    const nonce = digest(`${this.name}:${request.idempotencyKey}`).slice(0, 24);
    const method = request.paymentMethod;
    if (method.type === 'wallet') {
      const qrPayload = `https://qr.${this.name}.example/${method.provider}/pay?nonce=${nonce}&amount=${request.amountMinor}&currency=${request.currency}`;
      return { outcome: 'requires_action', action: { type: 'qr_code', qrPayload } };
    }
    return {
      outcome: 'requires_action',
      action: { type: 'bank_transfer', virtualAccountReference: `VA${nonce.slice(0, 20).toUpperCase()}` },
    };
  }

  private decideCapture(request: CaptureRequest): CaptureResult {
    if (!request.processorReference.startsWith(this.referencePrefix)) {
      return processorError(`Unknown authorization ${request.processorReference}.`, false);
    }
    // The simulator keeps no durable store: a well-formed reference it no longer remembers is accepted.
    const charge = this.charges.get(request.processorReference);
    if (charge !== undefined) {
      if (charge.status === 'voided') return processorError('The authorization was voided.', false);
      if (charge.currency !== request.currency) {
        return processorError('The capture currency differs from the authorization.', false);
      }
      if (request.amountMinor <= 0n || charge.capturedMinor + request.amountMinor > charge.amountMinor) {
        return processorError('The capture amount exceeds the authorized amount.', false);
      }
      charge.capturedMinor += request.amountMinor;
    }
    const captureReference = this.referenceFor(request.idempotencyKey);
    return charge?.disputed === true
      ? { outcome: 'captured', captureReference, dispute: { reason: 'fraudulent' } }
      : { outcome: 'captured', captureReference };
  }

  private remember<T>(
    memory: Map<string, Remembered<T>>,
    key: string,
    requestFingerprint: string,
    answer: () => T,
  ): T | ProcessorError {
    const known = memory.get(key);
    if (known !== undefined) {
      if (known.requestFingerprint !== requestFingerprint) {
        return processorError(`Idempotency key ${key} was used with other parameters.`, false);
      }
      return known.result;
    }
    const result = answer();
    memory.set(key, { requestFingerprint, result });
    this.forgetOldest(memory);
    return result;
  }

  private forgetOldest(memory: Map<string, unknown>): void {
    while (memory.size > this.options.rememberedKeysMax) {
      const oldest = memory.keys().next();
      if (oldest.done === true) return;
      memory.delete(oldest.value);
    }
  }

  private async delay(ms: number): Promise<void> {
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }
}
