import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { PAYMENT_ID_PATTERN } from '../domain/random-identifiers';
import { correlationIdOf } from '../http/correlation-id';
import { listShape, type ListShape } from '../listing/cursor-page';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { CreatePaymentDto } from '../requests/create-payment.dto';
import { CreatePaymentService } from './create-payment.service';
import { CancelPaymentDto, CapturePaymentDto } from './payment-commands.dto';
import { PaymentCommandsService } from './payment-commands.service';
import { PaymentSearchQueryDto } from './payment-search.dto';
import { PaymentSearchService } from './payment-search.service';
import { DocumentedPaymentFilters, DocumentedPaymentSearch, searchResultOf } from '../openapi/payment-search';
import { toPaymentResource, type PaymentResource } from '../read-model/payment-resource';
import { PaymentsRepository } from '../read-model/payments.repository';
import { Documented } from '../openapi/documented';
import {
  CANCEL_PAYMENT_SCHEMA,
  CAPTURE_PAYMENT_SCHEMA,
  CREATE_PAYMENT_SCHEMA,
  PAYMENT_SCHEMA,
  listOf,
} from '../openapi/schemas';

@Controller('v1/payments')
@UseGuards(ApiKeyGuard)
export class PaymentsController {
  constructor(
    private readonly createPayment: CreatePaymentService,
    private readonly commands: PaymentCommandsService,
    private readonly payments: PaymentsRepository,
    private readonly search: PaymentSearchService,
  ) {}

  @Documented({
    summary: 'Create a payment; answers once it settles for now, or processing after the bounded wait',
    status: 200,
    body: CREATE_PAYMENT_SCHEMA,
    response: PAYMENT_SCHEMA,
    errors: [402, 409],
  })
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

  @Documented({
    summary: 'List payments, newest first, optionally filtered',
    status: 200,
    response: listOf(PAYMENT_SCHEMA),
  })
  @DocumentedPaymentFilters()
  @Get()
  async list(
    @CurrentMerchant() merchant: MerchantEntity,
    // Unvalidated here: metadata[key] filters have dynamic names; PaymentSearchService checks all.
    @Query() query: Record<string, unknown>,
  ): Promise<ListShape<PaymentResource>> {
    return listShape('/v1/payments', await this.search.list(merchant.id, query), toPaymentResource);
  }

  @Documented({
    summary: 'Search payments with a query, newest first',
    status: 200,
    response: searchResultOf(PAYMENT_SCHEMA),
  })
  @DocumentedPaymentSearch()
  @Get('search')
  async searchPayments(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query() query: PaymentSearchQueryDto,
  ): Promise<ListShape<PaymentResource> & { readonly next_page: string | null }> {
    const { page, nextPage } = await this.search.query(merchant.id, query);
    return { ...listShape('/v1/payments/search', page, toPaymentResource), next_page: nextPage };
  }

  @Documented({ summary: 'Retrieve a payment', status: 200, response: PAYMENT_SCHEMA, errors: [404] })
  @Get(':id')
  async retrieve(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<PaymentResource> {
    const payment = PAYMENT_ID_PATTERN.test(id) ? await this.payments.findForMerchant(merchant.id, id) : null;
    if (payment === null) throw ApiError.notFound('payment', id);
    return toPaymentResource(payment);
  }

  @Documented({
    summary: 'Capture an authorized payment, in full or in part',
    status: 200,
    body: CAPTURE_PAYMENT_SCHEMA,
    response: PAYMENT_SCHEMA,
    errors: [404, 409],
  })
  @Post(':id/capture')
  @HttpCode(200)
  async capture(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
    @Body() body: CapturePaymentDto,
    @Req() request: Request,
  ): Promise<PaymentResource> {
    return toPaymentResource(await this.commands.capture(merchant, id, body, correlationIdOf(request)));
  }

  @Documented({
    summary: 'Cancel an uncaptured payment',
    status: 200,
    body: CANCEL_PAYMENT_SCHEMA,
    response: PAYMENT_SCHEMA,
    errors: [404, 409],
  })
  @Post(':id/cancel')
  @HttpCode(200)
  async cancel(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
    @Body() body: CancelPaymentDto,
    @Req() request: Request,
  ): Promise<PaymentResource> {
    return toPaymentResource(await this.commands.cancel(merchant, id, body, correlationIdOf(request)));
  }
}
