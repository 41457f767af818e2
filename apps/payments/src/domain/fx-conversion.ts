/**
 * Currency conversion for cross-border payments. A rate table is versioned configuration: each
 * payment records the rate and the table version it was converted with, so the same rate is used
 * for its authorization and every capture, and the ledger can show where a figure came from.
 * Pure: integers and decimal strings only, never a float.
 */
import { AMOUNT_MINOR_MAX, convertMinor, isKnownCurrency, type FxRateTable } from '@platform/money';

export {
  DEFAULT_FX_RATE_TABLE,
  PAIR_PATTERN,
  RATE_PATTERN,
  convertMinor,
  rateTableProblems,
  type FxRateTable,
} from '@platform/money';

/** The rate a payment is converted with, as stored on it and carried on its events. */
export interface FxQuote {
  readonly settlementCurrency: string;
  readonly rate: string;
  readonly rateVersion: string;
}

export type FxErrorCode = 'unknown_currency' | 'same_currency' | 'pair_not_in_table' | 'amount_out_of_range';

export interface FxError {
  readonly kind: 'fx_error';
  readonly code: FxErrorCode;
  readonly message: string;
}

export function isFxError(value: unknown): value is FxError {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'fx_error';
}

const fxError = (code: FxErrorCode, message: string): FxError => ({ kind: 'fx_error', code, message });

/** The rate for converting `from` into `to`, or why there is none. */
export function quoteFor(table: FxRateTable, from: string, to: string): FxQuote | FxError {
  if (!isKnownCurrency(from) || !isKnownCurrency(to)) {
    return fxError('unknown_currency', `${from} or ${to} is not an ISO 4217 currency`);
  }
  if (from === to) return fxError('same_currency', `${from} needs no conversion`);
  const rate = table.rates[`${from}:${to}`];
  if (rate === undefined) {
    return fxError('pair_not_in_table', `the FX rate table ${table.version} has no ${from}:${to} rate`);
  }
  return { settlementCurrency: to, rate, rateVersion: table.version };
}

/** Converts with a quote, refusing a result the platform cannot hold (zero or over 18 digits). */
export function settlementAmountFor(amountMinor: bigint, currency: string, quote: FxQuote): bigint | FxError {
  const converted = convertMinor(amountMinor, currency, quote.settlementCurrency, quote.rate);
  if (converted <= 0n || converted > AMOUNT_MINOR_MAX) {
    return fxError(
      'amount_out_of_range',
      `${amountMinor} ${currency} converts to ${converted} ${quote.settlementCurrency} minor units`,
    );
  }
  return converted;
}
