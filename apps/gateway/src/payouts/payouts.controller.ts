import { Body, Controller, Get, Header, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { reconciliationCsv } from '../balance/balance-transaction-resource';
import { BalanceTransactionsRepository } from '../balance/balance-transactions.repository';
import { PAYOUT_ID_PATTERN } from '../domain/random-identifiers';
import { correlationIdOf } from '../http/correlation-id';
import { listShape, type ListShape } from '../listing/cursor-page';
import { ListQueryDto } from '../listing/list-query.dto';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { Documented } from '../openapi/documented';
import { CREATE_PAYOUT_SCHEMA, PAYOUT_SCHEMA, listOf } from '../openapi/schemas';
import { CreatePayoutDto } from './create-payout.dto';
import { CreatePayoutService } from './create-payout.service';
import { toPayoutResource, type PayoutResource } from './payout-resource';
import { PayoutsRepository } from './payouts.repository';

@Controller('v1/payouts')
@UseGuards(ApiKeyGuard)
export class PayoutsController {
  constructor(
    private readonly createPayout: CreatePayoutService,
    private readonly payouts: PayoutsRepository,
    private readonly balanceTransactions: BalanceTransactionsRepository,
  ) {}

  @Documented({
    summary: 'Pay out part of the available balance to the merchant bank account',
    status: 200,
    body: CREATE_PAYOUT_SCHEMA,
    response: PAYOUT_SCHEMA,
    // 409: the payments service refused the payout.create (payment.command_rejected).
    errors: [409],
  })
  @Post()
  @HttpCode(200)
  async create(
    @CurrentMerchant() merchant: MerchantEntity,
    @Body() body: CreatePayoutDto,
    @Req() request: Request,
  ): Promise<PayoutResource> {
    return toPayoutResource(await this.createPayout.create(merchant, body, correlationIdOf(request)));
  }

  @Documented({ summary: 'List payouts, newest first', status: 200, response: listOf(PAYOUT_SCHEMA) })
  @Get()
  async list(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query() query: ListQueryDto,
  ): Promise<ListShape<PayoutResource>> {
    return listShape('/v1/payouts', await this.payouts.list(merchant.id, query), toPayoutResource);
  }

  @Documented({ summary: 'Retrieve a payout', status: 200, response: PAYOUT_SCHEMA, errors: [404] })
  @Get(':id')
  async retrieve(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<PayoutResource> {
    const payout = PAYOUT_ID_PATTERN.test(id) ? await this.payouts.findForMerchant(merchant.id, id) : null;
    if (payout === null) throw ApiError.notFound('payout', id);
    return toPayoutResource(payout);
  }

  @Documented({
    summary:
      "A payout's settlement report (text/csv): the balance transactions it paid out (id, type, source, created, currency, amount, fee, net in minor units) and a totals line whose net is the payout amount",
    status: 200,
    response: { type: 'string' },
    responseMediaType: 'text/csv',
    errors: [404],
  })
  @Get(':id/reconciliation.csv')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  async reconciliation(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<string> {
    if (!PAYOUT_ID_PATTERN.test(id)) throw ApiError.notFound('payout', id);
    const rows = await this.balanceTransactions.forPayout(merchant.id, id);
    // Daily payouts are not in the gateway's payouts table; their transactions prove them.
    if (rows.length === 0 && (await this.payouts.findForMerchant(merchant.id, id)) === null) {
      throw ApiError.notFound('payout', id);
    }
    return reconciliationCsv(rows);
  }
}
