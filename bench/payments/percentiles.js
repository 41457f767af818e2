// @ts-check
/** Latency summaries: nearest-rank percentiles over a sample, no interpolation. */

/**
 * @typedef {{ n: number, p50: number | null, p95: number | null, p99: number | null, max: number | null }} Summary
 */

/**
 * The nearest-rank percentile of values sorted ascending: the smallest value with at least p % of
 * the sample at or below it. Null for an empty sample.
 * @param {ArrayLike<number>} sorted
 * @param {number} p 0 < p <= 100
 * @returns {number | null}
 */
function percentile(sorted, p) {
  if (!(p > 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside (0, 100]`);
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return /** @type {number} */ (sorted[rank - 1]);
}

/**
 * @param {ArrayLike<number>} values in any order (not changed)
 * @returns {Summary}
 */
function summarize(values) {
  const sorted = Float64Array.from(values).sort();
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted.length === 0 ? null : /** @type {number} */ (sorted[sorted.length - 1]),
  };
}

module.exports = { percentile, summarize };
