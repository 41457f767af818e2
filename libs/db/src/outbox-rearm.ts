import type { EntityManager } from 'typeorm';

/**
 * Marks already published outbox rows unpublished again, inside the caller's transaction, so the
 * relay sends them once more with the same event ids (consumers drop what they already applied).
 * For messages a consumer never got to apply: a command nobody answered. Answers the ids re-armed.
 */
export async function rearmOutboxEvents(
  manager: EntityManager,
  eventIds: readonly string[],
): Promise<string[]> {
  if (eventIds.length === 0) return [];
  const rows: unknown = await manager.query(
    `UPDATE outbox SET published_at = NULL
      WHERE event_id = ANY($1::uuid[]) AND published_at IS NOT NULL
      RETURNING event_id`,
    [eventIds],
  );
  // TypeORM answers an UPDATE ... RETURNING with [rows, affected count].
  const [rearmed = []] = rows as [{ event_id: string }[] | undefined, number];
  // The relay listens for inserts; an update has to wake it itself.
  if (rearmed.length > 0) await manager.query(`SELECT pg_notify('outbox', '')`);
  return rearmed.map((row) => row.event_id);
}
