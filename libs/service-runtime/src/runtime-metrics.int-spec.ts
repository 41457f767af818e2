import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import { metricsRegistry } from '@platform/telemetry';
import { RuntimeMetricsService } from './runtime-metrics.service';

/** The value of one unlabelled sample (or the sample with these labels) in the registry's text output. */
async function sample(name: string, labels = ''): Promise<number> {
  const text = await metricsRegistry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name}${labels === '' ? ' ' : `{${labels}}`}`));
  if (line === undefined) throw new Error(`no ${name}{${labels}} in\n${text}`);
  return Number(line.split(' ').at(-1));
}

describe('runtime metrics against real Postgres', () => {
  let database: MigratedDatabase;
  let service: RuntimeMetricsService;

  beforeAll(async () => {
    database = await createMigratedDatabase(
      'itest_dash_runtime_metrics',
      { entities: [], migrations: [] },
      4,
    );
    service = new RuntimeMetricsService(database.dataSource);
  });

  afterAll(async () => {
    await service.beforeApplicationShutdown();
    await database.close();
  });

  it('samples the outbox backlog: unpublished rows and the age of the oldest', async () => {
    await database.dataSource.query(
      `INSERT INTO outbox (event_id, event_type, topic, message_key, payload, created_at, published_at)
       SELECT gen_random_uuid(), 'payment.created', 'payments.events', 'pay_' || n, '{}'::jsonb,
              now() - make_interval(secs => 100 - n), CASE WHEN n > 3 THEN now() END
         FROM generate_series(1, 5) AS n`,
    );
    await service.sampleOutbox();
    expect(await sample('platform_outbox_unpublished_rows')).toBe(3);
    const age = await sample('platform_outbox_oldest_unpublished_age_seconds');
    expect(age).toBeGreaterThanOrEqual(99);
    expect(age).toBeLessThan(99 + 600);

    await database.dataSource.query('UPDATE outbox SET published_at = now() WHERE published_at IS NULL');
    await service.sampleOutbox();
    expect(await sample('platform_outbox_unpublished_rows')).toBe(0);
    expect(await sample('platform_outbox_oldest_unpublished_age_seconds')).toBe(0);
  });

  it("reads the connection pool's figures at each scrape", async () => {
    service.onApplicationBootstrap();
    const held = database.dataSource.createQueryRunner();
    await held.connect();
    try {
      expect(await sample('platform_db_pool_max_connections')).toBe(4);
      expect(await sample('platform_db_pool_connections', 'state="in_use"')).toBeGreaterThanOrEqual(1);
      const total = await sample('platform_db_pool_connections', 'state="total"');
      const idle = await sample('platform_db_pool_connections', 'state="idle"');
      expect(total).toBeGreaterThanOrEqual(1);
      expect(await sample('platform_db_pool_connections', 'state="in_use"')).toBe(total - idle);
    } finally {
      await held.release();
    }
  });
});
