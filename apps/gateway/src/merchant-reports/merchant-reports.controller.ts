import { applyDecorators, Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiProduces, ApiQuery } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength } from 'class-validator';
import type { Request, Response } from 'express';
import { toCsv } from '@platform/ledger-projection';
import { ApiError } from '@platform/service-runtime';
import { ApiKeyGuard, CurrentMerchant } from '../auth/api-key.guard';
import { createdRangeOf, ListParameterError } from '../domain/list-window';
import {
  groupingOf,
  inReport,
  REPORT_COLUMNS,
  REPORT_PERIODS,
  reportRow,
  reportWindow,
  type ReportKind,
  type ReportPeriod,
  type ReportRow,
} from '../domain/merchant-reports';
import type { ListShape } from '../listing/cursor-page';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { Documented } from '../openapi/documented';
import { listOf } from '../openapi/schemas';
import { minorUnitsAsJsonNumber } from '../read-model/payment-resource';
import { MERCHANT_REPORT_SCHEMAS } from './merchant-report-schemas';
import { MerchantVolumeRepository } from './merchant-volume.repository';

export class ReportQueryDto {
  @IsOptional()
  @IsIn(REPORT_PERIODS)
  period?: ReportPeriod;

  @IsOptional()
  @MaxLength(100)
  @IsString()
  group_by?: string;

  @IsOptional()
  created?: unknown;

  @IsOptional()
  'created[gte]'?: unknown;

  @IsOptional()
  'created[gt]'?: unknown;

  @IsOptional()
  'created[lte]'?: unknown;

  @IsOptional()
  'created[lt]'?: unknown;
}

const REPORT_QUERY_DOCS = [
  ApiQuery({
    name: 'period',
    required: false,
    enum: REPORT_PERIODS,
    description: 'UTC; weeks start on Monday. Default day.',
  }),
  ApiQuery({
    name: 'group_by',
    required: false,
    description: 'Comma list of payment_method, currency (presentment). Default both; empty for neither.',
  }),
  ApiQuery({
    name: 'created[gte]',
    required: false,
    description: 'Unix seconds. Default 30 days before created[lt].',
  }),
  ApiQuery({ name: 'created[lt]', required: false, description: 'Unix seconds. Default now.' }),
  ApiProduces('application/json', 'text/csv'),
];

function documented(kind: ReportKind, summary: string): MethodDecorator {
  return applyDecorators(
    Documented({ summary, status: 200, response: listOf(MERCHANT_REPORT_SCHEMAS[kind]) }),
    ...REPORT_QUERY_DOCS,
  );
}

/**
 * The merchant's own reports, folded from the ledger's entries into merchant_volume by the balance
 * consumer: nothing asks another service. JSON lists, or CSV with `Accept: text/csv`.
 */
@Controller('v1/reports')
@UseGuards(ApiKeyGuard)
export class MerchantReportsController {
  constructor(private readonly volume: MerchantVolumeRepository) {}

  @documented('volume', 'Captured, refunded, fee and net amounts per period, payment method and currency')
  @Get('volume')
  volumeReport(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query() query: ReportQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.report('volume', merchant, query, request, response);
  }

  @documented('fees', 'Fees charged per period, payment method and currency, in the settlement currency')
  @Get('fees')
  feesReport(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query() query: ReportQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.report('fees', merchant, query, request, response);
  }

  @documented('refunds', 'Refunds per period, payment method and currency')
  @Get('refunds')
  refundsReport(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query() query: ReportQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.report('refunds', merchant, query, request, response);
  }

  @documented('disputes', 'Disputes opened per period, payment method and currency')
  @Get('disputes')
  disputesReport(
    @CurrentMerchant() merchant: MerchantEntity,
    @Query() query: ReportQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    return this.report('disputes', merchant, query, request, response);
  }

  private async report(
    kind: ReportKind,
    merchant: MerchantEntity,
    query: ReportQueryDto,
    request: Request,
    response: Response,
  ): Promise<ListShape<ReportRow> | string> {
    const period = query.period ?? 'day';
    let grouping;
    let window;
    try {
      grouping = groupingOf(query.group_by);
      window = reportWindow(createdRangeOf(query as Record<string, unknown>), period, new Date());
    } catch (error) {
      if (error instanceof ListParameterError) {
        throw new ApiError(400, 'invalid_request_error', 'parameter_invalid', error.message, error.param);
      }
      throw error;
    }
    const sums = await this.volume.sums(merchant.id, period, window, grouping);
    const amount = (minor: bigint): number => minorUnitsAsJsonNumber(minor.toString());
    const rows = sums
      .filter((line) => inReport(kind, line))
      .map((line) => reportRow(kind, period, line, amount));
    if (request.accepts(['application/json', 'text/csv']) === 'text/csv') {
      response.type('text/csv; charset=utf-8');
      return toCsv(REPORT_COLUMNS[kind], rows);
    }
    return { object: 'list', url: `/v1/reports/${kind}`, has_more: false, data: rows };
  }
}
