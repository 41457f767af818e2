import { Controller, Get, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import { netMinor, ratio, toCsv } from '../domain/report-figures';
import { REPORTING_CONFIG } from '../reporting-config';
import { ROWS_PER_PAGE_DEFAULT, BalancesQueryDto, FeesQueryDto, VolumeQueryDto } from './report-query.dto';
import { ReportsRepository, type AsOf } from './reports.repository';

interface ListView {
  object: 'list';
  url: string;
  has_more: boolean;
  next_offset: number | null;
  as_of: { generation: number; sequence: string; events_applied: string } | null;
  data: Record<string, unknown>[];
}

const VOLUME_COLUMNS = [
  'period_start',
  'merchant',
  'currency',
  'payment_method',
  'gross_amount',
  'fee_amount',
  'refunded_amount',
  'net_amount',
  'count',
  'refund_count',
  'refund_rate',
  'refunded_amount_rate',
];
const FEE_COLUMNS = ['period_start', 'currency', 'merchant', 'fee_revenue', 'entry_count'];
const BALANCE_COLUMNS = [
  'account_code',
  'account_type',
  'currency',
  'merchant',
  'balance_minor',
  'debit_total_minor',
  'credit_total_minor',
  'posting_count',
];

function checkRange(from: string | undefined, to: string | undefined): void {
  if (from !== undefined && to !== undefined && from > to) {
    throw new ApiError(
      400,
      'invalid_request_error',
      'parameter_invalid',
      'Invalid to: must not be before from',
      'to',
    );
  }
}

/**
 * Read-only reports for analysts, answered from the active generation of the projections.
 * Amounts are strings of integer minor units; currencies lower-case, as in the merchant API.
 * Every report is also CSV with `Accept: text/csv` (the same page, same columns).
 */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports')
@UseGuards(bearerTokenGuard(REPORTING_CONFIG, 'ANALYST_TOKEN'))
export class ReportsController {
  constructor(private readonly reports: ReportsRepository) {}

  @Get('volume')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: 'captured and refunded volume per period, currency, merchant and method' })
  async volume(
    @Query() query: VolumeQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    checkRange(query.from, query.to);
    const groups = query.group_by ?? ['merchant', 'method'];
    const page = { limit: query.limit ?? ROWS_PER_PAGE_DEFAULT, offset: query.offset ?? 0 };
    const { asOf, rows } = await this.reports.volume(
      {
        from: query.from,
        to: query.to,
        timeZone: query.time_zone ?? 'UTC',
        period: query.period ?? 'day',
        merchantId: query.merchant,
        currency: query.currency?.toUpperCase(),
        paymentMethod: query.method,
        byMerchant: groups.includes('merchant'),
        byMethod: groups.includes('method'),
      },
      { ...page, limit: page.limit + 1 },
    );
    const data = rows.map((row) => {
      const gross = BigInt(row.gross_minor);
      const fee = BigInt(row.fee_minor);
      const refunded = BigInt(row.refunded_minor);
      const captures = BigInt(row.capture_count);
      const refunds = BigInt(row.refund_count);
      return {
        period_start: row.period_start,
        merchant: row.merchant,
        currency: row.currency.toLowerCase(),
        payment_method: row.payment_method,
        gross_amount: gross.toString(),
        fee_amount: fee.toString(),
        refunded_amount: refunded.toString(),
        net_amount: netMinor(gross, fee, refunded).toString(),
        count: Number(captures),
        refund_count: Number(refunds),
        refund_rate: ratio(refunds, captures),
        refunded_amount_rate: ratio(refunded, gross),
      };
    });
    return this.answer('/v1/reports/volume', VOLUME_COLUMNS, asOf, data, page, request, response);
  }

  @Get('fees')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: 'fee revenue per period and currency (and merchant)' })
  async fees(
    @Query() query: FeesQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    checkRange(query.from, query.to);
    const page = { limit: query.limit ?? ROWS_PER_PAGE_DEFAULT, offset: query.offset ?? 0 };
    const { asOf, rows } = await this.reports.fees(
      {
        from: query.from,
        to: query.to,
        timeZone: query.time_zone ?? 'UTC',
        period: query.period ?? 'day',
        merchantId: query.merchant,
        currency: query.currency?.toUpperCase(),
        byMerchant: query.group_by === 'merchant',
      },
      { ...page, limit: page.limit + 1 },
    );
    const data = rows.map((row) => ({
      period_start: row.period_start,
      currency: row.currency.toLowerCase(),
      merchant: row.merchant,
      fee_revenue: row.revenue_minor,
      entry_count: Number(row.entry_count),
    }));
    return this.answer('/v1/reports/fees', FEE_COLUMNS, asOf, data, page, request, response);
  }

  @Get('balances')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ description: 'balance of every account, debits positive, from all postings' })
  async balances(
    @Query() query: BalancesQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    const page = { limit: query.limit ?? ROWS_PER_PAGE_DEFAULT, offset: query.offset ?? 0 };
    const { asOf, rows } = await this.reports.balances(
      {
        merchantId: query.merchant,
        currency: query.currency?.toUpperCase(),
        accountType: query.account_type,
      },
      { ...page, limit: page.limit + 1 },
    );
    const data = rows.map((row) => ({
      account_code: row.account_code,
      account_type: row.account_type,
      currency: row.currency.toLowerCase(),
      merchant: row.merchant_id === '' ? null : row.merchant_id,
      balance_minor: (BigInt(row.debit_minor) - BigInt(row.credit_minor)).toString(),
      debit_total_minor: row.debit_minor,
      credit_total_minor: row.credit_minor,
      posting_count: Number(row.posting_count),
    }));
    return this.answer('/v1/reports/balances', BALANCE_COLUMNS, asOf, data, page, request, response);
  }

  private answer(
    url: string,
    columns: readonly string[],
    asOf: AsOf | null,
    rows: Record<string, unknown>[],
    page: { limit: number; offset: number },
    request: Request,
    response: Response,
  ): ListView | string {
    const hasMore = rows.length > page.limit;
    const data = rows.slice(0, page.limit);
    if (wantsCsv(request)) {
      response.type('text/csv; charset=utf-8');
      if (hasMore) response.setHeader('x-next-offset', String(page.offset + page.limit));
      return toCsv(columns, data);
    }
    return {
      object: 'list',
      url,
      has_more: hasMore,
      next_offset: hasMore ? page.offset + page.limit : null,
      as_of:
        asOf === null
          ? null
          : {
              generation: asOf.generation,
              sequence: asOf.contiguousSequence,
              events_applied: asOf.eventsApplied,
            },
      data,
    };
  }
}

/** CSV when the client prefers it to JSON. */
function wantsCsv(request: Request): boolean {
  return (
    request.accepts(['application/json', 'text/csv']) === 'text/csv' &&
    /text\/csv/.test(request.headers.accept ?? '')
  );
}
