import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource, EntityManager } from 'typeorm';
import type { OverviewRows, VolumeSums } from '../domain/overview';
import type { VolumeSumsLine } from '../domain/report-figures';
import { generationSchema } from '../projections/generations/generation-schema';

export type Period = 'day' | 'week' | 'month';

export interface Page {
  readonly limit: number;
  readonly offset: number;
}

export interface PeriodFilter {
  readonly from?: string;
  readonly to?: string;
  readonly timeZone: string;
  readonly period: Period;
  readonly merchantId?: string;
  readonly currency?: string;
}

export interface VolumeFilter extends PeriodFilter {
  readonly settlementCurrency?: string;
  readonly paymentMethod?: string;
  readonly byMerchant: boolean;
  readonly byMethod: boolean;
}

export interface AsOf {
  readonly generation: number;
  readonly contiguousSequence: string;
  readonly lastSequence: string;
  readonly eventsApplied: string;
  /** When the generation last applied an entry. */
  readonly updatedAt: string | null;
}

export interface OverviewFilter {
  readonly from: string;
  readonly to: string;
  /** The range of the same length just before, for comparisons. */
  readonly previousFrom: string;
  readonly timeZone: string;
  readonly period: 'hour' | 'day' | 'week' | 'month';
  readonly merchantId?: string;
  /** Upper case, a settlement currency; the mix across currencies ignores it. */
  readonly currency?: string;
  readonly paymentMethod?: string;
}

interface SumsLine {
  currency: string;
  gross_minor: string;
  fee_minor: string;
  refunded_minor: string;
  disputed_minor: string;
  capture_count: string;
  refund_count: string;
  dispute_count: string;
}

// The overview is in the currency the merchant is paid in: every amount of a line in one currency.
const SUMS_SQL = `settlement_currency::text AS currency, sum(settlement_gross_minor)::text AS gross_minor,
  sum(fee_minor)::text AS fee_minor, sum(settlement_refunded_minor)::text AS refunded_minor,
  sum(settlement_disputed_minor)::text AS disputed_minor,
  sum(capture_count)::text AS capture_count, sum(refund_count)::text AS refund_count,
  sum(dispute_count)::text AS dispute_count`;

function toSums(line: SumsLine): VolumeSums {
  return {
    currency: line.currency,
    grossMinor: BigInt(line.gross_minor),
    feeMinor: BigInt(line.fee_minor),
    refundedMinor: BigInt(line.refunded_minor),
    disputedMinor: BigInt(line.disputed_minor),
    captureCount: BigInt(line.capture_count),
    refundCount: BigInt(line.refund_count),
    disputeCount: BigInt(line.dispute_count),
  };
}

/** A volume line as the repository reads it: the domain's summed line. */
export type VolumeLine = VolumeSumsLine;

export interface BalanceLine {
  account_code: string;
  account_type: string;
  currency: string;
  merchant_id: string;
  debit_minor: string;
  credit_minor: string;
  posting_count: string;
  last_sequence: string;
}

export interface FeeLine {
  period_start: string;
  currency: string;
  merchant: string | null;
  revenue_minor: string;
  entry_count: string;
}

class Conditions {
  readonly sql: string[] = [];
  constructor(readonly values: unknown[]) {}
  add(template: string, value: unknown): void {
    this.values.push(value);
    this.sql.push(template.replace('?', `$${this.values.length}`));
  }
  where(): string {
    return this.sql.length === 0 ? '' : `WHERE ${this.sql.join(' AND ')}`;
  }
}

/**
 * Reads the active generation of the projections. The pointer and the rows are read in one
 * repeatable-read transaction, so a swap in between cannot mix two generations in one answer.
 */
