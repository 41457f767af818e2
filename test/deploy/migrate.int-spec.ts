import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';
import { createScratchDatabase, type ScratchDatabase } from '@platform/testing';
import { APPS, ROOT, type AppName } from './deploy-files';

const MIGRATE_LIMIT_MS = 60_000;

/** `node deploy/migrate.js <app>` as the image runs it: exit status and output. */
function runMigrate(app: string, env: NodeJS.ProcessEnv) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'deploy', 'migrate.js'), app], {
      env: { PATH: process.env.PATH, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), MIGRATE_LIMIT_MS);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/**
 * Migration class names and the tables their `up` leaves behind (created, minus those a later
 * `up` drops), read from the migration sources in timestamp order.
 */
function sourceMigrations(app: AppName): { names: string[]; tables: string[] } {
  const dirs = [
    path.join(ROOT, 'libs', 'db', 'src', 'migrations'),
    path.join(ROOT, 'apps', app, 'src', 'migrations'),
  ];
  const files = dirs
    .flatMap((dir) =>
      fs
        .readdirSync(dir)
        .filter((name) => /^\d+-.+\.ts$/.test(name))
        .map((name) => ({ dir, name })),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  const names: string[] = [];
  const tables = new Set<string>();
  for (const { dir, name } of files) {
    const source = fs.readFileSync(path.join(dir, name), 'utf8');
    names.push(
      ...[...source.matchAll(/export class (\w+) implements MigrationInterface/g)].map((m) => m[1] ?? ''),
    );
    const downAt = source.indexOf('async down(');
    const up = source.slice(source.indexOf('async up('), downAt === -1 ? undefined : downAt);
    for (const [, verb, table] of up.matchAll(/(CREATE|DROP) TABLE (?:IF (?:NOT )?EXISTS )?(\w+)/g)) {
      if (verb === 'CREATE') tables.add(table ?? '');
      else tables.delete(table ?? '');
    }
  }
  return { names: names.sort(), tables: [...tables].sort() };
}

describe('deploy/migrate.js', () => {
  const databases: ScratchDatabase[] = [];
  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });

  it.each(APPS)(
    'migrates an empty %s database to the app schema, then has nothing left to do',
    async (app) => {
      const database = await createScratchDatabase(`deploy_migrate_${app}`);
      databases.push(database);
      const expected = sourceMigrations(app);
      expect(expected.names.length).toBeGreaterThan(1);

      const first = await runMigrate(app, { DATABASE_URL: database.url });
      expect(first.stderr).toBe('');
      expect(first.status).toBe(0);
      const report = JSON.parse(first.stdout) as { service: string; migrationsApplied: string[] };
      expect(report.migrationsApplied.sort()).toEqual(expected.names);

      const client = new Client({ connectionString: database.url });
      await client.connect();
      try {
        const tables = await client.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
        );
        const present = tables.rows.map((row) => row.table_name);
        expect(present).toEqual(expect.arrayContaining(expected.tables));
        const recorded = await client.query<{ name: string }>('SELECT name FROM schema_migrations');
        expect(recorded.rows.map((row) => row.name).sort()).toEqual(expected.names);
      } finally {
        await client.end();
      }

      const second = await runMigrate(app, { DATABASE_URL: database.url });
      expect(second.status).toBe(0);
      expect(JSON.parse(second.stdout)).toEqual({ service: app, migrationsApplied: [] });
    },
  );

  it('refuses an unknown app or a bad DATABASE_URL with the configuration exit status', async () => {
    const unknown = await runMigrate('billing', {});
    expect(unknown.status).toBe(78);
    expect(unknown.stderr).toContain('usage: node deploy/migrate.js');
    const badUrl = await runMigrate('ledger', { DATABASE_URL: 'mysql://somewhere/ledger' });
    expect(badUrl.status).toBe(78);
    expect(badUrl.stderr).toMatch(/^\s+DATABASE_URL: /m);
  });
});
