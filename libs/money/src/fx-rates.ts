/**
 * FX rate tables: versioned configuration of "FROM:TO" rates as decimal strings, and conversion
 * of integer minor units between currencies of different exponents. Payments converts a
 * cross-border payment with one; reporting converts its figures into one reporting currency.
 * Pure: integers and decimal strings only, never a float.
 */
import { z } from 'zod';
import { currencyExponent, isKnownCurrency } from './money';

/** "1.0842": a positive decimal as the contracts carry it (up to 12 integer and 12 fraction digits). */
export const RATE_PATTERN = /^(0|[1-9][0-9]{0,11})(\.[0-9]{1,12})?$/;
/** "EUR:USD": one unit of EUR buys `rate` units of USD. */
export const PAIR_PATTERN = /^([A-Z]{3}):([A-Z]{3})$/;

export interface FxRateTable {
  readonly version: string;
  /** Keyed "FROM:TO"; only the pairs listed exist (no inverse or cross rate is derived). */
  readonly rates: Readonly<Record<string, string>>;
}

/**
 * The default table (version 2026-11-25): every pair of USD, EUR, GBP, JPY, CNY, SGD, HKD and AUD,
 * six significant digits, cross rates computed from USD once, written out so none is derived at run time.
 */
export const DEFAULT_FX_RATE_TABLE: FxRateTable = Object.freeze({
  version: '2026-11-25',
  // prettier-ignore
  rates: Object.freeze({
    'USD:EUR': '0.922339', 'USD:GBP': '0.790514', 'USD:JPY': '151.2', 'USD:CNY': '7.245', 'USD:SGD': '1.342', 'USD:HKD': '7.81', 'USD:AUD': '1.52672',
    'EUR:USD': '1.0842', 'EUR:GBP': '0.857075', 'EUR:JPY': '163.931', 'EUR:CNY': '7.85503', 'EUR:SGD': '1.455', 'EUR:HKD': '8.4676', 'EUR:AUD': '1.65527',
    'GBP:USD': '1.265', 'GBP:EUR': '1.16676', 'GBP:JPY': '191.268', 'GBP:CNY': '9.16492', 'GBP:SGD': '1.69763', 'GBP:HKD': '9.87965', 'GBP:AUD': '1.9313',
    'JPY:USD': '0.00661376', 'JPY:EUR': '0.00610013', 'JPY:GBP': '0.00522827', 'JPY:CNY': '0.0479167', 'JPY:SGD': '0.00887566', 'JPY:HKD': '0.0516534', 'JPY:AUD': '0.0100973',
    'CNY:USD': '0.138026', 'CNY:EUR': '0.127307', 'CNY:GBP': '0.109112', 'CNY:JPY': '20.8696', 'CNY:SGD': '0.185231', 'CNY:HKD': '1.07798', 'CNY:AUD': '0.210727',
    'SGD:USD': '0.745156', 'SGD:EUR': '0.687287', 'SGD:GBP': '0.589057', 'SGD:JPY': '112.668', 'SGD:CNY': '5.39866', 'SGD:HKD': '5.81967', 'SGD:AUD': '1.13764',
    'HKD:USD': '0.128041', 'HKD:EUR': '0.118097', 'HKD:GBP': '0.101218', 'HKD:JPY': '19.3598', 'HKD:CNY': '0.927657', 'HKD:SGD': '0.171831', 'HKD:AUD': '0.195482',
    'AUD:USD': '0.655', 'AUD:EUR': '0.604132', 'AUD:GBP': '0.517787', 'AUD:JPY': '99.036', 'AUD:CNY': '4.74547', 'AUD:SGD': '0.87901', 'AUD:HKD': '5.11555',
  }),
});

/** What is wrong with a rate table (for the config check at boot); empty when it is usable. */
export function rateTableProblems(table: FxRateTable): string[] {
  const problems: string[] = [];
  for (const [pair, rate] of Object.entries(table.rates)) {
    const match = PAIR_PATTERN.exec(pair);
    if (match === null) {
      problems.push(`${pair}: a pair is written FROM:TO, e.g. EUR:USD`);
      continue;
    }
    const [, from = '', to = ''] = match;
    if (!isKnownCurrency(from) || !isKnownCurrency(to)) problems.push(`${pair}: unknown currency`);
    if (from === to) problems.push(`${pair}: converts a currency into itself`);
    if (!RATE_PATTERN.test(rate) || /^0(\.0+)?$/.test(rate)) {
      problems.push(`${pair}: the rate must be a positive decimal string, got ${JSON.stringify(rate)}`);
    }
  }
  return problems;
}

/** "1.0842" → 10842n over 10^4. */
function parseRate(rate: string): { readonly units: bigint; readonly scale: number } {
  if (!RATE_PATTERN.test(rate)) throw new RangeError(`not a decimal rate: ${JSON.stringify(rate)}`);
  const [whole = '0', fraction = ''] = rate.split('.');
  return { units: BigInt(`${whole}${fraction}`), scale: fraction.length };
}

/**
 * amountMinor of `from` × rate, in minor units of `to`, rounded half away from zero. The exponents
 * differ across currencies (JPY 0, USD 2, KWD 3), so 10 000 JPY at 0.00661376 is 6 613.76 cents →
 * 6 614; 100.00 USD at 151.2 is 15 120 JPY.
 */
export function convertMinor(amountMinor: bigint, from: string, to: string, rate: string): bigint {
  const { units, scale } = parseRate(rate);
  const numerator = amountMinor * units * 10n ** BigInt(currencyExponent(to));
  const denominator = 10n ** BigInt(scale + currencyExponent(from));
  const negative = numerator < 0n;
  const magnitude = negative ? -numerator : numerator;
  const rounded = (magnitude * 2n + denominator) / (denominator * 2n);
  return negative ? -rounded : rounded;
}

/** A rate table as a service's configuration carries it (JSON {version, rates}), checked whole. */
export const fxRateTableSchema = z
  .object({ version: z.string().min(1).max(50), rates: z.record(z.string(), z.string()) })
  .strict()
  .superRefine((table, context) => {
    for (const problem of rateTableProblems(table)) {
      context.addIssue({ code: z.ZodIssueCode.custom, message: problem });
    }
  });
