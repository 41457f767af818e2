import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { ApiError } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { DISPUTE_ID_PATTERN } from '../domain/random-identifiers';
import { correlationIdOf } from '../http/correlation-id';
import { listShape, type ListShape } from '../listing/cursor-page';
import { ListQueryDto } from '../listing/list-query.dto';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { Documented } from '../openapi/documented';
import { DISPUTE_SCHEMA, SUBMIT_EVIDENCE_SCHEMA, listOf } from '../openapi/schemas';
import { toDisputeResource, type DisputeResource } from './dispute-resource';
import { DisputesRepository } from './disputes.repository';
import { SubmitEvidenceDto, SubmitEvidenceService } from './submit-evidence.service';

@Controller('v1/disputes')
@UseGuards(ApiKeyGuard)
export class DisputesController {
  constructor(
    private readonly disputes: DisputesRepository,
    private readonly evidence: SubmitEvidenceService,
  ) {}

  @Documented({ summary: 'List disputes, newest first', status: 200, response: listOf(DISPUTE_SCHEMA) })
  @Get()
  async list(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query() query: ListQueryDto,
  ): Promise<ListShape<DisputeResource>> {
    return listShape('/v1/disputes', await this.disputes.list(merchant.id, query), toDisputeResource);
  }

  @Documented({ summary: 'Retrieve a dispute', status: 200, response: DISPUTE_SCHEMA, errors: [404] })
  @Get(':id')
  async retrieve(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
  ): Promise<DisputeResource> {
    const dispute = DISPUTE_ID_PATTERN.test(id) ? await this.disputes.findForMerchant(merchant.id, id) : null;
    if (dispute === null) throw ApiError.notFound('dispute', id);
    return toDisputeResource(dispute);
  }

  @Documented({
    summary: 'Submit evidence for a dispute that needs a response',
    status: 200,
    body: SUBMIT_EVIDENCE_SCHEMA,
    response: DISPUTE_SCHEMA,
    errors: [404, 409],
  })
  @Post(':id/evidence')
  @HttpCode(200)
  async submitEvidence(
    @CurrentMerchant() merchant: MerchantEntity,
    @Param('id') id: string,
    @Body() body: SubmitEvidenceDto,
    @Req() request: Request,
  ): Promise<DisputeResource> {
    return toDisputeResource(await this.evidence.submit(merchant, id, body, correlationIdOf(request)));
  }
}
