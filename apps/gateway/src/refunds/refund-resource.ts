import { minorUnitsAsJsonNumber } from '../read-model/payment-resource';
import type { RefundEntity, RefundReason, RefundStatus } from './refund.entity';

export interface RefundResource {
  readonly id: string;
  readonly object: 'refund';
  readonly payment: string;
  readonly amount: number;
  readonly currency: string;
  readonly status: RefundStatus;
  readonly reason: RefundReason | null;
  readonly failure_reason: string | null;
  readonly created: number;
}

export function toRefundResource(refund: RefundEntity): RefundResource {
  return {
    id: refund.id,
    object: 'refund',
    payment: refund.paymentId,
    amount: minorUnitsAsJsonNumber(refund.amountMinor),
    currency: refund.currency.toLowerCase(),
    status: refund.status,
    reason: refund.reason,
    failure_reason: refund.failureCode,
    created: Math.floor(refund.createdAt.getTime() / 1000),
  };
}
