import { minorUnitsAsJsonNumber } from '../read-model/payment-resource';
import type { PayoutEntity, PayoutStatus } from './payout.entity';

export interface PayoutResource {
  readonly id: string;
  readonly object: 'payout';
  readonly amount: number;
  readonly currency: string;
  readonly status: PayoutStatus;
  readonly failure_code: string | null;
  readonly created: number;
}

export function toPayoutResource(payout: PayoutEntity): PayoutResource {
  return {
    id: payout.id,
    object: 'payout',
    amount: minorUnitsAsJsonNumber(payout.amountMinor),
    currency: payout.currency.toLowerCase(),
    status: payout.status,
    failure_code: payout.failureCode,
    created: Math.floor(payout.createdAt.getTime() / 1000),
  };
}
