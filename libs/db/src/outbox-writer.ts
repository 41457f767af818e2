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
