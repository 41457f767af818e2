#!/usr/bin/env node
// @ts-check
/**
 * The local runner: `start`, `stop`, `status`, `test`, `bench`. Only Node built-ins are loaded up front
 * because `start` and `test` may first have to install node_modules; packages are required afterwards.
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const chromium = require('./chromium');
const kafka = require('./kafka');
const postgres = require('./postgres');
const services = require('./services');

const ROOT = path.resolve(__dirname, '..', '..');
const STATE_DIR = path.join(ROOT, '.local');
const LOG_DIR = path.join(STATE_DIR, 'logs');
const PLATFORM_FILE = path.join(STATE_DIR, 'platform.json');
const RESULTS_DIR = path.join(STATE_DIR, 'test-results');
/** Topics of `start` carry no prefix, which is also what a service assumes when KAFKA_NAMESPACE is unset. */
const NAMESPACE = '';
const DEMO_MERCHANT = 'Demo Merchant';

const USAGE = `Usage: node deploy/local/platform.js <command>

  start    install and build if needed, start PostgreSQL, Kafka and the five services, print how to call them
  stop     stop the services and the Kafka broker that start launched
  status   show what runs; exit 0 only if everything is up
  test     lint, then unit, integration and e2e tests against a real PostgreSQL and Kafka
  bench    run every benchmark in bench/ (or one: bench ledger)
  chaos    a platform of its own under load while services, broker and databases fail; checks the
           invariants after (chaos --help for the options)`;

/** @param {string} command @param {string[]} args @param {NodeJS.ProcessEnv} [env] @returns {number} */
function run(command, args, env = process.env) {
  const result = spawnSync(command, args, { cwd: ROOT, stdio: 'inherit', env });
  if (result.error) throw new Error(`Cannot run ${command}: ${result.error.message}`);
  return result.status ?? 1;
}

/** @param {string} command @param {string[]} args */
function mustRun(command, args) {
  const status = run(command, args);
  if (status !== 0) throw new Error(`\`${[command, ...args].join(' ')}\` failed (exit ${status})`);
}

function ensureDependencies() {
  const installed = path.join(ROOT, 'node_modules', '.package-lock.json');
  const lock = path.join(ROOT, 'package-lock.json');
  if (fs.existsSync(installed) && fs.statSync(installed).mtimeMs >= fs.statSync(lock).mtimeMs) return;
  console.log('Installing dependencies (npm ci)...');
  mustRun('npm', ['ci', '--no-audit', '--no-fund']);
}

function build() {
  mustRun('npx', ['turbo', 'run', 'build']);
}

/** @param {number} started */
function seconds(started) {
  return `${((Date.now() - started) / 1000).toFixed(1)} s`;
}

/** @param {string} file @returns {any} */
function readJson(file) {
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : undefined;
}

/** @param {string} gatewayUrl @param {string} apiKey */
function paymentCurl(gatewayUrl, apiKey) {
  const body = JSON.stringify({
    amount: 1000,
    currency: 'usd',
    payment_method: {
      type: 'card',
      card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
    },
  });
  return (
    `curl -s -X POST ${gatewayUrl}/v1/payments -H "Authorization: Bearer ${apiKey}" ` +
    `-H "Content-Type: application/json" -d '${body}'`
  );
}

