import { context, trace, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { NextFunction, Request, Response } from 'express';
import { contextFromHeaders, httpRequestSeconds } from '@platform/telemetry';

const UNTRACED_PATHS = /^\/(health|metrics)\b/;

/**
 * Opens a server span around each request, continuing the caller's trace when it sent one, so
 * that the events the request writes to the outbox carry its trace context on to Kafka.
 */
export function httpTelemetryMiddleware(request: Request, response: Response, next: NextFunction): void {
  if (UNTRACED_PATHS.test(request.path)) {
    next();
    return;
  }
  const stopTimer = httpRequestSeconds.startTimer({ method: request.method });
  const parent = contextFromHeaders(request.headers);
  const span = trace
    .getTracer('@platform/service-runtime')
    .startSpan(
      `${request.method} ${request.path}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method } },
      parent,
    );
  response.once('finish', () => {
    const route = (request.route as { path?: string } | undefined)?.path ?? 'unmatched';
    span.updateName(`${request.method} ${route}`);
    span.setAttributes({ 'http.route': route, 'http.response.status_code': response.statusCode });
    if (response.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    stopTimer({ route, status: String(response.statusCode) });
  });
  context.with(trace.setSpan(parent, span), next);
}
