import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, exposed by GET /metrics. */
export const metricsRegistry = new Registry();
let defaultsCollected = false;

export function collectProcessMetrics(serviceName: string): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  metricsRegistry.setDefaultLabels({ service: serviceName });
  collectDefaultMetrics({ register: metricsRegistry });
}

export const eventsConsumedTotal = new Counter({
  name: 'platform_events_consumed_total',
  help: 'Events taken from Kafka, by topic and outcome (applied, duplicate, dead_lettered).',
  labelNames: ['topic', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const eventsPublishedTotal = new Counter({
  name: 'platform_events_published_total',
  help: 'Events published to Kafka by the outbox relay, by topic.',
  labelNames: ['topic'] as const,
  registers: [metricsRegistry],
});

export const eventHandlingSeconds = new Histogram({
  name: 'platform_event_handling_seconds',
  help: 'Time to apply one consumed event, including its database transaction.',
  labelNames: ['topic'] as const,
  buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [metricsRegistry],
});

export const httpRequestSeconds = new Histogram({
  name: 'platform_http_request_seconds',
  help: 'HTTP request duration by method, route and status.',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});
