import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { ApiQuery } from '@nestjs/swagger';
import { ApiError } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { BALANCE_TRANSACTION_TYPES } from '../domain/balance-transactions';
import { BALANCE_TRANSACTION_ID_PATTERN } from '../domain/random-identifiers';
import { listShape, type ListShape } from '../listing/cursor-page';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { Documented } from '../openapi/documented';
import { BALANCE_TRANSACTION_SCHEMA, listOf } from '../openapi/schemas';
import {
  toBalanceTransactionResource,
  type BalanceTransactionResource,
} from './balance-transaction-resource';
import { BalanceTransactionsRepository } from './balance-transactions.repository';
import { ListBalanceTransactionsDto } from './list-balance-transactions.dto';

@Controller('v1/balance_transactions')
@UseGuards(ApiKeyGuard)
export class BalanceTransactionsController {
  constructor(private readonly transactions: BalanceTransactionsRepository) {}

  @Documented({
    summary:
      'List balance transactions, newest first; filter by type, currency, payout (what that payout paid out, summing to its amount), source and created[gt|gte|lt|lte]',
    status: 200,
    response: listOf(BALANCE_TRANSACTION_SCHEMA),
  })
  @ApiQuery({ name: 'type', required: false, enum: BALANCE_TRANSACTION_TYPES })
  @ApiQuery({ name: 'currency', required: false, description: 'Lower-case ISO 4217 code.' })
  @ApiQuery({ name: 'payout', required: false, description: 'A payout id: the transactions it paid out.' })
  @ApiQuery({ name: 'source', required: false, description: 'A payment, refund, dispute or payout id.' })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 100 (10).' })
  @ApiQuery({ name: 'starting_after', required: false })
  @ApiQuery({ name: 'ending_before', required: false })
  @Get()
  async list(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query() query: ListBalanceTransactionsDto,
  ): Promise<ListShape<BalanceTransactionResource>> {
    const page = await this.transactions.list(merchant.id, query, {
      type: query.type,
      currency: query.currency,
      payout: query.payout,
      source: query.source,
    });
    return listShape('/v1/balance_transactions', page, toBalanceTransactionResource);
  }

  @Documented({
    summary: 'Retrieve a balance transaction',
    status: 200,
    response: BALANCE_TRANSACTION_SCHEMA,
    errors: [404],
  })
  @Get(':id')
  async retrieve(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<BalanceTransactionResource> {
    const row = BALANCE_TRANSACTION_ID_PATTERN.test(id)
      ? await this.transactions.findForMerchant(merchant.id, id)
      : null;
    if (row === null) throw ApiError.notFound('balance_transaction', id);
    return toBalanceTransactionResource(row);
  }
}
