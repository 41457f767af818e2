// @ts-check
/**
 * Keeps one service running, as a process manager or Kubernetes' restartPolicy would: started detached by
 * services.js (`node supervisor.js <service> <stateDir>`), it spawns the service with the settings saved in
 * `<stateDir>/services.json`, writes the service's pid file, and restarts the service when it exits
 * unexpectedly, with a doubling backoff. It does not restart a service that exited with 78 (its
 * configuration is wrong: restarting cannot help) nor one it was told to stop (SIGTERM/SIGINT to the
 * supervisor, which is what `npm stop` sends): then it stops the service, removes the pid files and exits.
 */
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const CONFIG_ERROR_EXIT_CODE = 78;
const RESTART_DELAY_MS_MIN = 500;
const RESTART_DELAY_MS_MAX = 30_000;
/** A service that ran this long before dying starts the backoff over: it was not crash-looping. */
const STABLE_RUN_MS = 60_000;
const STOP_GRACE_MS = 10_000;

/** @param {string} stateDir @param {string} name */
function supervisorPidFile(stateDir, name) {
  return path.join(stateDir, 'pids', `${name}.supervisor.pid`);
}

/** @param {string} stateDir @param {string} name */
function supervisorStateFile(stateDir, name) {
  return path.join(stateDir, 'pids', `${name}.supervisor.json`);
}

/**
 * What the supervisor of a service has done so far (restarts and the last exit), or null if it never ran.
 * @param {string} stateDir @param {string} name
 * @returns {{ supervisorPid: number, servicePid: number | null, starts: number, restarts: number,
 *   lastExit: { code: number | null, signal: string | null, at: string } | null, givenUp: string | null } | null}
 */
function readSupervisorState(stateDir, name) {
  try {
    return JSON.parse(fs.readFileSync(supervisorStateFile(stateDir, name), 'utf8'));
  } catch {
    return null;
  }
}

/** @param {number} restartsInARow @returns {number} */
function restartDelayMs(restartsInARow) {
  return Math.min(RESTART_DELAY_MS_MAX, RESTART_DELAY_MS_MIN * 2 ** Math.max(0, restartsInARow - 1));
}

function main() {
  const [name, stateDir] = process.argv.slice(2);
  if (name === undefined || stateDir === undefined) {
    console.error('usage: node deploy/local/supervisor.js <service> <stateDir>');
    process.exit(2);
  }
  /** @type {Record<string, { env: Record<string, string>, logFile: string, pidFile: string }>} */
  const launches = JSON.parse(fs.readFileSync(path.join(stateDir, 'services.json'), 'utf8'));
  const launch = launches[name];
  if (launch === undefined) throw new Error(`no launch settings for ${name} in ${stateDir}/services.json`);
  const entryPoint = path.join(ROOT, 'apps', name, 'dist', 'main.js');
  const ownPidFile = supervisorPidFile(stateDir, name);
  const stateFile = supervisorStateFile(stateDir, name);
  fs.mkdirSync(path.dirname(ownPidFile), { recursive: true });
  fs.writeFileSync(ownPidFile, String(process.pid));

  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  let stopping = false;
  let starts = 0;
  let restartsInARow = 0;
  /** @type {NodeJS.Timeout | null} */
  let pendingRestart = null;
  /** @type {{ code: number | null, signal: string | null, at: string } | null} */
  let lastExit = null;
  /** @type {string | null} */
  let givenUp = null;

  /** @param {string} line */
  const note = (line) =>
    fs.appendFileSync(launch.logFile, `--- supervisor: ${line} at ${new Date().toISOString()} ---\n`);
  const saveState = () =>
    fs.writeFileSync(
      stateFile,
      `${JSON.stringify({ supervisorPid: process.pid, servicePid: child?.pid ?? null, starts, restarts: Math.max(0, starts - 1), lastExit, givenUp })}\n`,
    );
  const cleanUpAndExit = () => {
    fs.rmSync(launch.pidFile, { force: true });
    fs.rmSync(ownPidFile, { force: true });
    saveState();
    process.exit(0);
  };

  const startChild = () => {
    pendingRestart = null;
    if (stopping) return;
    starts += 1;
    if (starts > 1) note(`${name} restarting (restart ${starts - 1})`);
    const logFd = fs.openSync(launch.logFile, 'a');
    const started = Date.now();
    // SERVICE_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof": Node refuses those in NODE_OPTIONS.
    const nodeArgs = (process.env.SERVICE_NODE_ARGS ?? '').split(' ').filter((arg) => arg !== '');
    const spawned = spawn(process.execPath, [...nodeArgs, entryPoint], {
      cwd: ROOT,
      env: { ...process.env, ...launch.env },
      stdio: ['ignore', logFd, logFd],
    });
    fs.closeSync(logFd);
    child = spawned;
    if (spawned.pid !== undefined) fs.writeFileSync(launch.pidFile, String(spawned.pid));
    saveState();
    spawned.on('exit', (code, signal) => {
      child = null;
      lastExit = { code, signal, at: new Date().toISOString() };
      fs.rmSync(launch.pidFile, { force: true });
      if (stopping) return cleanUpAndExit();
      if (code === CONFIG_ERROR_EXIT_CODE) {
        givenUp = `exit status ${CONFIG_ERROR_EXIT_CODE}: configuration error, not restarted`;
        note(`${name} ${givenUp}`);
        return cleanUpAndExit();
      }
      restartsInARow = Date.now() - started >= STABLE_RUN_MS ? 1 : restartsInARow + 1;
      const delayMs = restartDelayMs(restartsInARow);
      note(`${name} exited (${signal ?? `status ${code}`}), restart in ${delayMs} ms`);
      saveState();
      pendingRestart = setTimeout(startChild, delayMs);
    });
  };

  const stop = () => {
    if (stopping) return;
    stopping = true;
    if (pendingRestart !== null) clearTimeout(pendingRestart);
    const running = child;
    if (running === null) return cleanUpAndExit();
    running.kill('SIGTERM');
    setTimeout(() => running.kill('SIGKILL'), STOP_GRACE_MS).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', stop);
  startChild();
}

if (require.main === module) main();

module.exports = {
  supervisorPidFile,
  supervisorStateFile,
  readSupervisorState,
  restartDelayMs,
  CONFIG_ERROR_EXIT_CODE,
};
