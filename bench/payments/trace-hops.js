// @ts-check
/**
 * Where a payment's time goes, from the services' span files (libs/telemetry FileSpanExporter).
 * The generator sends each request with a W3C traceparent whose trace id names its step and its
 * sequence number, so the gateway's server span, and every consumer span downstream (the trace
 * context travels in Kafka headers), can be read back per step without matching by time.
 */
const { summarize } = require('./percentiles');

const TRACE_ID_TAG = 'b0';
const SPAN_KIND_SERVER = 1;
const SPAN_KIND_CONSUMER = 4;

/**
 * The hops of a card payment, in path order. A hop is the first consumer span of `service`
 * handling `eventType` (or, where the service's spans do not name the event, anything from
 * `topic`) in the payment's trace; `after`, when given, requires its parent span to be that hop's
 * span (the ledger posts an entry for the authorization too).
 * @typedef {{ id: string, label: string, service: string, eventType?: string, topic?: string,
 *   after?: string }} Hop
 * @type {readonly Hop[]}
 */
const PAYMENT_HOPS = Object.freeze([
  {
    id: 'payments:payment.create',
    label: 'gateway POST → payments (payment.create)',
    service: 'payments',
    eventType: 'payment.create',
  },
  {
    id: 'risk:payment.created',
    label: 'payments → risk (payment.created)',
    service: 'risk',
    eventType: 'payment.created',
  },
  {
    id: 'payments:risk.assessed',
    label: 'risk → payments (risk.assessed)',
    service: 'payments',
    eventType: 'risk.assessed',
  },
  {
    id: 'ledger:payment.captured',
    label: 'payments → ledger (payment.captured)',
    service: 'ledger',
    eventType: 'payment.captured',
  },
  {
    id: 'reporting:ledger.entry_posted',
    label: 'ledger → reporting (capture entry_posted)',
    service: 'reporting',
    // Reporting's spans name the topic but not the event type.
    topic: 'ledger.events',
    after: 'ledger:payment.captured',
  },
  {
    id: 'gateway:payment.captured',
    label: 'payments.events → gateway read model (payment.captured)',
    service: 'gateway',
    eventType: 'payment.captured',
  },
]);

/**
 * @typedef {{ traceId: string, spanId: string, parentSpanId: string | null, kind: number,
 *   service: string, eventType: string | null, topic: string | null, startUs: number,
 *   durationUs: number }} Span
 */

/** @param {number} value @param {number} width */
function hex(value, width) {
  return value.toString(16).padStart(width, '0');
}

/**
 * The trace id of request `sequence` of step `step`: tag, step (2 hex digits), sequence (28).
 * @param {number} step 0..255 @param {number} sequence
 */
function traceIdFor(step, sequence) {
  if (!Number.isInteger(step) || step < 0 || step > 255) throw new RangeError(`step ${step} out of 0..255`);
  return `${TRACE_ID_TAG}${hex(step, 2)}${hex(sequence, 28)}`;
}

/** @param {number} step @param {number} sequence @returns {string} a traceparent header, sampled */
function traceparentFor(step, sequence) {
  // The parent span id only has to be non-zero; it is the generator's (unrecorded) client span.
  return `00-${traceIdFor(step, sequence)}-${hex(sequence + 1, 16)}-01`;
}

/**
 * @param {string} traceId
 * @returns {{ step: number, sequence: number } | null} null for a trace the generator did not start
 */
function parseTraceId(traceId) {
  if (traceId.length !== 32 || !traceId.startsWith(TRACE_ID_TAG)) return null;
  const step = parseInt(traceId.slice(2, 4), 16);
  const sequence = parseInt(traceId.slice(4), 16);
  return Number.isNaN(step) || Number.isNaN(sequence) ? null : { step, sequence };
}

/**
 * The trace id of one span-file line, read without parsing the JSON (files hold millions of lines).
 * @param {string} line
 */
function traceIdOfLine(line) {
  const marker = '"traceId":"';
  const at = line.indexOf(marker);
  return at < 0 ? null : line.slice(at + marker.length, at + marker.length + 32);
}

