// @ts-check
/** Runs the five services as detached Node processes and tracks them with pid files. */
const { spawn } = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');
const { readSupervisorState, supervisorPidFile, supervisorStateFile } = require('./supervisor');

const ROOT = path.resolve(__dirname, '..', '..');
const DEFAULT_STATE_DIR = path.join(ROOT, '.local');
const HEALTH_LIMIT_MS = 60_000;
const HEALTH_POLL_MS = 250;
const STOP_GRACE_MS = 10_000;
const LOG_TAIL_LINES = 40;
const SPAWN_LIMIT_MS = 10_000;
const SUPERVISOR = path.join(__dirname, 'supervisor.js');
/** The supervisor stops its service within its own grace period; a little more before it is killed itself. */
const SUPERVISOR_STOP_GRACE_MS = STOP_GRACE_MS + 5_000;

/** @typedef {'gateway' | 'payments' | 'risk' | 'ledger' | 'reporting'} ServiceName */
/** @type {readonly ServiceName[]} */
const SERVICE_NAMES = ['gateway', 'payments', 'risk', 'ledger', 'reporting'];
const DEFAULT_PORTS = { gateway: 3000, payments: 3001, risk: 3002, ledger: 3003, reporting: 3004 };

/**
 * @typedef {Record<ServiceName, number>} ServicePorts
 * @typedef {Record<ServiceName, string>} ServiceDatabases
 * @typedef {{ ADMIN_TOKEN: string, ANALYST_TOKEN: string, VAULT_KEYS: string, VAULT_ACTIVE_KEY_ID: string,
 *   CARD_FINGERPRINT_SECRET: string, RISK_KEY_HASH_SECRET: string, METRICS_TOKEN: string }} Secrets
 * @typedef {Record<ServiceName, { env: Record<string, string>, port: number, logFile: string, pidFile: string }>} Launches
 * @typedef {{ namespace: string, ports: ServicePorts, databases: ServiceDatabases, secrets: Secrets,
 *   stateDir: string, logDir: string, brokers?: string[], extraEnv?: Record<string, string>,
 *   only?: readonly ServiceName[] }} PlatformOptions
 */

/** @returns {ServicePorts} ports from GATEWAY_PORT ... REPORTING_PORT, else the defaults */
function defaultPorts() {
  const entries = SERVICE_NAMES.map((name) => {
    const override = process.env[`${name.toUpperCase()}_PORT`];
    return [name, override ? Number(override) : DEFAULT_PORTS[name]];
  });
  return /** @type {ServicePorts} */ (Object.fromEntries(entries));
}

/** @param {ServicePorts} ports @returns {Record<ServiceName, string>} */
function serviceUrls(ports) {
  return /** @type {Record<ServiceName, string>} */ (
    Object.fromEntries(SERVICE_NAMES.map((name) => [name, `http://127.0.0.1:${ports[name]}`]))
  );
}

/** @param {string} prefix @returns {ServiceDatabases} */
function databaseNames(prefix) {
  return /** @type {ServiceDatabases} */ (
    Object.fromEntries(SERVICE_NAMES.map((name) => [name, `${prefix}_${name}`]))
  );
}

/**
 * Loads the secrets of a state dir, generating them on first use (mode 600, never committed); a
 * secret added since the file was written is generated into it, and the others are kept.
 * @param {string} stateDir
 * @returns {Secrets}
 */
function ensureSecrets(stateDir = DEFAULT_STATE_DIR) {
  const file = path.join(stateDir, 'secrets.json');
  /** @param {number} bytes */
  const random = (bytes) => crypto.randomBytes(bytes).toString('base64url');
  const generators = {
    ADMIN_TOKEN: () => `adm_${random(24)}`,
    ANALYST_TOKEN: () => `ana_${random(24)}`,
    VAULT_KEYS: () => `k1:${crypto.randomBytes(32).toString('base64')}`,
    VAULT_ACTIVE_KEY_ID: () => 'k1',
    CARD_FINGERPRINT_SECRET: () => random(32),
    RISK_KEY_HASH_SECRET: () => random(32),
    METRICS_TOKEN: () => `met_${random(24)}`,
  };
  const existing = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  const missing = Object.keys(generators).filter((name) => typeof existing[name] !== 'string');
  if (missing.length === 0) return existing;
  const secrets = { ...existing };
  for (const name of missing) secrets[name] = generators[/** @type {keyof typeof generators} */ (name)]();
  fs.mkdirSync(stateDir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return secrets;
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  // A zombie still answers signal 0 until its parent reaps it.
  const stat = readProc(pid, 'stat');
  return stat === null || !/^\d+ \(.*\) Z/.test(stat);
}

/** @param {number} pid @param {string} file @returns {string | null} null where /proc is missing */
function readProc(pid, file) {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, 'utf8');
  } catch {
    return null;
  }
}

