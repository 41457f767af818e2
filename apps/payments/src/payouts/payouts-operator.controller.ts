import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { PAYMENTS_CONFIG } from '../payments-config';
import { PayoutsRepository, type StoredPayout } from './payouts.repository';

const PAYOUT_ID = /^po_[A-Za-z0-9]{8,64}$/;

export interface PayoutView {
  readonly id: string;
  readonly object: 'payout';
  readonly merchant_id: string;
  readonly amount: string;
  readonly currency: string;
  readonly status: string;
  readonly failure_code: string | null;
  readonly trigger: string;
  readonly created: string;
  readonly updated: string;
}

export function toPayoutView(payout: StoredPayout): PayoutView {
  return {
    id: payout.payoutId,
    object: 'payout',
    merchant_id: payout.merchantId,
    amount: payout.amountMinor.toString(),
    currency: payout.currency,
    status: payout.status,
    failure_code: payout.failureCode,
    trigger: payout.trigger,
    created: payout.createdAt.toISOString(),
    updated: payout.updatedAt.toISOString(),
  };
}

/** A payout's state for operators (ADMIN_TOKEN); merchants use the gateway. */
@Controller('v1/payouts')
@UseGuards(bearerTokenGuard(PAYMENTS_CONFIG, 'ADMIN_TOKEN'))
export class PayoutsOperatorController {
  constructor(private readonly payouts: PayoutsRepository) {}

  @Get(':id')
  async retrieve(@Param('id') id: string): Promise<PayoutView> {
    const payout = PAYOUT_ID.test(id) ? await this.payouts.find(id) : null;
    if (payout === null) throw ApiError.notFound('payout', id);
    return toPayoutView(payout);
  }
}