/**
 * The fields the hops need from one parsed span-file record.
 * @param {any} record
 * @returns {Span}
 */
function spanOf(record) {
  const eventType = record.attributes?.['event.type'];
  const topic = record.attributes?.['messaging.destination.name'];
  return {
    traceId: String(record.traceId),
    spanId: String(record.spanId),
    parentSpanId: record.parentSpanId ?? null,
    kind: Number(record.kind),
    service: String(record.service),
    eventType: typeof eventType === 'string' ? eventType : null,
    topic: typeof topic === 'string' ? topic : null,
    startUs: Number(record.startTimeUs),
    durationUs: Number(record.durationUs),
  };
}

/**
 * @typedef {{ sincePostMs: number, lagMs: number | null, handleMs: number }} HopTiming
 *   sincePostMs: from the gateway's server span start; lagMs: from the end of the span that wrote
 *   the event (its transaction commits right after) to this span's start: outbox relay, Kafka and
 *   the consumer's fetch (null when that span is the gateway's server span, or was not found);
 *   handleMs: this span's own duration.
 * @typedef {{ answerMs: number, hops: Record<string, HopTiming> }} TraceTiming
 */

/**
 * @param {readonly Span[]} spans of one trace
 * @param {readonly Hop[]} hops
 * @returns {TraceTiming | null} null without the gateway's server span
 */
function traceTiming(spans, hops = PAYMENT_HOPS) {
  const root = spans.find((span) => span.kind === SPAN_KIND_SERVER && span.service === 'gateway');
  if (root === undefined) return null;
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  /** @type {Map<string, Span>} */
  const found = new Map();
  /** @type {Record<string, HopTiming>} */
  const timings = {};
  for (const hop of hops) {
    const required = hop.after === undefined ? undefined : found.get(hop.after);
    if (hop.after !== undefined && required === undefined) continue;
    let first = /** @type {Span | undefined} */ (undefined);
    for (const span of spans) {
      if (span.kind !== SPAN_KIND_CONSUMER || span.service !== hop.service) continue;
      if (hop.eventType !== undefined && span.eventType !== hop.eventType) continue;
      if (hop.topic !== undefined && span.topic !== hop.topic) continue;
      if (required !== undefined && span.parentSpanId !== required.spanId) continue;
      if (first === undefined || span.startUs < first.startUs) first = span;
    }
    if (first === undefined) continue;
    found.set(hop.id, first);
    const parent = first.parentSpanId === null ? undefined : byId.get(first.parentSpanId);
    timings[hop.id] = {
      sincePostMs: (first.startUs - root.startUs) / 1000,
      // The gateway's server span goes on (the settle wait) after its commit: no lag from its end.
      lagMs:
        parent === undefined || parent.kind === SPAN_KIND_SERVER
          ? null
          : (first.startUs - (parent.startUs + parent.durationUs)) / 1000,
      handleMs: first.durationUs / 1000,
    };
  }
  return { answerMs: root.durationUs / 1000, hops: timings };
}

/**
 * Per hop, percentiles over the traces that reached it.
 * @param {readonly TraceTiming[]} timings
 * @param {readonly Hop[]} hops
 */
function summarizeHops(timings, hops = PAYMENT_HOPS) {
  return {
    traces: timings.length,
    answer: summarize(timings.map((t) => t.answerMs)),
    hops: hops.map((hop) => {
      const seen = timings.flatMap((t) => {
        const timing = t.hops[hop.id];
        return timing === undefined ? [] : [timing];
      });
      const lags = seen.flatMap((t) => (t.lagMs === null ? [] : [t.lagMs]));
      return {
        id: hop.id,
        label: hop.label,
        sincePost: summarize(seen.map((t) => t.sincePostMs)),
        lag: summarize(lags),
        handle: summarize(seen.map((t) => t.handleMs)),
      };
    }),
  };
}

module.exports = {
  PAYMENT_HOPS,
  traceIdFor,
  traceparentFor,
  parseTraceId,
  traceIdOfLine,
  spanOf,
  traceTiming,
  summarizeHops,
};