/**
 * The pid in the file if that process lives and its command line contains the marker (pids get recycled).
 * @param {string} pidFile
 * @param {string} marker
 * @returns {number | null}
 */
function livePid(pidFile, marker) {
  let text;
  try {
    text = fs.readFileSync(pidFile, 'utf8');
  } catch {
    // Missing, or removed by a supervisor between a check and the read.
    return null;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return null;
  const cmdline = readProc(pid, 'cmdline');
  if (cmdline !== null && !cmdline.replace(/\0/g, ' ').includes(marker)) return null;
  return pid;
}

/**
 * SIGTERM, then SIGKILL after the grace period; resolves once the process is gone.
 * @param {number} pid
 */
async function terminate(pid, graceMs = STOP_GRACE_MS) {
  /** @param {NodeJS.Signals} name */
  const signal = (name) => {
    try {
      process.kill(pid, name);
    } catch {
      // Already gone.
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      signal('SIGKILL');
      while (isAlive(pid)) await sleep(50);
      return;
    }
    await sleep(100);
  }
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** @param {ServiceName} name */
function entryPoint(name) {
  return path.join(ROOT, 'apps', name, 'dist', 'main.js');
}

/** @param {string} stateDir @param {ServiceName} name */
function pidFile(stateDir, name) {
  return path.join(stateDir, 'pids', `${name}.pid`);
}

/** @param {string} stateDir */
function launchFile(stateDir) {
  return path.join(stateDir, 'services.json');
}

/**
 * The environment of one service; every service gets every secret and ignores the ones it does not use.
 * @param {ServiceName} name
 * @param {PlatformOptions} options
 * @returns {Record<string, string>}
 */
function serviceEnv(name, options) {
  return {
    PORT: String(options.ports[name]),
    HOST: '127.0.0.1',
    DATABASE_URL: `postgres://postgres@127.0.0.1:5432/${options.databases[name]}`,
    KAFKA_BROKERS: (options.brokers ?? ['127.0.0.1:9092']).join(','),
    KAFKA_NAMESPACE: options.namespace,
    LOG_LEVEL: 'info',
    OTEL_TRACES_EXPORTER: 'file',
    OTEL_TRACES_FILE: path.join(options.logDir, `traces-${name}.jsonl`),
    ...options.secrets,
    ...options.extraEnv,
  };
}

/** @param {number} port @returns {Promise<boolean>} */
function portIsFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * Starts the service under its supervisor (supervisor.js), which restarts it when it dies.
 * @param {ServiceName} name
 * @param {{ env: Record<string, string>, port: number, logFile: string, pidFile: string }} launch
 * @param {string} stateDir
 * @returns {Promise<number>} the service's pid, new or already running
 */
async function spawnService(name, launch, stateDir) {
  const running = livePid(launch.pidFile, entryPoint(name));
  if (running !== null) return running;
  if (!fs.existsSync(entryPoint(name))) {
    throw new Error(`${path.relative(ROOT, entryPoint(name))} is missing: run \`npx turbo run build\` first`);
  }
  if (supervisorPid(name, stateDir) === null) {
    // Someone else's process on the port would answer /health and pass for ours.
    if (!(await portIsFree(launch.port))) {
      throw new Error(
        `Cannot start ${name}: port ${launch.port} is in use by a process this runner did not start`,
      );
    }
    fs.mkdirSync(path.dirname(launch.pidFile), { recursive: true });
    fs.mkdirSync(path.dirname(launch.logFile), { recursive: true });
    fs.rmSync(supervisorStateFile(stateDir, name), { force: true });
    fs.appendFileSync(launch.logFile, `--- ${name} starting at ${new Date().toISOString()} ---\n`);
    const logFd = fs.openSync(launch.logFile, 'a');
    const supervisor = spawn(process.execPath, [SUPERVISOR, name, stateDir], {
      cwd: ROOT,
      env: process.env,
      detached: true,
      stdio: ['ignore', logFd, logFd],
    });
    fs.closeSync(logFd);
    if (supervisor.pid === undefined) throw new Error(`Could not spawn the supervisor of ${name}`);
    supervisor.unref();
  }
  // The supervisor writes the service's pid file once it has spawned it (or is about to restart it).
  const deadline = Date.now() + SPAWN_LIMIT_MS;
  for (;;) {
    const pid = livePid(launch.pidFile, entryPoint(name));
    if (pid !== null) return pid;
    const state = readSupervisorState(stateDir, name);
    if (supervisorPid(name, stateDir) === null && state !== null) {
      throw new Error(
        `${name} exited before it was healthy (${state.givenUp ?? 'its supervisor stopped'}); ` +
          `tail of ${launch.logFile}:\n${logTail(launch.logFile)}`,
      );
    }
    if (Date.now() > deadline) {
      throw new Error(`${name} was not spawned within ${SPAWN_LIMIT_MS / 1000} s; see ${launch.logFile}`);
    }
    await sleep(50);
  }
}

/**
 * Up, with every consumer in its group: a service answers 200 "starting" while its consumers join.
 * @param {number} port @returns {Promise<boolean>}
 */
async function isHealthy(port) {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(2000) });
    if (response.status !== 200) return false;
    const body = /** @type {{ status?: unknown }} */ (await response.json().catch(() => ({})));
    return body.status !== 'starting';
  } catch {
    return false;
  }
}

