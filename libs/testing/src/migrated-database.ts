import type { DataSource } from 'typeorm';
import { PLATFORM_MIGRATIONS, createDataSource, runMigrations, type DataSourceSettings } from '@platform/db';
import { createScratchDatabase, type ScratchDatabase } from './scratch-database';

export interface MigratedDatabase {
  readonly database: ScratchDatabase;
  readonly dataSource: DataSource;
  /** Closes the data source and drops the database. */
  close(): Promise<void>;
}

/**
 * A scratch database migrated the way a service migrates its own (platform tables first), with a
 * data source on it: what an app's integration test starts from.
 */
export async function createMigratedDatabase(
  prefix: string,
  schema: Pick<DataSourceSettings, 'entities' | 'migrations'>,
  poolSize = 10,
): Promise<MigratedDatabase> {
  const database = await createScratchDatabase(prefix);
  const dataSource = createDataSource({
    url: database.url,
    poolSize,
    applicationName: prefix,
    entities: schema.entities,
    migrations: [...PLATFORM_MIGRATIONS, ...(schema.migrations as unknown[] as typeof PLATFORM_MIGRATIONS)],
  });
  await dataSource.initialize();
  await runMigrations(dataSource);
  return {
    database,
    dataSource,
    close: async () => {
      await dataSource.destroy();
      await database.drop();
    },
  };
}
