// @ts-check
/** Jest globalSetup of the e2e project: a whole platform on its own ports, databases and topic namespace. */
const fs = require('node:fs');
const path = require('node:path');
const kafka = require('../../deploy/local/kafka');
const postgres = require('../../deploy/local/postgres');
const services = require('../../deploy/local/services');

const ROOT = path.resolve(__dirname, '..', '..');
/**
 * E2E_INSTANCE lets several e2e runs share one machine (each with its own state dir, databases
 * and ports from E2E_PORT_BASE); unset, the run uses .local/e2e, e2e_* and ports 3100-3104.
 */
const INSTANCE = process.env.E2E_INSTANCE ?? '';
if (!/^[a-z0-9]{0,20}$/.test(INSTANCE)) throw new Error('E2E_INSTANCE must be lower-case letters and digits');
const STATE_DIR = path.join(ROOT, '.local', INSTANCE === '' ? 'e2e' : `e2e-${INSTANCE}`);
const DATABASE_PREFIX = INSTANCE === '' ? 'e2e' : `e2e_${INSTANCE}`;
const PORT_BASE = Number(process.env.E2E_PORT_BASE ?? 3100);
const LOG_DIR = path.join(STATE_DIR, 'logs');
const PLATFORM_FILE = path.join(STATE_DIR, 'platform.json');
/** Present while the broker belongs to the e2e run, so teardown stops it and leaves a developer's one. */
const KAFKA_MARKER = path.join(STATE_DIR, 'kafka-started-by-setup');
/** Ports test webhook receivers listen on: the gateway's WEBHOOK_ALLOWED_TARGETS names exactly these. */
const WEBHOOK_RECEIVER_PORTS = Array.from({ length: 5 }, (_, index) => PORT_BASE + 20 + index);
/** @type {import('../../deploy/local/services').ServicePorts} */
const PORTS = {
  gateway: PORT_BASE,
  payments: PORT_BASE + 1,
  risk: PORT_BASE + 2,
  ledger: PORT_BASE + 3,
  reporting: PORT_BASE + 4,
};

module.exports = async function globalSetup() {
  await cleanUpEarlierRun();
  fs.mkdirSync(LOG_DIR, { recursive: true });
  await postgres.ensurePostgres();
  const broker = await kafka.startKafka();
  if (broker.startedHere) fs.writeFileSync(KAFKA_MARKER, String(broker.pid));
  try {
    const namespace = `e2e-${INSTANCE === '' ? '' : `${INSTANCE}-`}${Date.now()}`;
    await kafka.ensureTopics(namespace, broker.brokers);
    const databases = services.databaseNames(DATABASE_PREFIX);
    await postgres.recreateDatabases(Object.values(databases));
    const secrets = services.ensureSecrets(STATE_DIR);
    await services.startServices({
      namespace,
      ports: PORTS,
      databases,
      secrets,
      stateDir: STATE_DIR,
      logDir: LOG_DIR,
      brokers: broker.brokers,
      extraEnv: {
        // Tests kill and restart services: let the group move a dead member's partitions quickly.
        KAFKA_SESSION_TIMEOUT_MS: '10000',
        WEBHOOK_ALLOWED_TARGETS: WEBHOOK_RECEIVER_PORTS.map((port) => `127.0.0.1:${port}`).join(','),
        // Reporting reconciles every few seconds, so the dashboard test sees a result.
        RECONCILIATION_INTERVAL_SECONDS: '5',
        // Control totals in seconds rather than minutes, so the e2e run sees reports checked.
        CONTROL_WINDOW_SECONDS: '2',
        CONTROL_REPORT_GRACE_SECONDS: '3',
        LEDGER_CONTROL_GRACE_SECONDS: '3',
        LEDGER_CONTROL_CHECK_INTERVAL_SECONDS: '2',
      },
    });
    const urls = services.serviceUrls(PORTS);
    const demoMerchant = await services.createMerchant(urls.gateway, secrets.ADMIN_TOKEN, 'E2E Merchant');
    const platform = {
      services: urls,
      adminToken: secrets.ADMIN_TOKEN,
      analystToken: secrets.ANALYST_TOKEN,
      metricsToken: secrets.METRICS_TOKEN,
      webhookReceiverPorts: WEBHOOK_RECEIVER_PORTS,
      demoMerchant,
      kafka: { brokers: broker.brokers },
      namespace,
      stateDir: STATE_DIR,
      logDir: LOG_DIR,
      ports: PORTS,
      databases,
    };
    fs.writeFileSync(PLATFORM_FILE, `${JSON.stringify(platform, null, 2)}\n`, { mode: 0o600 });
  } catch (error) {
    // Jest skips globalTeardown when setup throws; the logs stay for reading.
    await services.stopServices(STATE_DIR);
    if (broker.startedHere) await stopOwnKafka();
    throw error;
  }
};

/** Services and topics a crashed or interrupted earlier run left behind. */
async function cleanUpEarlierRun() {
  await services.stopServices(STATE_DIR);
  const previous = fs.existsSync(PLATFORM_FILE)
    ? JSON.parse(fs.readFileSync(PLATFORM_FILE, 'utf8'))
    : undefined;
  fs.rmSync(PLATFORM_FILE, { force: true });
  fs.rmSync(LOG_DIR, { recursive: true, force: true });
  if (previous && (await kafka.isKafkaReachable(previous.kafka.brokers))) {
    await kafka.deleteTopics(previous.namespace, previous.kafka.brokers);
  }
}

async function stopOwnKafka() {
  await kafka.stopKafka();
  fs.rmSync(KAFKA_MARKER, { force: true });
}

module.exports.stopOwnKafka = stopOwnKafka;
module.exports.PLATFORM_FILE = PLATFORM_FILE;
module.exports.KAFKA_MARKER = KAFKA_MARKER;
module.exports.STATE_DIR = STATE_DIR;
