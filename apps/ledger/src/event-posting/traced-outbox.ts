import type { EntityManager } from 'typeorm';
import { EVENT_CATALOGUE, type EventEnvelope, type EventType } from '@platform/contracts';

export interface TracedEvent {
  /** Built by createEvent, which validated it against its contract. */
  readonly event: EventEnvelope<EventType>;
  /** The trace context the event continues (its source event's consumer span). */
  readonly traceHeaders: Readonly<Record<string, string>>;
}

/**
 * appendToOutbox (@platform/db) with a trace context per event instead of the active one, in one
 * statement: a batch posts many source events at once, and each outgoing event stays the child
 * of its own source event's span. The rows go as one JSON array: Postgres reads it about twice
 * as fast as a jsonb[] parameter, whose every payload the driver escapes into an array literal.
 */
export async function appendTracedToOutbox(
  manager: EntityManager,
  rows: readonly TracedEvent[],
): Promise<void> {
  if (rows.length === 0) return;
  const outbox = rows.map(({ event, traceHeaders }) => ({
    eventId: event.id,
    eventType: event.type,
    topic: EVENT_CATALOGUE[event.type].topic.name,
    messageKey: event.aggregateId,
    payload: event,
    headers: traceHeaders,
  }));
  await manager.query(
    `INSERT INTO outbox (event_id, event_type, topic, message_key, payload, headers)
     SELECT (row->>'eventId')::uuid, row->>'eventType', row->>'topic', row->>'messageKey', row->'payload', row->'headers'
       FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS rows(row, position)
      ORDER BY position`,
    [JSON.stringify(outbox)],
  );
}
