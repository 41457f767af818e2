import type { MigrationInterface, QueryRunner } from 'typeorm';
import {
  createMigratedDatabase,
  createScratchDatabase,
  waitFor,
  type MigratedDatabase,
} from '@platform/testing';
import { createDataSource, runMigrations } from './data-source';
import { PLATFORM_MIGRATIONS } from './migrations';
import { PlatformTables1764000000000 } from './migrations/1764000000000-platform-tables';
import { OutboxPruner } from './outbox-pruner';

const RETENTION_HOURS = 168;

describe('outbox pruner against real Postgres', () => {
  let database: MigratedDatabase;
  const query = <T>(sql: string, parameters: unknown[] = []): Promise<T[]> =>
    database.dataSource.query(sql, parameters);

  /**
   * Inserts `count` outbox rows created 400 h ago; published `publishedHoursAgo` ago (row n a
   * further n seconds earlier, so the ages are distinct), or unpublished when null. Returns ids.
   */
  async function seed(count: number, publishedHoursAgo: number | null): Promise<string[]> {
    const rows = await query<{ id: string }>(
      `INSERT INTO outbox (event_id, event_type, topic, message_key, payload, created_at, published_at)
       SELECT gen_random_uuid(), 'risk.assessed', 'risk.events', 'pay_' || n, '{}'::jsonb,
              now() - interval '400 hours',
              now() - make_interval(hours => $2::int, secs => n)
         FROM generate_series(1, $1::int) AS n
       RETURNING id`,
      [count, publishedHoursAgo ?? 0],
    );
    const ids = rows.map((row) => row.id);
    if (publishedHoursAgo === null)
      await query('UPDATE outbox SET published_at = NULL WHERE id = ANY($1)', [ids]);
    return ids;
  }

  const remainingIds = async () =>
    (await query<{ id: string }>('SELECT id FROM outbox ORDER BY id')).map((row) => row.id);

  beforeAll(async () => {
    database = await createMigratedDatabase('itest_outbox_prune', { entities: [], migrations: [] }, 6);
  });

  afterAll(async () => {
    await database.close();
  });

  beforeEach(async () => {
    await query('TRUNCATE outbox');
  });

  it('deletes published rows past the retention oldest first, a bounded number per pass', async () => {
    const old = await seed(25, RETENTION_HOURS + 1);
    const unpublished = await seed(5, null);
    const recent = await seed(5, RETENTION_HOURS - 1);
    const pruner = new OutboxPruner(database.dataSource, {
      retentionHours: RETENTION_HOURS,
      batchSizeMax: 10,
      batchesPerPassMax: 2,
    });

    expect(await pruner.pruneOnce()).toBe(20);
    // Row n was published n seconds before row n-1: the five published last are left.
    expect(await remainingIds()).toEqual([...old.slice(0, 5), ...unpublished, ...recent]);

    expect(await pruner.pruneOnce()).toBe(5);
    expect(await pruner.pruneOnce()).toBe(0);
    expect(await remainingIds()).toEqual([...unpublished, ...recent]);
  });

  it('plans a pass that finds nothing on the published_at index, not a scan of the table', async () => {
    await seed(10_000, RETENTION_HOURS - 1);
    await query('ANALYZE outbox');
    const plan = await query<{ 'QUERY PLAN': string }>(
      `EXPLAIN SELECT id FROM outbox WHERE published_at < now() - make_interval(hours => 168)
        ORDER BY published_at LIMIT 5000`,
    );
    expect(plan.map((line) => line['QUERY PLAN']).join('\n')).toContain('outbox_published');
  });

  it('lets two pruners run at once: they split the rows and neither fails', async () => {
    const rowCount = 20_000;
    await seed(rowCount, RETENTION_HOURS + 1);
    const kept = await seed(10, RETENTION_HOURS - 1);
    const options = { retentionHours: RETENTION_HOURS, batchSizeMax: 500, batchesPerPassMax: 100 };

    const deleted = await Promise.all([
      new OutboxPruner(database.dataSource, options).pruneOnce(),
      new OutboxPruner(database.dataSource, options).pruneOnce(),
    ]);

    expect(deleted[0] + deleted[1]).toBe(rowCount);
    expect(await remainingIds()).toEqual(kept);
  });

  it('skips a row another transaction holds rather than waiting, and keeps it once it is unpublished', async () => {
    const [held, ...others] = await seed(3, RETENTION_HOURS + 1);
    const pruner = new OutboxPruner(database.dataSource, { retentionHours: RETENTION_HOURS });
    // What the ledger's republish does: hand a published row back to the relay, not yet committed.
    const runner = database.dataSource.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query('UPDATE outbox SET published_at = NULL WHERE id = $1', [held]);

      let prunedWhileHeld: number | undefined;
      void pruner.pruneOnce().then((count) => (prunedWhileHeld = count));
      await waitFor('a prune pass to finish while one of its rows is locked', 10_000, () => prunedWhileHeld);
      expect(prunedWhileHeld).toBe(others.length);

      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
    expect(await pruner.pruneOnce()).toBe(0);
    expect(await remainingIds()).toEqual([held]);
  });
});

/** An app migration dated after the platform's outbox index, as every app has by now. */
class LaterAppTable1764950000000 implements MigrationInterface {
  name = 'LaterAppTable1764950000000';
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE later_app_table (id int)');
  }
  async down(): Promise<void> {}
}

describe('outbox index migration', () => {
  it('is applied to a database migrated before it existed, after later app migrations', async () => {
    const database = await createScratchDatabase('itest_outbox_index');
    const migrateWith = async (migrations: (typeof PLATFORM_MIGRATIONS)[number][]) => {
      const dataSource = createDataSource({
        url: database.url,
        poolSize: 2,
        applicationName: 'outbox-index-test',
        entities: [],
        migrations: [...migrations, LaterAppTable1764950000000],
      });
      await dataSource.initialize();
      try {
        const applied = await runMigrations(dataSource);
        const indexes: { indexname: string }[] = await dataSource.query(
          "SELECT indexname FROM pg_indexes WHERE tablename = 'outbox' ORDER BY indexname",
        );
        return { applied, indexes: indexes.map((row) => row.indexname) };
      } finally {
        await dataSource.destroy();
      }
    };
    try {
      const before = await migrateWith([PlatformTables1764000000000]);
      expect(before.indexes).not.toContain('outbox_published');

      const after = await migrateWith(PLATFORM_MIGRATIONS);
      expect(after.applied).toEqual(['OutboxPublishedIndex1764900000000']);
      expect(after.indexes).toContain('outbox_published');
    } finally {
      await database.drop();
    }
  });
});
