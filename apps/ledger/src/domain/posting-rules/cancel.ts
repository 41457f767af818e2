/**
 * payment.canceled (a cancel or an expiry) → hold_release of whatever the hold still holds.
 */
import type { PaymentPosition } from '../ledger-state';
import { reject, type Common, type Decision } from './decision';
import { draft, holdRelease } from './postings';

export interface CancelFacts extends Common {
  readonly paymentId: string;
  readonly reason: string;
  readonly releasedAmountMinor: bigint;
}

export function postCancel(position: PaymentPosition | null, facts: CancelFacts): Decision<PaymentPosition> {
  if (position === null || position.holdStatus === 'none') {
    return reject('unknown_hold', `payment ${facts.paymentId} has no hold`);
  }
  if (position.holdStatus === 'resolved') {
    return reject('hold_already_resolved', `the hold of ${facts.paymentId} is already resolved`);
  }
  const entry = draft(
    'hold_release',
    { merchantId: position.merchantId, paymentId: position.paymentId, aggregateId: position.paymentId },
    facts.occurredAt,
    holdRelease(position, position.holdOpenMinor),
    { reason: facts.reason, reportedReleasedAmountMinor: facts.releasedAmountMinor.toString() },
  );
  return {
    outcome: 'post',
    entry,
    guards: [],
    state: { ...position, holdOpenMinor: 0n, holdStatus: 'resolved' },
    context: {
      currency: position.currency,
      grossAmountMinor: position.holdOpenMinor,
      feeAmountMinor: 0n,
      processor: position.processor,
      ...(position.paymentMethodType === null ? {} : { paymentMethodType: position.paymentMethodType }),
    },
  };
}
