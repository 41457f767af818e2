import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { REFUND_ID_PATTERN } from '../domain/random-identifiers';
import { correlationIdOf } from '../http/correlation-id';
import { listShape, type ListShape } from '../listing/cursor-page';
import { IsOptional, Matches } from 'class-validator';
import { ListQueryDto } from '../listing/list-query.dto';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { CreateRefundDto } from './create-refund.dto';
import { CreateRefundService } from './create-refund.service';
import { toRefundResource, type RefundResource } from './refund-resource';
import { RefundsRepository } from './refunds.repository';
import { Documented } from '../openapi/documented';
import { CREATE_REFUND_SCHEMA, REFUND_SCHEMA, listOf } from '../openapi/schemas';

export class ListRefundsQueryDto extends ListQueryDto {
  @IsOptional()
  @Matches(/^pay_[A-Za-z0-9]{8,64}$/, { message: 'must be a payment id (pay_...)' })
  payment?: string;
}

@Controller('v1/refunds')
@UseGuards(ApiKeyGuard)
export class RefundsController {
  constructor(
    private readonly createRefund: CreateRefundService,
    private readonly refunds: RefundsRepository,
  ) {}

  @Documented({
    summary: 'Refund a captured payment, in full (amount omitted) or in part',
    status: 200,
    body: CREATE_REFUND_SCHEMA,
    response: REFUND_SCHEMA,
    errors: [404, 409],
  })
  @Post()
  @HttpCode(200)
  async create(
    @CurrentMerchant() merchant: MerchantEntity,
    @Body() body: CreateRefundDto,
    @Req() request: Request,
  ): Promise<RefundResource> {
    return toRefundResource(await this.createRefund.create(merchant, body, correlationIdOf(request)));
  }

  @Documented({ summary: 'List refunds, newest first', status: 200, response: listOf(REFUND_SCHEMA) })
  @Get()
  async list(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query() query: ListRefundsQueryDto,
  ): Promise<ListShape<RefundResource>> {
    return listShape('/v1/refunds', await this.refunds.list(merchant.id, query), toRefundResource);
  }

  @Documented({ summary: 'Retrieve a refund', status: 200, response: REFUND_SCHEMA, errors: [404] })
  @Get(':id')
  async retrieve(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<RefundResource> {
    const refund = REFUND_ID_PATTERN.test(id) ? await this.refunds.findForMerchant(merchant.id, id) : null;
    if (refund === null) throw ApiError.notFound('refund', id);
    return toRefundResource(refund);
  }
}
