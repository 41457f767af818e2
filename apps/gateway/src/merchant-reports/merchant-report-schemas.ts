import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { REPORT_COLUMNS, type ReportKind } from '../domain/merchant-reports';

const integer = (description: string): SchemaObject => ({ type: 'integer', description });
const nullable = (schema: SchemaObject): SchemaObject => ({ ...schema, nullable: true });
const minorAmount = integer('Amount in the minor unit of its currency (cents for usd, yen for jpy).');
const currency: SchemaObject = {
  type: 'string',
  pattern: '^[a-z]{3}$',
  description: 'Lower-case ISO 4217 code.',
};

/**
 * Rows of GET /v1/reports/*: one per period, settlement currency and group. Presentment amounts are
 * in `currency` (null when not grouped by currency), settlement amounts in `settlement_currency`.
 */
const reportColumn: Record<string, SchemaObject> = {
  period_start: integer('Unix timestamp in seconds.'),
  period_end: integer('Unix timestamp in seconds, exclusive.'),
  currency: nullable(currency),
  payment_method: nullable({ type: 'string', description: 'card, bank_transfer, wallet or unknown.' }),
  settlement_currency: currency,
  fee_amount: minorAmount,
  net_amount: integer('Settlement gross less fees and refunds, in settlement_currency minor units.'),
  count: integer('Captures.'),
  refund_count: integer('Refunds.'),
  dispute_count: integer('Disputes opened.'),
};
const reportSchema = (kind: ReportKind): SchemaObject => ({
  type: 'object',
  properties: Object.fromEntries(
    REPORT_COLUMNS[kind].map((column) => [
      column,
      reportColumn[column] ?? (column.startsWith('settlement_') ? minorAmount : nullable(minorAmount)),
    ]),
  ),
  required: [...REPORT_COLUMNS[kind]],
  additionalProperties: false,
});
export const MERCHANT_REPORT_SCHEMAS: Record<ReportKind, SchemaObject> = {
  volume: reportSchema('volume'),
  fees: reportSchema('fees'),
  refunds: reportSchema('refunds'),
  disputes: reportSchema('disputes'),
};
