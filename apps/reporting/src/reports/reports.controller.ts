import { Controller, Get, Inject, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { formatMinorAmount } from '@platform/money';
import { ApiError, bearerTokenGuard } from '@platform/service-runtime';
import {
  BUCKETS_MAX,
  bucketCount,
  bucketStarts,
  buildOverview,
  defaultRange,
  todayIn,
  type Denomination,
  type Overview,
} from '../domain/overview';
import { toCsv } from '@platform/ledger-projection';
import { volumeRowView } from '../domain/report-figures';
import { ReconciliationMonitor } from '../reconciliation/reconciliation-monitor.service';
import { REPORTING_CONFIG, type ReportingConfig } from '../reporting-config';
import { ProjectionLagService } from './projection-lag.service';
import {
  ROWS_PER_PAGE_DEFAULT,
  BalancesQueryDto,
  FeesQueryDto,
  OverviewQueryDto,
  VolumeQueryDto,
} from './report-query.dto';
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
  'refunded_amount',
  'settlement_currency',
  'settlement_gross_amount',
  'fee_amount',
  'settlement_refunded_amount',
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

/** The overview's CSV: what the dashboard's chart and table show, amounts in major units. */
const OVERVIEW_COLUMNS = [
  'period_start',
  'currency',
  'gross',
  'fees',
  'refunded',
  'net',
  'disputed',
  'count',
  'refund_count',
  'dispute_count',
  'fee_rate',
  'refund_rate',
  'dispute_rate',
];
const TOP_MERCHANTS_DEFAULT = 10;
const DAY_MS = 86_400_000;

function shiftDay(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

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
  constructor(
    private readonly reports: ReportsRepository,
    private readonly lag: ProjectionLagService,
    private readonly reconciliation: ReconciliationMonitor,
    @Inject(REPORTING_CONFIG) private readonly config: ReportingConfig,
  ) {}

  @Get('overview')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description:
      'time series with empty buckets as zero, totals and rates, method and currency mix, top merchants, ' +
      'freshness and reconciliation, in one currency (converted with the named rate table when several)',
  })
  async overview(
    @Query() query: OverviewQueryDto,
    @Req() request: Request,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (query.currency !== undefined && query.reporting_currency !== undefined) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'parameter_invalid',
        'Invalid reporting_currency: give either currency (one currency) or reporting_currency (all, converted)',
        'reporting_currency',
      );
    }
    const timeZone = query.time_zone ?? 'UTC';
    const period = query.period ?? 'day';
    const range = defaultRange(period, query.to ?? todayIn(timeZone));
    const from = query.from ?? range.from;
    const to = query.to ?? (query.from !== undefined && query.from > range.to ? query.from : range.to);
    checkRange(from, to);
    if (bucketCount(period, from, to) > BUCKETS_MAX) {
      throw new ApiError(
        400,
        'invalid_request_error',
        'parameter_invalid',
        `Invalid period: from ${from} to ${to} makes more than ${BUCKETS_MAX} ${period} buckets; pick a longer period or a shorter range`,
        'period',
      );
    }
    const denomination: Denomination =
      query.currency !== undefined
        ? { kind: 'currency', currency: query.currency.toUpperCase() }
        : {
            kind: 'converted',
            currency: query.reporting_currency?.toUpperCase() ?? this.config.REPORTING_CURRENCY,
            table: this.config.FX_RATES,
          };
    const days = (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS + 1;
    const { asOf, rows } = await this.reports.overview({
      from,
      to,
      previousFrom: shiftDay(from, -days),
      timeZone,
      period,
      merchantId: query.merchant,
      currency: query.currency?.toUpperCase(),
      paymentMethod: query.method,
    });
    const overview = buildOverview({
      rows: rows ?? { series: [], methods: [], currencies: [], merchants: [], previous: [] },
      denomination,
      bucketStarts: bucketStarts(period, from, to),
      topMerchants: query.top ?? TOP_MERCHANTS_DEFAULT,
    });
    if (wantsCsv(request)) {
      response.type('text/csv; charset=utf-8');
      response.setHeader(
        'content-disposition',
        `attachment; filename="${overviewFileName(overview, from, to, period)}"`,
      );
      return toCsv(OVERVIEW_COLUMNS, overviewCsvRows(overview));
    }
    const lastReconciliation = this.reconciliation.lastResult();
    return {
      object: 'report_overview',
      url: '/v1/reports/overview',
      filters: {
        merchant: query.merchant ?? null,
        method: query.method ?? null,
        currency: query.currency ?? null,
        reporting_currency: overview.conversion?.reporting_currency ?? null,
        period,
        from,
        to,
        time_zone: timeZone,
        previous_from: shiftDay(from, -days),
        previous_to: shiftDay(from, -1),
      },
      reporting_currencies: reportingCurrencies(this.config),
      as_of: asOfView(asOf),
      freshness:
        asOf === null
          ? null
          : {
              generation: asOf.generation,
              sequence: asOf.contiguousSequence,
              last_sequence: asOf.lastSequence,
              events_applied: asOf.eventsApplied,
              updated_at: asOf.updatedAt,
              lag_messages: await this.lag.lagMessages(asOf.generation),
            },
      reconciliation:
        lastReconciliation === null
          ? null
          : {
              generation: lastReconciliation.generation,
              checked_at: lastReconciliation.checkedAt.toISOString(),
              sequence: lastReconciliation.contiguousSequence,
              difference_count: lastReconciliation.differenceCount,
            },
      ...overview,
    };
  }

  @Get('volume')
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    description:
      'captured and refunded volume per period, presentment and settlement currency, merchant and method; ' +
      'gross and refunded in currency, fee and net in settlement_currency',
  })
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
        settlementCurrency: query.settlement_currency?.toUpperCase(),
        paymentMethod: query.method,
        byMerchant: groups.includes('merchant'),
        byMethod: groups.includes('method'),
      },
      { ...page, limit: page.limit + 1 },
    );
    const data = rows.map(volumeRowView);
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
      as_of: asOfView(asOf),
      data,
    };
  }
}

