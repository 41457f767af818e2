import { Controller, Get, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Matches, Min } from 'class-validator';
import { bearerTokenGuard } from '@platform/service-runtime';
import { REPORTING_CONFIG } from '../reporting-config';
import { ReconciliationService } from './reconciliation.service';

export class ReconciliationQueryDto {
  @ApiPropertyOptional({ description: 'generation to check (default: the active one)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  generation?: number;

  @ApiPropertyOptional({ description: 'compare row for row with this generation, or "retired"' })
  @IsOptional()
  @Matches(/^([1-9][0-9]{0,8}|retired)$/, { message: 'must be a generation number or retired' })
  against?: string;
}

/** Operators: the projections against the ledger's balances (folded from its postings). */
@ApiTags('operations')
@ApiBearerAuth()
@Controller('v1/reconciliation')
@UseGuards(bearerTokenGuard(REPORTING_CONFIG, 'ADMIN_TOKEN'))
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @Get()
  @ApiOkResponse({ description: 'every difference found; none means the projections agree' })
  async reconcile(@Query() query: ReconciliationQueryDto) {
    const against =
      query.against === undefined
        ? undefined
        : query.against === 'retired'
          ? 'retired'
          : Number(query.against);
    const report = await this.reconciliation.run(query.generation, against);
    return {
      object: 'reconciliation',
      generation: report.generation,
      against: report.against,
      same_sequence: report.sameSequence,
      figures: report.figures.map((f) => ({
        generation: f.generation,
        contiguous_sequence: f.contiguousSequence,
        last_sequence: f.lastSequence,
        events_applied: f.eventsApplied,
        applied_beyond_a_gap: f.aheadCount,
      })),
      checks: report.checks,
      difference_count: report.differences.length,
      differences: report.differences,
    };
  }
}
