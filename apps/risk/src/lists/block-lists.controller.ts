import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { Body, Controller, Delete, Get, Headers, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { actorOf, merchantScope, unixSeconds } from '../admin/admin-request';
import { LIST_VALUE_LENGTH_MAX, normalizeListValue } from '../domain/block-lists';
import { LIST_KINDS, type ListKind } from '../domain/risk-rules';
import type { RuleScope } from '../domain/rule-sets';
import { RISK_CONFIG } from '../risk-config';
import { BlockListRepository, type ListEntry } from './block-list.repository';

const LIST_ENTRY_ID = /^rle_[a-f0-9]{24}$/;
export const LIST_PAGE_MAX = 100;

export class AddListEntryDto {
  @IsIn(LIST_KINDS)
  @IsDefined()
  kind!: ListKind;

  @MaxLength(LIST_VALUE_LENGTH_MAX)
  @IsString()
  @IsDefined()
  value!: string;
}

export class ListEntriesQueryDto {
  @IsOptional()
  @IsIn(LIST_KINDS)
  kind?: ListKind;

  @IsOptional()
  @Max(LIST_PAGE_MAX)
  @Min(1)
  @IsInt()
  @Type(() => Number)
  limit?: number;

  @IsOptional()
  @Matches(LIST_ENTRY_ID, { message: 'must be a list entry id' })
  @IsString()
  starting_after?: string;
}

export interface ListEntryView {
  readonly id: string;
  readonly object: 'list_entry';
  readonly scope: RuleScope;
  readonly kind: ListKind;
  readonly value: string;
  readonly created_by: string;
  readonly created: number;
}

const toView = (entry: ListEntry): ListEntryView => ({
  id: entry.id,
  object: 'list_entry',
  scope: entry.scope,
  kind: entry.kind,
  value: entry.value,
  created_by: entry.createdBy,
  created: unixSeconds(entry.createdAt),
});

/**
 * Block lists (ADMIN_TOKEN), global or a merchant's: card fingerprints, BINs, IPs, email domains
 * and countries. The blocked_* rules match a payment whose value is on a list of their kind; an
 * entry applies to the next payment screened. Additions and removals are logged append-only.
 */
@Controller('v1')
@UseGuards(bearerTokenGuard(RISK_CONFIG, 'ADMIN_TOKEN'))
export class BlockListsController {
  constructor(private readonly lists: BlockListRepository) {}

  @Get('lists')
  listGlobal(@Query() query: ListEntriesQueryDto) {
    return this.list('global', query);
  }

  @Post('lists')
  addGlobal(
    @Body() body: AddListEntryDto,
    @Res({ passthrough: true }) response: Response,
    @Headers('x-actor') actor?: string,
  ): Promise<ListEntryView> {
    return this.add('global', body, response, actor);
  }

  @Delete('lists/:entryId')
  removeGlobal(@Param('entryId') entryId: string, @Headers('x-actor') actor?: string) {
    return this.remove('global', entryId, actor);
  }

  @Get('merchants/:merchantId/lists')
  listMerchant(@Param('merchantId') merchantId: string, @Query() query: ListEntriesQueryDto) {
    return this.list(merchantScope(merchantId), query);
  }

  @Post('merchants/:merchantId/lists')
  addMerchant(
    @Param('merchantId') merchantId: string,
    @Body() body: AddListEntryDto,
    @Res({ passthrough: true }) response: Response,
    @Headers('x-actor') actor?: string,
  ): Promise<ListEntryView> {
    return this.add(merchantScope(merchantId), body, response, actor);
  }

  @Delete('merchants/:merchantId/lists/:entryId')
  removeMerchant(
    @Param('merchantId') merchantId: string,
    @Param('entryId') entryId: string,
    @Headers('x-actor') actor?: string,
  ) {
    return this.remove(merchantScope(merchantId), entryId, actor);
  }

  private async list(scope: RuleScope, query: ListEntriesQueryDto) {
    const limit = query.limit ?? 10;
    const page = await this.lists.list(scope, query.kind, limit + 1, query.starting_after);
    return { object: 'list' as const, data: page.slice(0, limit).map(toView), has_more: page.length > limit };
  }

  /** 201 with a new entry; 200 with the entry when the value was on the list already. */
  private async add(
    scope: RuleScope,
    body: AddListEntryDto,
    response: Response,
    actor: string | undefined,
  ): Promise<ListEntryView> {
    const createdBy = actorOf(actor);
    const normalized = normalizeListValue(body.kind, body.value);
    if ('problem' in normalized) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'parameter_invalid',
        `Invalid value: a ${body.kind} ${normalized.problem}.`,
        'value',
      );
    }
    const { entry, created } = await this.lists.add(scope, body.kind, normalized.value, createdBy);
    response.status(created ? 201 : 200);
    return toView(entry);
  }

  private async remove(scope: RuleScope, entryId: string, actor: string | undefined) {
    const removedBy = actorOf(actor);
    if (!LIST_ENTRY_ID.test(entryId)) throw ApiError.notFound('list entry', entryId, 'entryId');
    const removed = await this.lists.remove(scope, entryId, removedBy);
    if (removed === null) throw ApiError.notFound('list entry', entryId, 'entryId');
    return { ...toView(removed), deleted: true };
  }
}
