import { minorUnitsAsJsonNumber } from '../read-model/payment-resource';
import type { BalanceTransactionStatus, BalanceTransactionType } from '../domain/balance-transactions';
import type { BalanceTransactionEntity } from './balance-transaction.entity';

export interface FeeDetail {
  readonly amount: number;
  readonly currency: string;
  readonly type: 'platform_fee';
  readonly description: string;
}

export interface BalanceTransactionResource {
  readonly id: string;
  readonly object: 'balance_transaction';
  readonly amount: number;
  readonly fee: number;
  readonly fee_details: FeeDetail[];
  readonly net: number;
  readonly currency: string;
  readonly type: BalanceTransactionType;
  readonly status: BalanceTransactionStatus;
  readonly available_on: number | null;
  readonly created: number;
  readonly source: string | null;
  readonly description: string;
  readonly exchange_rate: string | null;
  readonly payout: string | null;
}

const unixSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

export function toBalanceTransactionResource(row: BalanceTransactionEntity): BalanceTransactionResource {
  const currency = row.currency.toLowerCase();
  const fee = minorUnitsAsJsonNumber(row.feeMinor);
  return {
    id: row.id,
    object: 'balance_transaction',
    amount: minorUnitsAsJsonNumber(row.amountMinor),
    fee,
    fee_details:
      fee === 0 ? [] : [{ amount: fee, currency, type: 'platform_fee', description: 'Processing fee' }],
    net: minorUnitsAsJsonNumber(row.netMinor),
    currency,
    type: row.type,
    status: row.status,
    available_on: row.availableOn === null ? null : unixSeconds(row.availableOn),
    created: unixSeconds(row.createdAt),
    source: row.source,
    description: row.description,
    exchange_rate: row.exchangeRate,
    payout: row.payoutId,
  };
}

const CSV_COLUMNS = ['id', 'type', 'source', 'created', 'currency', 'amount', 'fee', 'net'];

/** A field as RFC 4180 wants it; a leading =, +, - or @ is quoted-prefixed so spreadsheets do not run it. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-\d+$/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * A payout's settlement report: one line per balance transaction it paid out, amounts in minor
 * units, and a totals line per currency whose net is the payout amount.
 */
export function reconciliationCsv(rows: readonly BalanceTransactionEntity[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  const totals = new Map<string, { amount: bigint; fee: bigint; net: bigint }>();
  for (const row of rows) {
    const currency = row.currency.toLowerCase();
    lines.push(
      [
        row.id,
        row.type,
        row.source ?? '',
        row.createdAt.toISOString(),
        currency,
        row.amountMinor,
        row.feeMinor,
        row.netMinor,
      ]
        .map((value) => csvField(String(value)))
        .join(','),
    );
    const total = totals.get(currency) ?? { amount: 0n, fee: 0n, net: 0n };
    total.amount += BigInt(row.amountMinor);
    total.fee += BigInt(row.feeMinor);
    total.net += BigInt(row.netMinor);
    totals.set(currency, total);
  }
  for (const [currency, total] of totals) {
    lines.push(['total', '', '', '', currency, total.amount, total.fee, total.net].join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
