import { Body, Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { PAYMENT_ID_PATTERN } from '../domain/random-identifiers';
import { correlationIdOf } from '../http/correlation-id';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { CreatePaymentDto } from './create-payment.dto';
import { CreatePaymentService } from './create-payment.service';
import { toPaymentResource, type PaymentResource } from './payment-resource';
import { PaymentsRepository } from './payments.repository';

@Controller('v1/payments')
@UseGuards(ApiKeyGuard)
export class PaymentsController {
  constructor(
    private readonly createPayment: CreatePaymentService,
    private readonly payments: PaymentsRepository,
  ) {}

  @Post()
  @HttpCode(200)
  async create(
    @CurrentMerchant() merchant: MerchantEntity,
    @Body() body: CreatePaymentDto,
    @Req() request: Request,
  ): Promise<PaymentResource> {
    const payment = await this.createPayment.create(merchant, body, correlationIdOf(request));
    return toPaymentResource(payment);
  }

  @Get(':id')
  async retrieve(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<PaymentResource> {
    const payment = PAYMENT_ID_PATTERN.test(id) ? await this.payments.findForMerchant(merchant.id, id) : null;
    if (payment === null) throw ApiError.notFound('payment', id);
    return toPaymentResource(payment);
  }
}
