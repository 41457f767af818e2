#!/usr/bin/env node
// @ts-check
/**
 * Runs one app's database migrations and exits, so a deployment can migrate before it rolls out
 * (a compose one-shot service, a Kubernetes Job): `node deploy/migrate.js <app>`, or APP=<app>.
 * It reads DATABASE_URL the way the app does (same default, same validation) and applies the
 * platform tables first, then every migration the built app ships in apps/<app>/dist/migrations,
 * under the same advisory lock as the app's own start, so running both at once is safe.
 */
const fs = require('node:fs');
const path = require('node:path');

const APPS = ['gateway', 'payments', 'risk', 'ledger', 'reporting'];
/** @type {Record<string, number>} */
const DEFAULT_PORTS = { gateway: 3000, payments: 3001, risk: 3002, ledger: 3003, reporting: 3004 };
const EXIT_CONFIG = 78;
const ROOT = path.resolve(__dirname, '..');

/** @param {unknown} value @returns {value is Function} */
function isMigrationClass(value) {
  return typeof value === 'function' && typeof value.prototype?.up === 'function';
}

/**
 * Every migration class the app's migrations folder exports, alone or in an array: the folder is
 * the app's migration history, whichever file (index or not) gathers it into the module's list.
 * @param {string} app
 * @returns {Function[]}
 */
function appMigrations(app) {
  const dir = path.join(ROOT, 'apps', app, 'dist', 'migrations');
  if (!fs.existsSync(dir)) throw new Error(`${dir} is missing: build the app first`);
  /** @type {Set<Function>} */
  const found = new Set();
  for (const file of fs.readdirSync(dir).filter((name) => name.endsWith('.js'))) {
    for (const value of Object.values(require(path.join(dir, file)))) {
      const candidates = Array.isArray(value) ? value : [value];
      for (const candidate of candidates) if (isMigrationClass(candidate)) found.add(candidate);
    }
  }
  if (found.size === 0) throw new Error(`no migration found in ${dir}`);
  return [...found];
}

/** @param {string} app @param {NodeJS.ProcessEnv} env @returns {Promise<string[]>} names applied now */
async function migrate(app, env) {
  const { z } = require('zod');
  const { loadConfig, serviceEnvShape } = require('@platform/config');
  const db = require('@platform/db');
  const shape = serviceEnvShape({ port: DEFAULT_PORTS[app] ?? 0, database: `platform_${app}` });
  const config = loadConfig(`${app} migrate`, z.object({ DATABASE_URL: shape.DATABASE_URL }), env);
  // As at the app's start: a role without CREATEDB just skips this.
  await db.ensureDatabaseExists(config.DATABASE_URL).catch(() => undefined);
  const dataSource = db.createDataSource({
    url: config.DATABASE_URL,
    // runMigrations holds its lock on one connection and migrates on another.
    poolSize: 2,
    applicationName: `${app}-migrate`,
    entities: [],
    migrations: [...db.PLATFORM_MIGRATIONS, ...appMigrations(app)],
  });
  await dataSource.initialize();
  try {
    return await db.runMigrations(dataSource);
  } finally {
    await dataSource.destroy();
  }
}

async function main() {
  const app = process.argv[2] ?? process.env.APP ?? '';
  if (!APPS.includes(app)) {
    process.stderr.write(`usage: node deploy/migrate.js <${APPS.join('|')}> (or APP=<app>)\n`);
    return EXIT_CONFIG;
  }
  try {
    const applied = await migrate(app, process.env);
    process.stdout.write(`${JSON.stringify({ service: app, migrationsApplied: applied })}\n`);
    return 0;
  } catch (error) {
    if (error instanceof Error && error.name === 'ConfigError') {
      process.stderr.write(`${error.message}\n`);
      return EXIT_CONFIG;
    }
    throw error;
  }
}

if (require.main === module) {
  main().then(
    (status) => process.exit(status),
    (error) => {
      process.stderr.write(`migration failed: ${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}

module.exports = { APPS, appMigrations };
