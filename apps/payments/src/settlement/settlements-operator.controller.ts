import { Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { bearerTokenGuard } from '@platform/service-runtime';
import { PAYMENTS_CONFIG } from '../payments-config';
import { SettleCaptures } from './settle-captures.service';
import type { PlannedSettlement } from '../domain/settlement-plan';

export interface SettlementView {
  readonly id: string;
  readonly object: 'settlement';
  readonly processor: string;
  readonly currency: string;
  readonly settlement_date: string;
  readonly gross_amount: string;
  readonly refunded_amount: string;
  readonly chargeback_amount: string;
  readonly processor_fee: string;
  /** Negative when the processor debited the platform's bank (more deducted than captured). */
  readonly net_amount: string;
  readonly capture_ids: readonly string[];
  readonly refund_ids: readonly string[];
  readonly dispute_ids: readonly string[];
}

function toSettlementView(s: PlannedSettlement): SettlementView {
  return {
    id: s.settlementId,
    object: 'settlement',
    processor: s.processor,
    currency: s.currency,
    settlement_date: s.settlementDate,
    gross_amount: s.grossAmountMinor.toString(),
    refunded_amount: s.refundedAmountMinor.toString(),
    chargeback_amount: s.chargebackAmountMinor.toString(),
    processor_fee: s.processorFeeAmountMinor.toString(),
    net_amount: s.netAmountMinor.toString(),
    capture_ids: s.captureIds,
    refund_ids: s.refundIds,
    dispute_ids: s.disputeIds,
  };
}

/** Operators (and tests) settle now what the daily job would settle tomorrow (ADMIN_TOKEN). */
@Controller('v1/settlements')
@UseGuards(bearerTokenGuard(PAYMENTS_CONFIG, 'ADMIN_TOKEN'))
export class SettlementsOperatorController {
  constructor(private readonly settle: SettleCaptures) {}

  /** Settles everything the ledger has booked so far; answers the settlements reported. */
  @Post('run')
  @HttpCode(200)
  async run(): Promise<{ object: 'list'; data: SettlementView[] }> {
    const reported = await this.settle.run(new Date());
    return { object: 'list', data: reported.map(toSettlementView) };
  }
}
