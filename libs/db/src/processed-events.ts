import type { EntityManager } from 'typeorm';

/**
 * Records that a consumer applied an event, in the transaction of its effect. Returns false when
 * the event was already applied: the caller then skips the effect (a redelivery, a duplicate).
 */
export async function markEventProcessed(
  manager: EntityManager,
  consumer: string,
  eventId: string,
): Promise<boolean> {
  const rows: unknown[] = await manager.query(
    'INSERT INTO processed_events (consumer, event_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS inserted',
    [consumer, eventId],
  );
  return rows.length === 1;
}
