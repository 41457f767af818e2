/**
 * The merchant event types the gateway records (GET /v1/events) and can deliver to webhook
 * endpoints: the one list the endpoint API validates against and the OpenAPI schema names.
 * A type recorded by the read-model updater and missing here could never be subscribed to alone.
 */
export const WEBHOOK_EVENT_TYPES = [
  'payment.created',
  'payment.requires_action',
  'payment.authorized',
  'payment.captured',
  'payment.canceled',
  'payment.failed',
  'refund.succeeded',
  'refund.failed',
  'payout.paid',
  'payout.failed',
  'dispute.opened',
  'dispute.updated',
  'dispute.closed',
  'review.opened',
  'review.closed',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Subscribes an endpoint to every type, present and future. */
export const ALL_WEBHOOK_EVENTS = '*';

/** What `enabled_events` may hold. */
export const ENABLED_EVENT_VALUES: readonly string[] = [ALL_WEBHOOK_EVENTS, ...WEBHOOK_EVENT_TYPES];
