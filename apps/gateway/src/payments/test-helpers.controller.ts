import { Body, Controller, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { correlationIdOf } from '../http/correlation-id';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { Documented } from '../openapi/documented';
import { PAYMENT_SCHEMA, RESOLVE_ACTION_SCHEMA } from '../openapi/schemas';
import { ResolveActionDto } from './payment-commands.dto';
import { PaymentCommandsService } from './payment-commands.service';
import { toPaymentResource, type PaymentResource } from '../read-model/payment-resource';

/**
 * Stripe-style test helpers: what a customer or bank would do outside the API, done through it.
 * Every key is a test key (sk_test_), so these are always available.
 */
@Controller('v1/test_helpers/payments')
@UseGuards(ApiKeyGuard)
export class TestHelpersController {
  constructor(private readonly commands: PaymentCommandsService) {}

  @Documented({
    summary:
      'Test mode: approve or decline the pending action of a payment (3-D Secure, QR code, bank transfer), ' +
      'as the customer or bank would; answers once the payment moved on, or after the bounded wait',
    status: 200,
    body: RESOLVE_ACTION_SCHEMA,
    response: PAYMENT_SCHEMA,
    errors: [404, 409],
  })
  @Post(':id/resolve_action')
  @HttpCode(200)
  async resolveAction(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
    @Body() body: ResolveActionDto,
    @Req() request: Request,
  ): Promise<PaymentResource> {
    return toPaymentResource(await this.commands.resolveAction(merchant, id, body, correlationIdOf(request)));
  }
}