/** @param {string} file */
function logTail(file) {
  if (!fs.existsSync(file)) return '(no log file)';
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-LOG_TAIL_LINES).join('\n');
}

/**
 * Whether the service died while we waited for it (its supervisor may already be restarting it: a service
 * that cannot start must still fail the start at once, with its log).
 * @param {ServiceName} name @param {string} stateDir @param {string} file @param {number} sinceMs
 */
function exitedSince(name, stateDir, file, sinceMs) {
  const lastExit = readSupervisorState(stateDir, name)?.lastExit;
  if (lastExit && Date.parse(lastExit.at) >= sinceMs) return true;
  return livePid(file, entryPoint(name)) === null && supervisorPid(name, stateDir) === null;
}

/**
 * Waits until every named service answers 200 on /health; fails naming the first one that did not.
 * @param {string} stateDir
 * @param {readonly ServiceName[]} names
 */
async function waitHealthy(stateDir, names) {
  const launches = readLaunches(stateDir);
  const pending = new Set(names);
  const waitStarted = Date.now();
  const deadline = waitStarted + HEALTH_LIMIT_MS;
  while (pending.size > 0) {
    for (const name of [...pending]) {
      const launch = launches[name];
      if (await isHealthy(launch.port)) {
        pending.delete(name);
      } else if (exitedSince(name, stateDir, launch.pidFile, waitStarted)) {
        throw new Error(
          `${name} exited before it was healthy; tail of ${launch.logFile}:\n${logTail(launch.logFile)}`,
        );
      }
    }
    if (pending.size === 0) return;
    if (Date.now() > deadline) {
      const [name] = /** @type {[ServiceName]} */ ([...pending]);
      const { port, logFile } = launches[name];
      throw new Error(
        `${name} not healthy on http://127.0.0.1:${port}/health after ${HEALTH_LIMIT_MS / 1000} s ` +
          `(still waiting for: ${[...pending].join(', ')}); tail of ${logFile}:\n${logTail(logFile)}`,
      );
    }
    await sleep(HEALTH_POLL_MS);
  }
}

/**
 * @param {string} stateDir
 * @returns {Launches}
 */
