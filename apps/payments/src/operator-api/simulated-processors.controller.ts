import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { PAYMENTS_CONFIG } from '../payments-config';
import { ProcessorRegistry } from '../processors/processor-registry';
import { SimulatedProcessor } from '../processors/simulated-processor';

const PAYMENT_ID = /^pay_[A-Za-z0-9]{8,64}$/;

export interface SimulatedChargeView {
  readonly processor: string;
  readonly processor_reference: string;
  readonly idempotency_key: string;
  readonly status: 'authorized' | 'voided';
  readonly amount: string;
  readonly amount_captured: string;
  readonly amount_refunded: string;
  readonly currency: string;
}

/**
 * What the simulated processors hold for a payment, as the customer's statement would show it:
 * the way tests (and operators) check that a failover never left two live authorizations.
 */
@Controller('v1/simulated-processors')
@UseGuards(bearerTokenGuard(PAYMENTS_CONFIG, 'ADMIN_TOKEN'))
export class SimulatedProcessorsController {
  constructor(private readonly processors: ProcessorRegistry) {}

  @Get('charges/:paymentId')
  charges(@Param('paymentId') paymentId: string): { data: SimulatedChargeView[] } {
    if (!PAYMENT_ID.test(paymentId)) throw ApiError.notFound('payment', paymentId);
    const data = this.processors
      .all()
      .filter((connector): connector is SimulatedProcessor => connector instanceof SimulatedProcessor)
      .flatMap((processor) =>
        processor.chargesFor(paymentId).map((charge) => ({
          processor: processor.name,
          processor_reference: charge.processorReference,
          idempotency_key: charge.idempotencyKey,
          status: charge.status,
          amount: charge.amountMinor.toString(),
          amount_captured: charge.capturedMinor.toString(),
          amount_refunded: charge.refundedMinor.toString(),
          currency: charge.currency,
        })),
      );
    return { data };
  }
}
