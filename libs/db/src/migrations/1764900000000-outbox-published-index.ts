import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An index on published_at for the outbox pruner, so a pass that finds nothing old enough reads
 * a few index pages instead of every row of the retention window. Partial: unpublished rows have
 * their own index (outbox_unpublished). A plain build, in the migration's transaction: it holds
 * outbox writes for the seconds it takes, once. CONCURRENTLY would wait for the snapshot of a
 * second instance blocked in runMigrations on the lock this one holds, and never finish.
 */
export class OutboxPublishedIndex1764900000000 implements MigrationInterface {
  name = 'OutboxPublishedIndex1764900000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.query(
      'CREATE INDEX outbox_published ON outbox (published_at) WHERE published_at IS NOT NULL',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX outbox_published');
  }
}
