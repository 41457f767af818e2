import { randomBytes } from 'node:crypto';
import type { EventData } from '@platform/contracts';

export type CardPaymentMethod = Extract<EventData<'payment.create'>['paymentMethod'], { type: 'card' }>;

export interface TestCardOptions {
  /** 424242 unless given: the simulators' card that succeeds. */
  readonly bin?: string;
  readonly last4?: string;
  /** A new fingerprint (a card never seen before) unless given. */
  readonly fingerprint?: string;
  readonly country?: string;
}

/**
 * A card as the gateway's vault hands it on: a fresh token, bin and last4 only (a test never
 * needs the card number), expiring in 2034.
 */
export function vaultedTestCard(options: TestCardOptions = {}): CardPaymentMethod {
  return {
    type: 'card',
    card: {
      token: `tok_${randomBytes(8).toString('hex')}`,
      brand: 'visa',
      bin: options.bin ?? '424242',
      last4: options.last4 ?? '4242',
      expMonth: 12,
      expYear: 2034,
      fingerprint: options.fingerprint ?? `fp_${randomBytes(10).toString('hex')}`,
      ...(options.country === undefined ? {} : { country: options.country }),
    },
  };
}
