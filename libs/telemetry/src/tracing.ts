import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Context,
  type Span,
} from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { FileSpanExporter } from './file-span-exporter';

export interface TracingOptions {
  readonly serviceName: string;
  readonly exporter: 'none' | 'otlp' | 'file';
  readonly otlpEndpoint?: string;
  readonly filePath?: string;
}

export interface TracingHandle {
  shutdown(): Promise<void>;
}

/**
 * Registers the global tracer provider and the W3C propagator. With exporter 'none' spans are
 * still created, so trace context keeps flowing across Kafka to services that do export.
 */
let activeProvider: NodeTracerProvider | null = null;

export function initTracing(options: TracingOptions): TracingHandle {
  const spanProcessors: SpanProcessor[] = [];
  if (options.exporter === 'otlp') {
    const url = `${(options.otlpEndpoint ?? 'http://127.0.0.1:4318').replace(/\/$/, '')}/v1/traces`;
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url })));
  } else if (options.exporter === 'file') {
    if (options.filePath === undefined) throw new Error('the file trace exporter needs a file path');
    spanProcessors.push(
      new BatchSpanProcessor(new FileSpanExporter(options.filePath), { scheduledDelayMillis: 200 }),
    );
  }
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }),
    spanProcessors,
  });
  provider.register();
  activeProvider = provider;
  return { shutdown: () => provider.shutdown() };
}

/** Flushes and stops the provider initTracing registered, if any (at service shutdown). */
export async function shutdownTracing(): Promise<void> {
  const provider = activeProvider;
  activeProvider = null;
  await provider?.shutdown();
}

const TRACER_NAME = '@platform/telemetry';

/** Headers carrying the active trace context (traceparent, tracestate). */
export function currentTraceHeaders(activeContext: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(activeContext, carrier);
  return carrier;
}

/** The trace context carried by message headers (Kafka gives Buffers). */
export function contextFromHeaders(headers: Record<string, unknown>): Context {
  const carrier: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value === 'string') carrier[key] = value;
    else if (Buffer.isBuffer(value)) carrier[key] = value.toString('utf8');
  }
  return propagation.extract(context.active(), carrier);
}

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly parent?: Context;
  readonly attributes?: Record<string, string | number | boolean>;
}

/** Runs fn inside a new active span; records an exception and ends the span either way. */
export async function withSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const tracer = trace.getTracer(TRACER_NAME);
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(
    name,
    { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

export { SpanKind };
