/** Report arithmetic on integers only: money is never a float, and neither is a rate built from it. */

/** numerator / denominator as a decimal string with `places` digits, rounded half up; null for 0/0. */
export function ratio(numerator: bigint, denominator: bigint, places = 4): string | null {
  if (denominator === 0n) return null;
  if (numerator < 0n || denominator < 0n) throw new RangeError('ratio of negative counts');
  const scale = 10n ** BigInt(places);
  const scaled = (numerator * scale * 2n + denominator) / (denominator * 2n);
  const whole = scaled / scale;
  const fraction = (scaled % scale).toString().padStart(places, '0');
  return places === 0 ? whole.toString() : `${whole}.${fraction}`;
}

/** Net to the merchant: what was captured, less fees and refunds. */
export function netMinor(grossMinor: bigint, feeMinor: bigint, refundedMinor: bigint): bigint {
  return grossMinor - feeMinor - refundedMinor;
}

/** RFC 4180 CSV: a header line, then one line per row, CRLF; fields quoted when they must be. */
export function toCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  const field = (value: unknown): string => {
    const text =
      value === null || value === undefined
        ? ''
        : typeof value === 'object'
          ? JSON.stringify(value)
          : String(value as string | number | bigint | boolean);
    // A leading =, +, - or @ would be run as a formula by spreadsheets; quote-prefix it.
    const safe =
      /^[=+@\t\r]/.test(text) || (/^-/.test(text) && !/^-\d+(\.\d+)?$/.test(text)) ? `'${text}` : text;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  const lines = [columns.map(field).join(',')];
  for (const row of rows) lines.push(columns.map((column) => field(row[column])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
