/**
 * The local runner's supervisor with a real service (risk, on a scratch database and namespace of its own,
 * on the test broker): a SIGKILLed service comes back by itself, `stopService` stops it for good, and a
 * service that exits 78 (bad configuration) is not restarted.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import * as kafka from '../../deploy/local/kafka';
import * as postgres from '../../deploy/local/postgres';
import * as services from '../../deploy/local/services';
import { waitFor } from '@platform/testing';

const ROOT = join(__dirname, '..', '..');
mkdirSync(join(ROOT, '.local'), { recursive: true });
const STATE_DIR = mkdtempSync(join(ROOT, '.local', 'supervisor-test-'));
const NAMESPACE = `supervisor-test-${Date.now()}`;
const DATABASES = services.databaseNames('chaos_supervisor_test');
/** Free in the e2e and chaos layouts (3000s, 3100s, 3200s). */
const PORT = Number(process.env.SUPERVISOR_TEST_PORT ?? 3190);
const RESTART_LIMIT_MS = 60_000;
const brokers = (process.env.KAFKA_BROKERS ?? kafka.kafkaBrokers().join(',')).split(',');

function options(extraEnv: Record<string, string> = {}) {
  return {
    namespace: NAMESPACE,
    ports: { gateway: PORT - 4, payments: PORT - 3, risk: PORT, ledger: PORT - 2, reporting: PORT - 1 },
    databases: DATABASES,
    secrets: services.ensureSecrets(STATE_DIR),
    stateDir: STATE_DIR,
    logDir: join(STATE_DIR, 'logs'),
    brokers,
    extraEnv,
  };
}

beforeAll(async () => {
  await kafka.ensureTopics(NAMESPACE, brokers);
  await postgres.recreateDatabases([DATABASES.risk]);
});

afterAll(async () => {
  await services.stopServices(STATE_DIR);
  await kafka.deleteTopics(NAMESPACE, brokers);
  rmSync(STATE_DIR, { recursive: true, force: true });
});

it('restarts a SIGKILLed service by itself, and stopService stops it for good', async () => {
  await services.startServices(options(), ['risk']);
  const first = services.servicePid('risk', STATE_DIR);
  expect(first).not.toBeNull();
  expect(services.supervisorPid('risk', STATE_DIR)).not.toBeNull();

  expect(await services.killService('risk', 'SIGKILL', STATE_DIR)).toBe(true);
  const second = await waitFor('risk restarted by its supervisor and healthy', RESTART_LIMIT_MS, async () => {
    const pid = services.servicePid('risk', STATE_DIR);
    return pid !== null && pid !== first && (await services.isHealthy(PORT)) ? pid : undefined;
  });
  expect(Number(readFileSync(join(STATE_DIR, 'pids', 'risk.pid'), 'utf8'))).toBe(second);
  expect(services.readSupervisorState(STATE_DIR, 'risk')).toMatchObject({
    restarts: 1,
    lastExit: { code: null, signal: 'SIGKILL' },
  });

  expect(await services.stopService('risk', STATE_DIR)).toBe(true);
  // stopService returns once the supervisor has exited: nothing is left to start risk again.
  expect(services.supervisorPid('risk', STATE_DIR)).toBeNull();
  expect(services.servicePid('risk', STATE_DIR)).toBeNull();
  expect(await services.isHealthy(PORT)).toBe(false);
  expect(services.readSupervisorState(STATE_DIR, 'risk')).toMatchObject({ restarts: 1, givenUp: null });
});

it('does not restart a service that exits 78 (configuration error), and says so', async () => {
  await expect(services.startServices(options({ KAFKA_BROKERS: 'no port here' }), ['risk'])).rejects.toThrow(
    /risk exited before it was healthy/,
  );
  expect(services.supervisorPid('risk', STATE_DIR)).toBeNull();
  expect(services.readSupervisorState(STATE_DIR, 'risk')).toMatchObject({
    restarts: 0,
    lastExit: { code: 78 },
    givenUp: expect.stringContaining('78'),
  });
});
