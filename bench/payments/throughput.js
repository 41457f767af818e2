// @ts-check
/** Settled throughput over time and when a load step counts as saturated. */

/**
 * @typedef {{ atMs: number, count: number }} CountSample a cumulative count read at a time
 * @typedef {{ ratePerS: number, fromMs: number, toMs: number, windowMs: number, full: boolean }} SustainedRate
 */

/**
 * The best average rate over any stretch of at least windowMs between two samples (series in time
 * order). A series shorter than the window gives its whole span, with full = false.
 * @param {readonly CountSample[]} series
 * @param {number} windowMs
 * @returns {SustainedRate | null} null with fewer than two samples
 */
function bestSustainedRate(series, windowMs) {
  if (series.length < 2) return null;
  const first = /** @type {CountSample} */ (series[0]);
  const last = /** @type {CountSample} */ (series[series.length - 1]);
  if (last.atMs - first.atMs < windowMs) {
    const spanMs = last.atMs - first.atMs;
    if (spanMs <= 0) return null;
    return {
      ratePerS: ((last.count - first.count) * 1000) / spanMs,
      fromMs: first.atMs,
      toMs: last.atMs,
      windowMs: spanMs,
      full: false,
    };
  }
  /** @type {SustainedRate | null} */
  let best = null;
  let end = 0;
  for (let start = 0; start < series.length; start += 1) {
    const from = /** @type {CountSample} */ (series[start]);
    while (end < series.length && /** @type {CountSample} */ (series[end]).atMs - from.atMs < windowMs)
      end += 1;
    if (end >= series.length) break;
    const to = /** @type {CountSample} */ (series[end]);
    const ratePerS = ((to.count - from.count) * 1000) / (to.atMs - from.atMs);
    if (best === null || ratePerS > best.ratePerS) {
      best = { ratePerS, fromMs: from.atMs, toMs: to.atMs, windowMs: to.atMs - from.atMs, full: true };
    }
  }
  return best;
}

/**
 * Limits past which a step is clearly saturated and the next, higher one would only measure a queue.
 * Named so the report can print them.
 */
const SATURATION = Object.freeze({
  answeredShareMin: 0.9,
  finalShareMin: 0.9,
  errorShareMax: 0.01,
});

/**
 * Why a step is saturated, or null when it is not.
 * @param {{ offeredPerS: number, answeredPerS: number, sent: number, final: number, errors: number,
 *   drained: boolean }} step
 * @returns {string | null}
 */
function saturationReason(step) {
  if (step.sent === 0) return null;
  /** @param {number} share */
  const percent = (share) => `${(share * 100).toFixed(1)} %`;
  if (step.answeredPerS < SATURATION.answeredShareMin * step.offeredPerS) {
    return `answered ${step.answeredPerS.toFixed(1)}/s of ${step.offeredPerS.toFixed(1)}/s offered`;
  }
  if (step.final / step.sent < SATURATION.finalShareMin) {
    return `only ${percent(step.final / step.sent)} answered with a final status`;
  }
  if (step.errors / step.sent > SATURATION.errorShareMax) return `${percent(step.errors / step.sent)} errors`;
  if (!step.drained) return 'the backlog did not drain within the limit';
  return null;
}

module.exports = { bestSustainedRate, saturationReason, SATURATION };