async function start() {
  ensureDependencies();
  build();
  await postgres.ensurePostgres();
  const broker = await kafka.startKafka();
  await kafka.ensureTopics(NAMESPACE, broker.brokers);
  const databases = services.databaseNames('platform');
  await postgres.ensureDatabases(Object.values(databases));

  const secrets = services.ensureSecrets(STATE_DIR);
  const ports = services.defaultPorts();
  await services.startServices({
    namespace: NAMESPACE,
    ports,
    databases,
    secrets,
    stateDir: STATE_DIR,
    logDir: LOG_DIR,
    brokers: broker.brokers,
  });
  const urls = services.serviceUrls(ports);

  // Reusing the stored merchant keeps `start` idempotent: the printed key stays the same.
  const previous = readJson(PLATFORM_FILE)?.demoMerchant;
  const reusable = previous && (await services.merchantKeyWorks(urls.gateway, previous.apiKey));
  const demoMerchant = reusable
    ? previous
    : await services.createMerchant(urls.gateway, secrets.ADMIN_TOKEN, DEMO_MERCHANT);

  const platform = {
    services: urls,
    adminToken: secrets.ADMIN_TOKEN,
    analystToken: secrets.ANALYST_TOKEN,
    metricsToken: secrets.METRICS_TOKEN,
    demoMerchant,
    kafka: { brokers: broker.brokers },
    namespace: NAMESPACE,
  };
  fs.writeFileSync(PLATFORM_FILE, `${JSON.stringify(platform, null, 2)}\n`, { mode: 0o600 });
  console.log(
    `\nPlatform is up (${path.relative(ROOT, PLATFORM_FILE)}):\n${JSON.stringify(platform, null, 2)}`,
  );
  console.log(`\nMake a payment:\n${paymentCurl(urls.gateway, demoMerchant.apiKey)}`);
  return 0;
}

async function stop() {
  const stopped = await services.stopServices(STATE_DIR);
  const kafkaStopped = await kafka.stopKafka();
  const all = [...stopped, ...(kafkaStopped ? ['kafka'] : [])];
  console.log(all.length > 0 ? `Stopped: ${all.join(', ')}` : 'Nothing was running.');
  return 0;
}

async function status() {
  const platform = readJson(PLATFORM_FILE);
  const brokers = platform?.kafka.brokers ?? kafka.kafkaBrokers();
  const kafkaPid = kafka.kafkaPid();
  const kafkaUp = await kafka.isKafkaReachable(brokers);
  const { PGHOST = '127.0.0.1', PGPORT = '5432' } = process.env;
  const rows = [
    ['postgres', postgres.isPostgresReady(), `${PGHOST}:${PGPORT}`],
    ['kafka', kafkaUp, `${brokers.join(',')}${kafkaPid === null ? '' : ` (pid ${kafkaPid})`}`],
  ];
  for (const name of services.SERVICE_NAMES) {
    const url = platform?.services[name] ?? `http://127.0.0.1:${services.defaultPorts()[name]}`;
    const port = Number(new URL(url).port);
    const pid = services.servicePid(name, STATE_DIR);
    const supervised = services.supervisorPid(name, STATE_DIR) !== null;
    const restarts = services.readSupervisorState(STATE_DIR, name)?.restarts ?? 0;
    const processNote =
      pid === null ? '' : ` (pid ${pid}${supervised ? `, supervised, ${restarts} restarts` : ''})`;
    const restarting = pid === null && supervised ? ' (restarting)' : '';
    rows.push([name, await services.isHealthy(port), `${url}/health${processNote}${restarting}`]);
  }
  for (const [name, up, where] of rows)
    console.log(`${String(name).padEnd(10)} ${up ? 'up  ' : 'DOWN'}  ${where}`);
  return rows.every(([, up]) => up) ? 0 : 1;
}

/**
 * Runs one jest project and reads its counts from the JSON report (absent if jest crashed early).
 * @param {string} stage @param {string[]} args @param {NodeJS.ProcessEnv} env
 */
function jest(stage, args, env) {
  const outputFile = path.join(RESULTS_DIR, `${stage}.json`);
  fs.rmSync(outputFile, { force: true });
  // No --passWithNoTests: a tier that finds no tests has lost them, and that is a failure.
  const status = run('npx', ['jest', ...args, '--json', `--outputFile=${outputFile}`], env);
  const report = readJson(outputFile);
  return {
    ok: status === 0,
    passed: report?.numPassedTests ?? 0,
    failed: report?.numFailedTests ?? (status === 0 ? 0 : 1),
  };
}

