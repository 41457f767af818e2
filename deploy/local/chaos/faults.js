// @ts-check
/**
 * The faults a chaos run injects into its own platform: SIGKILL of a service (its supervisor restarts it),
 * SIGKILL of the run's own broker and its restart, a database closed to connections (only the run's own
 * databases), and a stalled service (SIGSTOP, then SIGCONT). Each records when it began, when it was
 * undone and when the platform answered again.
 */
const kafka = require('../kafka');
const services = require('../services');
const { describeFault } = require('./plan');

const RECOVERY_LIMIT_MS = 180_000;
const RECOVERY_POLL_MS = 250;

/**
 * @typedef {import('./plan').Fault} Fault
 * @typedef {import('./plan').ScheduledFault} ScheduledFault
 * @typedef {import('./plan').ServiceName} ServiceName
 * @typedef {{ stateDir: string, ports: Record<ServiceName, number>, databases: Record<ServiceName, string>,
 *   databasePrefix: string, broker: { port: number, controllerPort: number } }} Target
 * @typedef {{ description: string, scheduled: ScheduledFault, startedAtMs: number, undoneAtMs: number | null,
 *   recoveredAtMs: number | null, recoveryMs: number | null, restartedInMs: number | null, note: string }} FaultRecord
 *   recoveryMs: from the injection until the service it hit (every service, for the broker) answered /health
 */

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** @template T @param {(client: import('pg').Client) => Promise<T>} work @returns {Promise<T>} */
async function withAdminClient(work) {
  const { Client } = require('pg');
  const client = new Client({
    host: process.env.PGHOST ?? '127.0.0.1',
    port: Number(process.env.PGPORT ?? 5432),
    user: process.env.PGUSER ?? 'postgres',
    database: 'postgres',
  });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Opens or closes a database of the run to new connections; closing also ends the open ones.
 * @param {string} database @param {string} prefix @param {boolean} allow
 */
async function setConnectionsAllowed(database, prefix, allow) {
  // The one guard that keeps an outage away from databases the run did not create.
  if (!database.startsWith(prefix) || !/^[a-z0-9_]+$/.test(database)) {
    throw new Error(`refusing to touch database ${database}: not one of this run's (${prefix}*)`);
  }
  await withAdminClient(async (client) => {
    await client.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS ${allow ? 'true' : 'false'}`);
    if (!allow) {
      await client.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [database],
      );
    }
  });
}

/** @param {Target} target @param {readonly ServiceName[]} names @returns {Promise<boolean>} */
async function allHealthy(target, names) {
  const answers = await Promise.all(names.map((name) => services.isHealthy(target.ports[name])));
  return answers.every(Boolean);
}

/**
 * @param {Target} target @param {readonly ServiceName[]} names
 * @returns {Promise<number | null>} when (Date.now()) they all answered /health, null past the limit
 */
async function waitHealthy(target, names) {
  const deadline = Date.now() + RECOVERY_LIMIT_MS;
  while (Date.now() < deadline) {
    if (await allHealthy(target, names)) return Date.now();
    await sleep(RECOVERY_POLL_MS);
  }
  return null;
}

/**
 * @param {Target} target @param {ServiceName} name @param {number} startedAt
 * @returns {Promise<number | null>} ms from startedAt until a new pid
 */
async function waitRespawned(target, name, startedAt) {
  const deadline = Date.now() + RECOVERY_LIMIT_MS;
  while (Date.now() < deadline) {
    if (services.servicePid(name, target.stateDir) !== null) return Date.now() - startedAt;
    await sleep(50);
  }
  return null;
}

/**
 * Processes stopped by a stall still running when the run is interrupted, and databases still closed:
 * undone by `undoAll` on the way out whatever happened.
 */
const pendingUndo = new Map();

/** @param {ScheduledFault} scheduled @param {number} startedAtMs @param {string} note @returns {FaultRecord} */
function newRecord(scheduled, startedAtMs, note) {
  return {
    description: describeFault(scheduled.fault),
    scheduled,
    startedAtMs,
    undoneAtMs: null,
    recoveredAtMs: null,
    recoveryMs: null,
    restartedInMs: null,
    note,
  };
}

/**
 * Injects one fault, holds it, undoes it and waits until every service answers /health again.
 * @param {Target} target
 * @param {ScheduledFault} scheduled
 * @param {() => number} now ms since the run started
 * @returns {Promise<FaultRecord>}
 */
async function inject(target, scheduled, now) {
  const { fault } = scheduled;
  const record = newRecord(scheduled, now(), '');
  const startedAt = Date.now();
  switch (fault.kind) {
    case 'kill': {
      const killed = await services.killService(fault.target, 'SIGKILL', target.stateDir);
      if (!killed) record.note = `${fault.target} was not running`;
      record.undoneAtMs = now();
      record.restartedInMs = await waitRespawned(target, fault.target, startedAt);
      break;
    }
    case 'broker': {
      const pid = kafka.kafkaPid(target.broker);
      if (pid === null) throw new Error('the run does not own a running broker to kill');
      process.kill(pid, 'SIGKILL');
      await sleep(fault.downMs);
      const restarted = await kafka.startKafka(target.broker);
      record.undoneAtMs = now();
      record.restartedInMs = Date.now() - startedAt;
      record.note = `broker ready ${restarted.readyMs} ms after its restart`;
      break;
    }
    case 'db': {
      const database = target.databases[fault.target];
      const undo = () => setConnectionsAllowed(database, target.databasePrefix, true);
      pendingUndo.set(`db:${database}`, undo);
      await setConnectionsAllowed(database, target.databasePrefix, false);
      await sleep(fault.durationMs);
      await undo();
      pendingUndo.delete(`db:${database}`);
      record.undoneAtMs = now();
      break;
    }
    case 'stall': {
      const pid = services.servicePid(fault.target, target.stateDir);
      if (pid === null) {
        record.note = `${fault.target} was not running`;
        break;
      }
      const resume = async () => {
        try {
          process.kill(pid, 'SIGCONT');
        } catch {
          // Killed meanwhile (an overlapping fault): its supervisor started a new one.
        }
      };
      pendingUndo.set(`stall:${pid}`, resume);
      process.kill(pid, 'SIGSTOP');
      await sleep(fault.durationMs);
      await resume();
      pendingUndo.delete(`stall:${pid}`);
      record.undoneAtMs = now();
      break;
    }
  }
  // A broker outage concerns every service; any other fault the one it hit.
  const hit = fault.kind === 'broker' ? services.SERVICE_NAMES : [fault.target];
  const healthyAt = await waitHealthy(target, hit);
  if (healthyAt !== null) {
    record.recoveredAtMs = now() - (Date.now() - healthyAt);
    record.recoveryMs = healthyAt - startedAt;
  } else record.note += ` not healthy ${RECOVERY_LIMIT_MS / 1000} s later`;
  return record;
}

/** Undoes whatever fault is still in force (an interrupted run must not leave a database closed). */
async function undoAll() {
  for (const [name, undo] of pendingUndo) {
    await undo().catch((/** @type {unknown} */ error) =>
      console.error(`undoing ${name} failed: ${String(error)}`),
    );
    pendingUndo.delete(name);
  }
}

/**
 * Runs the schedule: each fault at its time (overlapping ones run side by side), until the schedule ends
 * or `shouldStop` says the load is over.
 * @param {Target} target
 * @param {ScheduledFault[]} schedule
 * @param {() => number} now
 * @param {(record: FaultRecord) => void} onDone
 */
async function runSchedule(target, schedule, now, onDone) {
  /** @type {Promise<void>[]} */
  const running = [];
  for (const scheduled of schedule) {
    const waitMs = scheduled.atMs - now();
    if (waitMs > 0) await sleep(waitMs);
    running.push(
      inject(target, scheduled, now).then(onDone, (error) =>
        onDone(
          newRecord(
            scheduled,
            now(),
            `injection failed: ${error instanceof Error ? error.message : String(error)}`,
          ),
        ),
      ),
    );
  }
  await Promise.all(running);
}

module.exports = { inject, runSchedule, undoAll, setConnectionsAllowed, waitHealthy };
