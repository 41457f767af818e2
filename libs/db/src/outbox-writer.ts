import type { EntityManager } from 'typeorm';
import { EVENT_CATALOGUE, parseEvent, type EventEnvelope, type EventType } from '@platform/contracts';
import { currentTraceHeaders } from '@platform/telemetry';

/**
 * Appends events to the outbox inside the caller's transaction: they are published if and only
 * if the state change they describe commits. Each is validated against its contract first.
 */
export async function appendToOutbox(
  manager: EntityManager,
  events: readonly EventEnvelope<EventType>[],
): Promise<void> {
  if (events.length === 0) return;
  const traceHeaders = currentTraceHeaders();
  const values: unknown[] = [];
  const rows: string[] = [];
  for (const event of events) {
    parseEvent(event);
    const base = values.length;
    rows.push(`($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6})`);
    values.push(
      event.id,
      event.type,
      EVENT_CATALOGUE[event.type].topic.name,
      event.aggregateId,
      JSON.stringify(event),
      JSON.stringify(traceHeaders),
    );
  }
  await manager.query(
    `INSERT INTO outbox (event_id, event_type, topic, message_key, payload, headers) VALUES ${rows.join(', ')}`,
    values,
  );
}

/**
 * The port a use case writes its outgoing events through, inside its transaction. OutboxWriter is
 * the real one; a unit test passes a recording one (libs/testing RecordingOutbox) instead of a
 * database, so no test has to read the outbox's SQL.
 */
export interface TransactionalOutbox {
  append(manager: EntityManager, events: readonly EventEnvelope<EventType>[]): Promise<void>;
}

/** Writes to the outbox table with appendToOutbox; PlatformModule provides it to every service. */
export class OutboxWriter implements TransactionalOutbox {
  append(manager: EntityManager, events: readonly EventEnvelope<EventType>[]): Promise<void> {
    return appendToOutbox(manager, events);
  }
}

/** An event to append with the trace context it continues. */
export interface TracedEvent {
  /** Built by createEvent, which validated it against its contract. */
  readonly event: EventEnvelope<EventType>;
  /** The trace context the event continues (its source event's consumer span). */
  readonly traceHeaders: Readonly<Record<string, string>>;
}

/**
 * appendToOutbox with a trace context per event instead of the active one, in one statement: a
 * consumer that applies many source events in one batch (the ledger) keeps each outgoing event the
 * child of its own source event's span. The events are not validated again: createEvent did. The rows go as one JSON array: Postgres reads it about twice
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