async function test() {
  /** @type {[string, string][]} */
  const durations = [];
  const totals = { passed: 0, failed: 0 };
  /** @param {string} name @param {() => Promise<boolean> | boolean} body */
  const stage = async (name, body) => {
    console.log(`\n=== ${name} ===`);
    const started = Date.now();
    try {
      return await body();
    } finally {
      durations.push([name, seconds(started)]);
      console.log(`=== ${name}: ${seconds(started)} ===`);
    }
  };
  let ok = false;
  /** @type {Awaited<ReturnType<typeof kafka.startKafka>> | undefined} */
  let broker;
  try {
    await stage('install + build', () => {
      ensureDependencies();
      build();
      return true;
    });
    await stage('postgres + kafka + chromium', async () => {
      await postgres.ensurePostgres();
      broker = await kafka.startKafka();
      chromium.ensureChromium();
      return true;
    });
    const env = { ...process.env, KAFKA_BROKERS: broker?.brokers.join(',') };
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    /** @param {string} name @param {string[]} args */
    const jestStage = (name, args) =>
      stage(name, () => {
        const result = jest(name, args, env);
        totals.passed += result.passed;
        totals.failed += result.failed;
        return result.ok;
      });
    ok =
      (await stage(
        'lint',
        () =>
          run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']) === 0 &&
          run('npx', ['eslint', '--max-warnings', '0', '.']) === 0 &&
          run('npx', ['prettier', '--check', '.']) === 0,
      )) &&
      (await jestStage('unit', ['--selectProjects', 'unit'])) &&
      (await jestStage('integration', ['--selectProjects', 'integration', '--runInBand'])) &&
      (await jestStage('e2e', ['--selectProjects', 'e2e', '--runInBand']));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
  } finally {
    if (broker?.startedHere) await kafka.stopKafka();
  }
  console.log('\nStage durations:');
  for (const [name, duration] of durations) console.log(`  ${name.padEnd(16)} ${duration}`);
  console.log(`${totals.passed} passed, ${totals.failed} failed`);
  return ok ? 0 : 1;
}

/** Benchmarks need what tests need: dependencies, a build, Postgres and a broker. */
async function bench() {
  ensureDependencies();
  build();
  await postgres.ensurePostgres();
  const broker = await kafka.startKafka();
  try {
    const only = process.argv[3];
    const script = path.join(ROOT, 'bench', only === undefined ? 'run.js' : `${only}.bench.js`);
    return run(process.execPath, [script], { ...process.env, KAFKA_BROKERS: broker.brokers.join(',') });
  } finally {
    if (broker.startedHere) await kafka.stopKafka();
  }
}

/** The chaos suite on a platform of its own (deploy/local/chaos); exit status 1 on any broken invariant. */
async function chaos() {
  const { parseOptions, USAGE: CHAOS_USAGE } = require('./chaos/options');
  const options = parseOptions(process.argv.slice(3), process.env);
  if (options === 'help') {
    console.log(CHAOS_USAGE);
    return 0;
  }
  ensureDependencies();
  build();
  const { runChaos, layout } = require('./chaos/run');
  const faults = require('./chaos/faults');
  // An interrupted run must not leave a database closed, a service stopped or its broker running.
  const interrupted = async () => {
    await faults.undoAll();
    await services.stopServices(layout(options.instance, options.portBase).stateDir);
    await kafka.stopKafka({ port: options.brokerPort, controllerPort: options.brokerControllerPort });
    process.exit(130);
  };
  process.once('SIGINT', () => void interrupted());
  process.once('SIGTERM', () => void interrupted());
  const result = await runChaos(options);
  console.log(result.report);
  return result.ok ? 0 : 1;
}

/** @type {Record<string, () => Promise<number> | number>} */
const COMMANDS = { start, stop, status, test, bench, chaos };

async function main() {
  const command = process.argv[2];
  if (command === undefined || command === 'help' || command === '--help') {
    console.log(USAGE);
    return 0;
  }
  const handler = COMMANDS[command];
  if (handler === undefined) {
    console.error(`Unknown command: ${command}\n\n${USAGE}`);
    return 1;
  }
  return handler();
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  },
);
