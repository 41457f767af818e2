// @ts-check
/**
 * Open-loop arrivals at a fixed rate: request i is due at i / rate seconds after the step starts,
 * whatever happened to the requests before it, so a slow platform cannot slow the offered load
 * down (no coordinated omission). Latency is measured from the due time, not the send time.
 */

/** @param {number} ratePerS @param {number} durationS @returns {number} requests in a step */
function plannedCount(ratePerS, durationS) {
  if (!(ratePerS > 0) || !(durationS > 0)) throw new RangeError('rate and duration must be positive');
  return Math.max(1, Math.round(ratePerS * durationS));
}

/** @param {number} index @param {number} ratePerS @returns {number} ms after the step start */
function dueOffsetMs(index, ratePerS) {
  return (index * 1000) / ratePerS;
}

/**
 * How many requests are due by elapsedMs (the first at 0), never more than planned.
 * @param {number} elapsedMs @param {number} ratePerS @param {number} planned
 */
function dueCount(elapsedMs, ratePerS, planned) {
  if (elapsedMs < 0) return 0;
  // The epsilon keeps a request due exactly now from slipping to the next tick by rounding.
  return Math.min(planned, Math.floor((elapsedMs * ratePerS) / 1000 + 1e-9) + 1);
}

/**
 * How long to sleep before the next request is due (0 if it already is); null when all were sent.
 * @param {number} sent @param {number} elapsedMs @param {number} ratePerS @param {number} planned
 * @returns {number | null}
 */
function delayUntilNextMs(sent, elapsedMs, ratePerS, planned) {
  if (sent >= planned) return null;
  return Math.max(0, dueOffsetMs(sent, ratePerS) - elapsedMs);
}

module.exports = { plannedCount, dueOffsetMs, dueCount, delayUntilNextMs };
