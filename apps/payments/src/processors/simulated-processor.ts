import { createHash } from 'node:crypto';
import type {
  AuthorizationRequest,
  AuthorizationResult,
  CaptureRequest,
  CaptureResult,
  ProcessorConnector,
} from './processor-connector';

type TestCardOutcome = 'authorized' | 'card_declined' | 'insufficient_funds' | 'error';

/** Outcome of the simulator's test cards, keyed by bin + last4; any other card is authorized. */
export const SIMULATED_TEST_CARDS: ReadonlyMap<string, TestCardOutcome> = new Map<string, TestCardOutcome>([
  ['4242424242', 'authorized'], // 4242 4242 4242 4242
  ['4000000002', 'card_declined'], // 4000 0000 0000 0002
  ['4000009995', 'insufficient_funds'], // 4000 0000 0000 9995
  ['4000000119', 'error'], // 4000 0000 0000 0119
]);

export const DECLINE_MESSAGES = {
  card_declined: 'Your card was declined.',
  insufficient_funds: 'Your card has insufficient funds.',
} as const;

export const PROCESSOR_ERROR_MESSAGE = 'An error occurred while processing the card.';

/** Answers remembered per idempotency key; past the limit the oldest go (answers are deterministic anyway). */
export const SIMULATOR_REMEMBERED_KEYS_MAX = 100_000;

interface Remembered<T> {
  readonly requestFingerprint: string;
  readonly result: T;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A processor in memory for development and tests. Its answer depends only on the request: the
 * card decides the outcome and the reference is derived from the idempotency key, so the same key
 * gets the same answer even after a restart. Reusing a key with other parameters is an error, as
 * at a real processor.
 */
export class SimulatedProcessor implements ProcessorConnector {
  private readonly authorizations = new Map<string, Remembered<AuthorizationResult>>();
  private readonly captures = new Map<string, Remembered<CaptureResult>>();
  /** Authorized amounts by reference, to refuse capturing more than was authorized. */
  private readonly authorizedAmounts = new Map<string, { amountMinor: bigint; currency: string }>();
  private readonly referencePrefix: string;

  constructor(
    readonly name: string = 'simulated-a',
    private readonly rememberedKeysMax: number = SIMULATOR_REMEMBERED_KEYS_MAX,
  ) {
    this.referencePrefix = `${name.replace(/[^a-z0-9]/gi, '_')}_`;
  }

  authorize(request: AuthorizationRequest): Promise<AuthorizationResult> {
    const fingerprint = `${request.amountMinor}|${request.currency}|${request.card.bin}|${request.card.last4}`;
    return Promise.resolve(
      this.remember(this.authorizations, request.idempotencyKey, fingerprint, () => {
        const result = this.decideAuthorization(request);
        if (result.outcome === 'authorized') {
          this.authorizedAmounts.set(result.processorReference, {
            amountMinor: request.amountMinor,
            currency: request.currency,
          });
          this.forgetOldest(this.authorizedAmounts);
        }
        return result;
      }),
    );
  }

  capture(request: CaptureRequest): Promise<CaptureResult> {
    const fingerprint = `${request.processorReference}|${request.amountMinor}|${request.currency}`;
    return Promise.resolve(
      this.remember(this.captures, request.idempotencyKey, fingerprint, () => this.decideCapture(request)),
    );
  }

  /** The reference the simulator gives an authorization made with this key. */
  referenceFor(idempotencyKey: string): string {
    return `${this.referencePrefix}${digest(`${this.name}:${idempotencyKey}`).slice(0, 24)}`;
  }

  private decideAuthorization(request: AuthorizationRequest): AuthorizationResult {
    if (request.amountMinor <= 0n) return { outcome: 'error', message: 'The amount must be positive.' };
    const outcome = SIMULATED_TEST_CARDS.get(`${request.card.bin}${request.card.last4}`) ?? 'authorized';
    switch (outcome) {
      case 'authorized':
        return { outcome: 'authorized', processorReference: this.referenceFor(request.idempotencyKey) };
      case 'card_declined':
      case 'insufficient_funds':
        return { outcome: 'declined', declineCode: outcome, message: DECLINE_MESSAGES[outcome] };
      case 'error':
        return { outcome: 'error', message: PROCESSOR_ERROR_MESSAGE };
    }
  }

  private decideCapture(request: CaptureRequest): CaptureResult {
    if (!request.processorReference.startsWith(this.referencePrefix)) {
      return { outcome: 'error', message: `Unknown authorization ${request.processorReference}.` };
    }
    // The simulator keeps no durable store: a well-formed reference it no longer remembers is accepted.
    const authorized = this.authorizedAmounts.get(request.processorReference);
    if (authorized !== undefined) {
      if (authorized.currency !== request.currency) {
        return { outcome: 'error', message: 'The capture currency differs from the authorization.' };
      }
      if (request.amountMinor <= 0n || request.amountMinor > authorized.amountMinor) {
        return { outcome: 'error', message: 'The capture amount exceeds the authorized amount.' };
      }
    }
    return { outcome: 'captured', captureReference: this.referenceFor(request.idempotencyKey) };
  }

  private remember<T>(
    memory: Map<string, Remembered<T>>,
    key: string,
    requestFingerprint: string,
    answer: () => T,
  ): T | { outcome: 'error'; message: string } {
    const known = memory.get(key);
    if (known !== undefined) {
      if (known.requestFingerprint !== requestFingerprint) {
        return { outcome: 'error', message: `Idempotency key ${key} was used with other parameters.` };
      }
      return known.result;
    }
    const result = answer();
    memory.set(key, { requestFingerprint, result });
    this.forgetOldest(memory);
    return result;
  }

  private forgetOldest(memory: Map<string, unknown>): void {
    while (memory.size > this.rememberedKeysMax) {
      const oldest = memory.keys().next();
      if (oldest.done === true) return;
      memory.delete(oldest.value);
    }
  }
}
