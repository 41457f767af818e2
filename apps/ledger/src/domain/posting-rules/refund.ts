/**
 * refund.succeeded → refund: the processor nets it out of its next settlement (−receivable), the
 * merchant bears it from its available balance (+merchant_available; it may go negative, which
 * blocks payouts until covered). The fee is kept. Never more in total than was captured.
 */
import { accounts } from '../chart-of-accounts';
import type { PaymentPosition, RefundRecord } from '../ledger-state';
import { reject, type Common, type Decision } from './decision';
import { draft, merchantToProcessor, toMerchantAmount, validAmount } from './postings';

export interface RefundFacts extends Common {
  readonly refundId: string;
  readonly paymentId: string;
  readonly currency: string;
  readonly amountMinor: bigint;
}

export interface RefundState {
  readonly position: PaymentPosition;
  /** What the processor will deduct from a settlement, until one does. */
  readonly refund: RefundRecord;
}

export function postRefund(
  position: PaymentPosition | null,
  existingRefund: RefundRecord | null,
  facts: RefundFacts,
): Decision<RefundState> {
  const invalid = validAmount(facts.amountMinor, 'a refund');
  if (invalid) return invalid;
  if (existingRefund !== null) return reject('invalid_amount', `refund ${facts.refundId} was already posted`);
  if (position === null || position.capturedMinor === 0n) {
    return reject('refund_exceeds_captured', `payment ${facts.paymentId} has nothing captured`);
  }
  if (facts.currency !== position.currency) {
    return reject('invalid_amount', `refund in ${facts.currency} of a ${position.currency} payment`);
  }
  const remainingMinor = position.capturedMinor - position.refundedMinor;
  if (facts.amountMinor > remainingMinor) {
    return reject(
      'refund_exceeds_captured',
      `refund of ${facts.amountMinor} exceeds the ${remainingMinor} still refundable of ${facts.paymentId}`,
    );
  }
  const merchantAmountMinor = toMerchantAmount(
    position,
    facts.amountMinor,
    remainingMinor,
    position.merchantCapturedMinor - position.merchantRefundedMinor,
  );
  const entry = draft(
    'refund',
    { merchantId: position.merchantId, paymentId: position.paymentId, aggregateId: position.paymentId },
    facts.occurredAt,
    merchantToProcessor(position, accounts.merchantAvailable, facts.amountMinor, merchantAmountMinor),
    { refundId: facts.refundId },
  );
  return {
    outcome: 'post',
    entry,
    guards: [],
    state: {
      position: {
        ...position,
        refundedMinor: position.refundedMinor + facts.amountMinor,
        merchantRefundedMinor: position.merchantRefundedMinor + merchantAmountMinor,
      },
      refund: {
        refundId: facts.refundId,
        paymentId: position.paymentId,
        merchantId: position.merchantId,
        processor: position.processor,
        currency: position.currency,
        amountMinor: facts.amountMinor,
        settlementId: null,
      },
    },
    context: {
      currency: position.currency,
      grossAmountMinor: facts.amountMinor,
      feeAmountMinor: 0n,
      processor: position.processor,
      ...(position.paymentMethodType === null ? {} : { paymentMethodType: position.paymentMethodType }),
    },
  };
}
