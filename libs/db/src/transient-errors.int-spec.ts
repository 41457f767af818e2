import { Client } from 'pg';
import { createScratchDatabase, type ScratchDatabase } from '@platform/testing';
import { createDataSource } from './data-source';
import { isTransientDatabaseError } from './transient-errors';

/** The errors a real server gives when it, not the query, fails: each must be waited out. */
describe('isTransientDatabaseError against real Postgres', () => {
  let database: ScratchDatabase;
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });

  const failureOf = async (work: () => Promise<unknown>): Promise<unknown> => {
    try {
      await work();
    } catch (error) {
      return error;
    }
    throw new Error('expected the work to fail');
  };

  beforeAll(async () => {
    database = await createScratchDatabase('itest_transient');
    await admin.connect();
  });

  afterAll(async () => {
    await admin.query(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS true`);
    await admin.end();
    await database.drop();
  });

  it('counts a database closed to connections (55000) as transient, through TypeORM too', async () => {
    await admin.query(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS false`);
    try {
      const raw = await failureOf(async () => {
        const client = new Client({ connectionString: database.url });
        await client.connect();
      });
      expect((raw as { code?: string }).code).toBe('55000');
      expect(isTransientDatabaseError(raw)).toBe(true);

      const dataSource = createDataSource({
        url: database.url,
        poolSize: 1,
        applicationName: 'transient-test',
        entities: [],
        migrations: [],
      });
      const viaTypeorm = await failureOf(() => dataSource.initialize());
      expect(isTransientDatabaseError(viaTypeorm)).toBe(true);
    } finally {
      await admin.query(`ALTER DATABASE "${database.name}" WITH ALLOW_CONNECTIONS true`);
    }
  });

  it('counts a session terminated by an operator (57P01) and its dead pool as transient', async () => {
    const dataSource = createDataSource({
      url: database.url,
      poolSize: 1,
      applicationName: 'transient-terminated',
      entities: [],
      migrations: [],
    });
    await dataSource.initialize();
    try {
      const runner = dataSource.createQueryRunner();
      await runner.connect();
      const [{ pid }] = (await runner.query('SELECT pg_backend_pid() AS pid')) as [{ pid: number }];
      const running = failureOf(() => runner.query('SELECT pg_sleep(10)'));
      await admin.query('SELECT pg_terminate_backend($1)', [pid]);
      const terminated = await running;
      expect(isTransientDatabaseError(terminated)).toBe(true);
      await runner.release().catch(() => undefined);
    } finally {
      await dataSource.destroy();
    }
  });

  it('counts too many connections (53300) as transient', async () => {
    const role = `${database.name}_limited`;
    await admin.query(`CREATE ROLE "${role}" LOGIN CONNECTION LIMIT 1`);
    const url = new URL(database.url);
    url.username = role;
    const first = new Client({ connectionString: url.toString() });
    await first.connect();
    try {
      const error = await failureOf(async () => {
        const second = new Client({ connectionString: url.toString() });
        await second.connect();
      });
      expect((error as { code?: string }).code).toBe('53300');
      expect(isTransientDatabaseError(error)).toBe(true);
    } finally {
      await first.end();
      await admin.query(`DROP ROLE "${role}"`);
    }
  });

  it('counts a refused connection (nothing listening) as transient', async () => {
    const error = await failureOf(async () => {
      const client = new Client({ connectionString: 'postgres://postgres@127.0.0.1:1/none' });
      await client.connect();
    });
    expect(isTransientDatabaseError(error)).toBe(true);
  });

  it('counts a deadlock (40P01) as transient', async () => {
    const one = new Client({ connectionString: database.url });
    const two = new Client({ connectionString: database.url });
    await Promise.all([one.connect(), two.connect()]);
    try {
      await one.query(
        'CREATE TABLE IF NOT EXISTS locks (id int PRIMARY KEY); INSERT INTO locks VALUES (1), (2) ON CONFLICT DO NOTHING',
      );
      await one.query('BEGIN; UPDATE locks SET id = id WHERE id = 1');
      await two.query('BEGIN; UPDATE locks SET id = id WHERE id = 2');
      const outcomes = await Promise.allSettled([
        one.query('UPDATE locks SET id = id WHERE id = 2'),
        two.query('UPDATE locks SET id = id WHERE id = 1'),
      ]);
      const failed = outcomes.find((outcome) => outcome.status === 'rejected');
      expect((failed?.reason as { code?: string }).code).toBe('40P01');
      expect(isTransientDatabaseError(failed?.reason)).toBe(true);
    } finally {
      await one.query('ROLLBACK').catch(() => undefined);
      await two.query('ROLLBACK').catch(() => undefined);
      await Promise.all([one.end(), two.end()]);
    }
  });

  it('does not count a wrong query or a constraint violation as transient', async () => {
    const client = new Client({ connectionString: database.url });
    await client.connect();
    try {
      const syntax = await failureOf(() => client.query('SELEC 1'));
      expect(isTransientDatabaseError(syntax)).toBe(false);
      await client.query('CREATE TABLE IF NOT EXISTS uniques (id int PRIMARY KEY)');
      await client.query('INSERT INTO uniques VALUES (1) ON CONFLICT DO NOTHING');
      const duplicate = await failureOf(() => client.query('INSERT INTO uniques VALUES (1)'));
      expect(isTransientDatabaseError(duplicate)).toBe(false);
      const badText = await failureOf(() => client.query('SELECT $1::text', ['a\u0000b']));
      expect(isTransientDatabaseError(badText)).toBe(false);
    } finally {
      await client.end();
    }
  });
});
