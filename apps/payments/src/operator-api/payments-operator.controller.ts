import { Controller, Get, Param, UseGuards } from '@nestjs/common';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { PaymentRepository } from '../payment-lifecycle/payment.repository';
import { PAYMENTS_CONFIG } from '../payments-config';
import { toPaymentView, type PaymentView } from './payment-view';

const PAYMENT_ID = /^pay_[A-Za-z0-9]{8,64}$/;

/** Read-only view of payments for operators (ADMIN_TOKEN); merchants use the gateway. */
@Controller('v1/payments')
@UseGuards(bearerTokenGuard(PAYMENTS_CONFIG, 'ADMIN_TOKEN'))
export class PaymentsOperatorController {
  constructor(private readonly payments: PaymentRepository) {}

  @Get(':id')
  async retrieve(@Param('id') id: string): Promise<PaymentView> {
    if (!PAYMENT_ID.test(id)) throw ApiError.notFound('payment', id);
    const found = await this.payments.findWithHistory(id);
    if (found === null) throw ApiError.notFound('payment', id);
    return toPaymentView(found.row, found.events);
  }
}
