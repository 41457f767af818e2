import type { VolumeRow } from '../projections/volume/volume-row';

/**
 * One line of the volume report. Amounts are strings of integer minor units of the currency
 * ("10000" USD is 100.00); the currency is lower-case, as in the merchant API.
 */
export function volumeLineView(row: VolumeRow) {
  return {
    merchant: row.merchantId,
    day: row.day,
    currency: row.currency.toLowerCase(),
    payment_method: row.paymentMethod,
    gross_amount: row.grossMinor.toString(),
    fee_amount: row.feeMinor.toString(),
    net_amount: row.netMinor.toString(),
    count: Number(row.captureCount),
  };
}
