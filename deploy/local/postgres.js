// @ts-check
/** The machine's PostgreSQL cluster (trust auth on 127.0.0.1): start it if needed, create databases. */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');

const READY_LIMIT_MS = 30_000;
const DATABASE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

function connection() {
  return {
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'postgres',
    database: 'postgres',
  };
}

/** @returns {boolean} whether pg_isready gets an answer */
function isPostgresReady() {
  const { host, port } = connection();
  return spawnSync('pg_isready', ['-q', '-h', host, '-p', String(port)]).status === 0;
}

/** Starts the installed Debian cluster when nothing answers; pg_ctlcluster drops root to the postgres user. */
async function ensurePostgres() {
  if (isPostgresReady()) return false;
  const versions = fs.existsSync('/etc/postgresql') ? fs.readdirSync('/etc/postgresql') : [];
  const version = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (version === undefined) {
    const { host, port } = connection();
    throw new Error(`PostgreSQL does not answer on ${host}:${port} and no cluster exists in /etc/postgresql`);
  }
  console.log(`Starting PostgreSQL ${version}...`);
  const start = spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
    encoding: 'utf8',
  });
  if (start.status !== 0) throw new Error(`pg_ctlcluster ${version} main start failed:\n${start.stderr}`);
  const deadline = Date.now() + READY_LIMIT_MS;
  while (!isPostgresReady()) {
    if (Date.now() > deadline)
      throw new Error(`PostgreSQL ${version} not ready after ${READY_LIMIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return true;
}

/** @template T @param {(client: import('pg').Client) => Promise<T>} work @returns {Promise<T>} */
async function withAdminClient(work) {
  const { Client } = require('pg');
  const client = new Client(connection());
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** @param {string[]} names */
function checkNames(names) {
  const invalid = names.filter((name) => !DATABASE_NAME.test(name));
  if (invalid.length > 0) throw new Error(`Invalid database names: ${invalid.join(', ')}`);
}

/**
 * Creates the databases that do not exist yet.
 * @param {string[]} names
 * @returns {Promise<string[]>} the databases created now
 */
async function ensureDatabases(names) {
  checkNames(names);
  return withAdminClient(async (client) => {
    const { rows } = await client.query('SELECT datname FROM pg_database WHERE datname = ANY($1)', [names]);
    const existing = new Set(rows.map((row) => row.datname));
    const missing = names.filter((name) => !existing.has(name));
    // CREATE DATABASE takes no parameters; the names are checked against DATABASE_NAME above.
    for (const name of missing) await client.query(`CREATE DATABASE "${name}"`);
    return missing;
  });
}

/**
 * Drops (disconnecting any session) and creates the databases: a clean slate for a test run.
 * @param {string[]} names
 */
async function recreateDatabases(names) {
  checkNames(names);
  await withAdminClient(async (client) => {
    for (const name of names) {
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await client.query(`CREATE DATABASE "${name}"`);
    }
  });
}

module.exports = { isPostgresReady, ensurePostgres, ensureDatabases, recreateDatabases };
