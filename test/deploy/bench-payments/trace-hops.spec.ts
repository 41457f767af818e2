import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { context, trace, SpanKind } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { FileSpanExporter } from '@platform/telemetry';
import {
  PAYMENT_HOPS,
  parseTraceId,
  spanOf,
  summarizeHops,
  traceIdFor,
  traceIdOfLine,
  traceparentFor,
  traceTiming,
  type Span,
} from '../../../bench/payments/trace-hops';

const TRACE = traceIdFor(3, 41);
const HEADERS = {
  get: (carrier: Record<string, string>, key: string) => carrier[key],
  keys: (carrier: Record<string, string>) => Object.keys(carrier),
};

function span(fields: Partial<Span> & Pick<Span, 'spanId' | 'service' | 'startUs' | 'durationUs'>): Span {
  return { traceId: TRACE, parentSpanId: null, kind: 4, eventType: null, topic: null, ...fields };
}

/** One card payment as the services record it, times in microseconds from the POST. */
const PAYMENT: Span[] = [
  span({ spanId: 'post', kind: 1, service: 'gateway', startUs: 0, durationUs: 120_000 }),
  span({
    spanId: 'create',
    parentSpanId: 'post',
    service: 'payments',
    eventType: 'payment.create',
    startUs: 10_000,
    durationUs: 3_000,
  }),
  span({
    spanId: 'assess',
    parentSpanId: 'create',
    service: 'risk',
    eventType: 'payment.created',
    startUs: 20_000,
    durationUs: 2_000,
  }),
  span({
    spanId: 'ledger-created',
    parentSpanId: 'create',
    service: 'ledger',
    eventType: 'payment.created',
    startUs: 21_000,
    durationUs: 100,
  }),
  span({
    spanId: 'process',
    parentSpanId: 'assess',
    service: 'payments',
    eventType: 'risk.assessed',
    startUs: 30_000,
    durationUs: 5_000,
  }),
  span({
    spanId: 'ledger-auth',
    parentSpanId: 'process',
    service: 'ledger',
    eventType: 'payment.authorized',
    startUs: 40_000,
    durationUs: 100,
  }),
  span({
    spanId: 'ledger-capture',
    parentSpanId: 'process',
    service: 'ledger',
    eventType: 'payment.captured',
    startUs: 41_000,
    durationUs: 100,
  }),
  // The entry posted for the authorization reaches reporting first; the hop is the capture's.
  // Reporting's spans name only the topic.
  span({
    spanId: 'report-auth',
    parentSpanId: 'ledger-auth',
    service: 'reporting',
    topic: 'ledger.events',
    startUs: 50_000,
    durationUs: 1_000,
  }),
  span({
    spanId: 'report-capture',
    parentSpanId: 'ledger-capture',
    service: 'reporting',
    topic: 'ledger.events',
    startUs: 60_000,
    durationUs: 1_000,
  }),
  span({
    spanId: 'read-model',
    parentSpanId: 'process',
    service: 'gateway',
    eventType: 'payment.captured',
    startUs: 100_000,
    durationUs: 4_000,
  }),
];

describe('trace ids of the generator', () => {
  it('name the step and sequence, and read back', () => {
    expect(TRACE).toHaveLength(32);
    expect(parseTraceId(TRACE)).toEqual({ step: 3, sequence: 41 });
    expect(parseTraceId('4bf92f3577b34da6a3ce929d0e0e4736')).toBeNull();
    expect(() => traceIdFor(256, 1)).toThrow(RangeError);
  });

  it('travel in a valid, sampled W3C traceparent', () => {
    const header = traceparentFor(3, 41);
    expect(header).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    const extracted = new W3CTraceContextPropagator().extract(
      context.active(),
      { traceparent: header },
      HEADERS,
    );
    expect(trace.getSpanContext(extracted)?.traceId).toBe(TRACE);
  });
});

describe('hops of one payment', () => {
  it('times every hop from the POST, from the span that wrote its event, and its own handling', () => {
    const timing = traceTiming(PAYMENT);
    expect(timing?.answerMs).toBe(120);
    expect(timing?.hops['payments:payment.create']).toEqual({ sincePostMs: 10, lagMs: null, handleMs: 3 });
    expect(timing?.hops['risk:payment.created']).toEqual({ sincePostMs: 20, lagMs: 7, handleMs: 2 });
    expect(timing?.hops['payments:risk.assessed']).toEqual({ sincePostMs: 30, lagMs: 8, handleMs: 5 });
    expect(timing?.hops['ledger:payment.captured']).toEqual({ sincePostMs: 41, lagMs: 6, handleMs: 0.1 });
    expect(timing?.hops['reporting:ledger.entry_posted']).toEqual({
      sincePostMs: 60,
      lagMs: 18.9,
      handleMs: 1,
    });
    expect(timing?.hops['gateway:payment.captured']).toEqual({ sincePostMs: 100, lagMs: 65, handleMs: 4 });
  });

  it('leaves out hops whose spans are missing, and the lag of a span whose parent is missing', () => {
    const partial = PAYMENT.filter((s) => s.spanId !== 'ledger-capture' && s.spanId !== 'assess');
    const timing = traceTiming(partial);
    expect(timing?.hops['ledger:payment.captured']).toBeUndefined();
    expect(timing?.hops['reporting:ledger.entry_posted']).toBeUndefined();
    expect(timing?.hops['payments:risk.assessed']).toEqual({ sincePostMs: 30, lagMs: null, handleMs: 5 });
    expect(traceTiming(PAYMENT.filter((s) => s.kind !== 1))).toBeNull();
  });

  it('summarizes per hop over the traces that reached it', () => {
    const later = PAYMENT.map((s) => ({ ...s, startUs: s.startUs * 2 }));
    const summary = summarizeHops([traceTiming(PAYMENT)!, traceTiming(later)!]);
    expect(summary.traces).toBe(2);
    expect(summary.hops.map((h) => h.id)).toEqual(PAYMENT_HOPS.map((h) => h.id));
    const risk = summary.hops.find((h) => h.id === 'risk:payment.created');
    expect(risk?.sincePost).toEqual({ n: 2, p50: 20, p95: 40, p99: 40, max: 40 });
  });
});

describe('span files as libs/telemetry writes them', () => {
  it('give the trace id without parsing and every field the hops need', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-spans-')), 'traces.jsonl');
    const provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'service.name': 'risk' }),
      spanProcessors: [new SimpleSpanProcessor(new FileSpanExporter(file))],
    });
    const remote = new W3CTraceContextPropagator().extract(
      context.active(),
      { traceparent: traceparentFor(3, 41) },
      HEADERS,
    );
    provider
      .getTracer('test')
      .startSpan(
        'payments.events process',
        {
          kind: SpanKind.CONSUMER,
          attributes: { 'event.type': 'payment.created', 'messaging.destination.name': 'payments.events' },
        },
        remote,
      )
      .end();
    await provider.forceFlush();
    const [line] = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(traceIdOfLine(line!)).toBe(TRACE);
    const parsed = spanOf(JSON.parse(line!));
    expect(parsed).toMatchObject({
      traceId: TRACE,
      kind: 4,
      service: 'risk',
      eventType: 'payment.created',
      topic: 'payments.events',
    });
    expect(parsed.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
    expect(parsed.startUs).toBeGreaterThan(0);
    expect(Number.isFinite(parsed.durationUs)).toBe(true);
    await provider.shutdown();
  });
});