@Injectable()
export class ReportsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async volume(filter: VolumeFilter, page: Page): Promise<{ asOf: AsOf | null; rows: VolumeLine[] }> {
    return this.inActive(async (manager, schema) => {
      const conditions = new Conditions([filter.timeZone]);
      this.periodConditions(conditions, filter);
      if (filter.settlementCurrency !== undefined) {
        conditions.add('settlement_currency = ?', filter.settlementCurrency);
      }
      if (filter.paymentMethod !== undefined) conditions.add('payment_method = ?', filter.paymentMethod);
      const period = `(date_trunc('${filter.period}', bucket AT TIME ZONE $1))::date::text`;
      const merchant = filter.byMerchant ? 'merchant_id' : 'NULL::text';
      const method = filter.byMethod ? 'payment_method' : 'NULL::text';
      conditions.values.push(page.limit, page.offset);
      const count = conditions.values.length;
      // Grouped by both currencies: presentment sums and settlement sums are never mixed.
      return manager.query<VolumeLine[]>(
        `SELECT ${period} AS period_start, ${merchant} AS merchant, currency::text AS currency,
                settlement_currency::text AS settlement_currency, ${method} AS payment_method,
                sum(gross_minor)::text AS gross_minor, sum(refunded_minor)::text AS refunded_minor,
                sum(settlement_gross_minor)::text AS settlement_gross_minor, sum(fee_minor)::text AS fee_minor,
                sum(settlement_refunded_minor)::text AS settlement_refunded_minor,
                sum(capture_count)::text AS capture_count, sum(refund_count)::text AS refund_count
           FROM ${schema}.volume ${conditions.where()}
          GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5 LIMIT $${count - 1} OFFSET $${count}`,
        conditions.values,
      );
    });
  }

  async fees(
    filter: PeriodFilter & { byMerchant: boolean },
    page: Page,
  ): Promise<{ asOf: AsOf | null; rows: FeeLine[] }> {
    return this.inActive(async (manager, schema) => {
      const conditions = new Conditions([filter.timeZone]);
      this.periodConditions(conditions, filter);
      const period = `(date_trunc('${filter.period}', bucket AT TIME ZONE $1))::date::text`;
      const merchant = filter.byMerchant ? 'merchant_id' : 'NULL::text';
      conditions.values.push(page.limit, page.offset);
      const count = conditions.values.length;
      return manager.query<FeeLine[]>(
        `SELECT ${period} AS period_start, currency::text AS currency, ${merchant} AS merchant,
                sum(revenue_minor)::text AS revenue_minor, sum(entry_count)::text AS entry_count
           FROM ${schema}.fees ${conditions.where()}
          GROUP BY 1, 2, 3 ORDER BY 1, 2, 3 LIMIT $${count - 1} OFFSET $${count}`,
        conditions.values,
      );
    });
  }

  async balances(
    filter: { merchantId?: string; currency?: string; accountType?: string },
    page: Page,
  ): Promise<{ asOf: AsOf | null; rows: BalanceLine[] }> {
    return this.inActive(async (manager, schema) => {
      const conditions = new Conditions([]);
      if (filter.merchantId !== undefined) conditions.add('merchant_id = ?', filter.merchantId);
      if (filter.currency !== undefined) conditions.add('currency = ?', filter.currency);
      if (filter.accountType !== undefined) conditions.add('account_type = ?', filter.accountType);
      conditions.values.push(page.limit, page.offset);
      const count = conditions.values.length;
      return manager.query<BalanceLine[]>(
        `SELECT account_code, account_type, currency::text AS currency, merchant_id, debit_minor::text AS debit_minor,
                credit_minor::text AS credit_minor, posting_count::text AS posting_count,
                last_sequence::text AS last_sequence
           FROM ${schema}.balances ${conditions.where()}
          ORDER BY account_code LIMIT $${count - 1} OFFSET $${count}`,
        conditions.values,
      );
    });
  }

  /** Every figure of the overview from one snapshot of the active generation; null rows before one exists. */
  async overview(filter: OverviewFilter): Promise<{ asOf: AsOf | null; rows: OverviewRows | null }> {
    const { asOf, rows } = await this.inActive(async (manager, schema) => {
      const grouped = async (
        groupSql: string,
        options: { allCurrencies?: boolean; from?: string; to?: string },
      ) => {
        const conditions = new Conditions([filter.timeZone]);
        this.periodConditions(conditions, {
          ...filter,
          from: options.from ?? filter.from,
          to: options.to ?? filter.to,
          currency: undefined,
        });
        if (options.allCurrencies !== true && filter.currency !== undefined) {
          conditions.add('settlement_currency = ?', filter.currency);
        }
        if (filter.paymentMethod !== undefined) conditions.add('payment_method = ?', filter.paymentMethod);
        const group = groupSql === '' ? '' : `${groupSql} AS grouped, `;
        return manager.query<(SumsLine & { grouped?: string })[]>(
          `SELECT ${group}${SUMS_SQL} FROM ${schema}.volume ${conditions.where()}
            GROUP BY ${groupSql === '' ? '1' : '1, 2'} ORDER BY 1${groupSql === '' ? '' : ', 2'}`,
          conditions.values,
        );
      };
      const period =
        filter.period === 'hour'
          ? `to_char(date_trunc('hour', bucket AT TIME ZONE $1), 'YYYY-MM-DD"T"HH24:00')`
          : `(date_trunc('${filter.period}', bucket AT TIME ZONE $1))::date::text`;
      const previousTo = new Date(Date.parse(`${filter.from}T00:00:00Z`) - 86_400_000)
        .toISOString()
        .slice(0, 10);
      const [series, methods, currencies, merchants, previous] = [
        await grouped(period, {}),
        await grouped('payment_method', {}),
        await grouped('', { allCurrencies: true }),
        await grouped('merchant_id', {}),
        await grouped('', { from: filter.previousFrom, to: previousTo }),
      ];
      const overviewRows: OverviewRows = {
        series: series.map((line) => ({ ...toSums(line), periodStart: line.grouped ?? '' })),
        methods: methods.map((line) => ({ ...toSums(line), paymentMethod: line.grouped ?? '' })),
        currencies: currencies.map(toSums),
        merchants: merchants
          .filter((line) => line.grouped !== '')
          .map((line) => ({ ...toSums(line), merchant: line.grouped ?? '' })),
        previous: previous.map(toSums),
      };
      return [overviewRows];
    });
    return { asOf, rows: rows[0] ?? null };
  }

  private periodConditions(
    conditions: Conditions,
    filter: Pick<PeriodFilter, 'from' | 'to' | 'merchantId' | 'currency'>,
  ): void {
    // Days are calendar days in the requested time zone: [from 00:00, to + 1 day 00:00).
    if (filter.from !== undefined)
      conditions.add('bucket >= (?::date)::timestamp AT TIME ZONE $1', filter.from);
    if (filter.to !== undefined) {
      conditions.add('bucket < ((?::date + 1)::timestamp AT TIME ZONE $1)', filter.to);
    }
    if (filter.merchantId !== undefined) conditions.add('merchant_id = ?', filter.merchantId);
    if (filter.currency !== undefined) conditions.add('currency = ?', filter.currency);
  }

  private async inActive<T>(
    read: (manager: EntityManager, schema: string) => Promise<T[]>,
  ): Promise<{ asOf: AsOf | null; rows: T[] }> {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      const [active] = await manager.query<{ generation: number }[]>(
        `SELECT generation FROM projection_generations WHERE status = 'active'`,
      );
      if (active === undefined) return { asOf: null, rows: [] };
      const schema = generationSchema(active.generation);
      const [checkpoint] = await manager.query<
        { contiguous_sequence: string; last_sequence: string; events_applied: string; updated_at: Date }[]
      >(
        `SELECT contiguous_sequence::text, last_sequence::text, events_applied::text, updated_at
           FROM ${schema}.checkpoint WHERE id = 1`,
      );
      return {
        asOf: {
          generation: active.generation,
          contiguousSequence: checkpoint?.contiguous_sequence ?? '0',
          lastSequence: checkpoint?.last_sequence ?? '0',
          eventsApplied: checkpoint?.events_applied ?? '0',
          updatedAt: checkpoint?.updated_at.toISOString() ?? null,
        },
        rows: await read(manager, schema),
      };
    });
  }
}
