import { minorUnitsAsJsonNumber } from '../read-model/payment-resource';
import type { DisputeEntity, DisputeStatus } from './dispute.entity';

export interface DisputeResource {
  readonly id: string;
  readonly object: 'dispute';
  readonly payment: string;
  readonly amount: number;
  readonly currency: string;
  readonly reason: string;
  readonly status: DisputeStatus;
  readonly evidence_submitted: number | null;
  readonly created: number;
}

export function toDisputeResource(dispute: DisputeEntity): DisputeResource {
  return {
    id: dispute.id,
    object: 'dispute',
    payment: dispute.paymentId,
    amount: minorUnitsAsJsonNumber(dispute.amountMinor),
    currency: dispute.currency.toLowerCase(),
    reason: dispute.reason,
    status: dispute.status,
    evidence_submitted:
      dispute.evidenceSubmittedAt === null ? null : Math.floor(dispute.evidenceSubmittedAt.getTime() / 1000),
    created: Math.floor(dispute.createdAt.getTime() / 1000),
  };
}