/** What the rate table can convert into: the currencies a view of all currencies may be shown in. */
function reportingCurrencies(config: ReportingConfig): string[] {
  const targets = Object.keys(config.FX_RATES.rates).map((pair) => pair.slice(4));
  return [...new Set([config.REPORTING_CURRENCY, ...targets])].map((c) => c.toLowerCase()).sort();
}

function asOfView(asOf: AsOf | null): ListView['as_of'] {
  return asOf === null
    ? null
    : { generation: asOf.generation, sequence: asOf.contiguousSequence, events_applied: asOf.eventsApplied };
}

function overviewCsvRows(overview: Overview): Record<string, unknown>[] {
  const currency = overview.currency.toUpperCase();
  const major = (minor: string) => formatMinorAmount(BigInt(minor), currency);
  return overview.series.map((bucket) => ({
    period_start: bucket.period_start,
    currency: overview.currency,
    gross: major(bucket.gross_amount),
    fees: major(bucket.fee_amount),
    refunded: major(bucket.refunded_amount),
    net: major(bucket.net_amount),
    disputed: major(bucket.disputed_amount),
    count: bucket.count,
    refund_count: bucket.refund_count,
    dispute_count: bucket.dispute_count,
    fee_rate: bucket.fee_rate,
    refund_rate: bucket.refund_rate,
    dispute_rate: bucket.dispute_rate,
  }));
}

function overviewFileName(overview: Overview, from: string, to: string, period: string): string {
  return `overview-${overview.currency}-${period}-${from}-${to}.csv`;
}

/** CSV when the client prefers it to JSON. */
function wantsCsv(request: Request): boolean {
  return (
    request.accepts(['application/json', 'text/csv']) === 'text/csv' &&
    /text\/csv/.test(request.headers.accept ?? '')
  );
}