function readLaunches(stateDir) {
  const file = launchFile(stateDir);
  if (!fs.existsSync(file)) throw new Error(`No services were started with state dir ${stateDir}`);
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

/**
 * Starts all five services, or the ones named (or `options.only`; those already running are kept), each
 * under its supervisor, and waits until each is healthy. The launch settings of all five are saved in
 * the state dir so single services can be restarted later.
 * @param {PlatformOptions} options
 * @param {readonly ServiceName[]} names
 */
async function startServices(options, names = options.only ?? SERVICE_NAMES) {
  const launches = /** @type {Launches} */ (
    Object.fromEntries(
      SERVICE_NAMES.map((name) => [
        name,
        {
          env: serviceEnv(name, options),
          port: options.ports[name],
          logFile: path.join(options.logDir, `${name}.log`),
          pidFile: pidFile(options.stateDir, name),
        },
      ]),
    )
  );
  fs.mkdirSync(options.stateDir, { recursive: true });
  // It holds the secrets, like secrets.json.
  fs.writeFileSync(launchFile(options.stateDir), `${JSON.stringify(launches, null, 2)}\n`, { mode: 0o600 });
  for (const name of names) await spawnService(name, launches[name], options.stateDir);
  await waitHealthy(options.stateDir, names);
}

/**
 * Starts one service again with the settings of the last startServices and waits until it is healthy.
 * @param {ServiceName} name
 * @param {string} stateDir
 */
async function startService(name, stateDir = DEFAULT_STATE_DIR) {
  await spawnService(name, readLaunches(stateDir)[name], stateDir);
  await waitHealthy(stateDir, [name]);
}

/**
 * Sends one signal to the service (not its supervisor) and waits until the process is gone: SIGKILL
 * simulates a crash, and the supervisor starts the service again (see waitRestarted). stopService is
 * the way to stop one for good.
 * @param {ServiceName} name
 * @param {NodeJS.Signals} signal
 * @param {string} stateDir
 */
async function killService(name, signal, stateDir = DEFAULT_STATE_DIR) {
  const pid = livePid(pidFile(stateDir, name), entryPoint(name));
  if (pid === null) return false;
  process.kill(pid, signal);
  while (isAlive(pid)) await sleep(50);
  return true;
}

/**
 * Stops the supervisor first (it stops its service and restarts nothing), then anything it left.
 * @param {ServiceName} name @param {string} stateDir @returns {Promise<boolean>} whether it was running
 */
async function stopService(name, stateDir = DEFAULT_STATE_DIR) {
  const file = pidFile(stateDir, name);
  const supervisor = supervisorPid(name, stateDir);
  if (supervisor !== null) await terminate(supervisor, SUPERVISOR_STOP_GRACE_MS);
  const pid = livePid(file, entryPoint(name));
  if (pid !== null) await terminate(pid);
  fs.rmSync(file, { force: true });
  fs.rmSync(supervisorPidFile(stateDir, name), { force: true });
  return pid !== null || supervisor !== null;
}

/** @param {string} stateDir @returns {Promise<ServiceName[]>} the services that were running */
async function stopServices(stateDir = DEFAULT_STATE_DIR) {
  const stopped = await Promise.all(SERVICE_NAMES.map((name) => stopService(name, stateDir)));
  return SERVICE_NAMES.filter((_, index) => stopped[index]);
}

/** @param {ServiceName} name @param {string} stateDir */
function servicePid(name, stateDir = DEFAULT_STATE_DIR) {
  return livePid(pidFile(stateDir, name), entryPoint(name));
}

/** @param {ServiceName | string} name @param {string} stateDir */
function supervisorPid(name, stateDir = DEFAULT_STATE_DIR) {
  return livePid(supervisorPidFile(stateDir, name), SUPERVISOR);
}

/**
 * @param {string} gatewayUrl
 * @param {string} adminToken
 * @param {string} name
 * @returns {Promise<{ id: string, apiKey: string }>}
 */
async function createMerchant(gatewayUrl, adminToken, name) {
  const response = await fetch(`${gatewayUrl}/v1/merchants`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  });
  const body = await response.text();
  if (response.status !== 201) throw new Error(`Creating merchant failed: ${response.status} ${body}`);
  const merchant = JSON.parse(body);
  return { id: merchant.id, apiKey: merchant.api_key };
}

/** @param {string} gatewayUrl @param {string} apiKey */
async function merchantKeyWorks(gatewayUrl, apiKey) {
  const response = await fetch(`${gatewayUrl}/v1/account`, {
    headers: { Authorization: `Bearer ${apiKey}` },
  });
  return response.status === 200;
}

module.exports = {
  SERVICE_NAMES,
  defaultPorts,
  serviceUrls,
  databaseNames,
  ensureSecrets,
  startServices,
  startService,
  stopService,
  stopServices,
  killService,
  servicePid,
  supervisorPid,
  readSupervisorState,
  isHealthy,
  createMerchant,
  merchantKeyWorks,
  livePid,
  terminate,
};
