import { Controller, Get, Param, Query, UseGuards } from '@nestjs/common';
import { IsOptional, Matches } from 'class-validator';
import { ApiError } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { listShape, type ListShape } from '../listing/cursor-page';
import { ListQueryDto } from '../listing/list-query.dto';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { toMerchantEventResource, type MerchantEventResource } from './merchant-event-resource';
import { MerchantEventsRepository } from './merchant-events.repository';
import { Documented } from '../openapi/documented';
import { EVENT_SCHEMA, listOf } from '../openapi/schemas';

const EVENT_ID_PATTERN = /^evt_[A-Za-z0-9]{8,64}$/;

export class ListEventsQueryDto extends ListQueryDto {
  @IsOptional()
  @Matches(/^[a-z_]{1,40}\.[a-z_.]{1,60}$/, { message: 'must be an event type such as payment.captured' })
  type?: string;
}

@Controller('v1/events')
@UseGuards(ApiKeyGuard)
export class EventsController {
  constructor(private readonly events: MerchantEventsRepository) {}

  @Documented({
    summary: 'List the merchant events, newest first',
    status: 200,
    response: listOf(EVENT_SCHEMA),
  })
  @Get()
  async list(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query() query: ListEventsQueryDto,
  ): Promise<ListShape<MerchantEventResource>> {
    return listShape('/v1/events', await this.events.list(merchant.id, query), toMerchantEventResource);
  }

  @Documented({ summary: 'Retrieve an event', status: 200, response: EVENT_SCHEMA, errors: [404] })
  @Get(':id')
  async retrieve(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<MerchantEventResource> {
    const event = EVENT_ID_PATTERN.test(id) ? await this.events.findForMerchant(merchant.id, id) : null;
    if (event === null) throw ApiError.notFound('event', id);
    return toMerchantEventResource(event);
  }
}
