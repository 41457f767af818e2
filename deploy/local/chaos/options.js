// @ts-check
/** `npm run chaos -- --payments 500 --seed 7 --faults kill,db`: flags, or CHAOS_* variables, over a scenario. */
const { parseFaultKinds } = require('./plan');
const { LONG_SCENARIO, SHORT_SCENARIO } = require('./run');

const USAGE = `Usage: npm run chaos -- [options]   (each also as an environment variable)

  --scenario long|short   long (default): every fault one by one, then overlapping; short: one SIGKILL of
                          each service and of the broker, a few hundred payments (the e2e scenario)
  --payments N            payments to drive (CHAOS_PAYMENTS; long 2000, short 300)
  --concurrency N         requests in flight at most (CHAOS_CONCURRENCY)
  --merchants N           merchants the payments are spread over (CHAOS_MERCHANTS)
  --seed N                seed of the plan: requests, amounts and fault times (CHAOS_SEED, default 1)
  --faults LIST           kill,broker,db,stall, all or none (CHAOS_FAULTS)
  --overlap N             groups of overlapping faults after the sequential ones (CHAOS_OVERLAP)
  --rate N                payments started per second at most (CHAOS_RATE)
  --instances 1|2         2 runs a second instance of every service (same databases, consumer groups and
                          broker; requests alternate between the two gateways; faults hit the first)
  --keep                  leave the platform and broker running afterwards (CHAOS_KEEP=1)

  Ports: CHAOS_PORT_BASE (3200: gateway, +1 payments ... +4 reporting); the run's own broker on
  CHAOS_KAFKA_PORT (19092) and CHAOS_KAFKA_CONTROLLER_PORT (19093); state in .local/<CHAOS_INSTANCE>
  (chaos), databases <CHAOS_INSTANCE>_gateway ... (dropped and created again by every run).`;

/** @param {string} name @param {string} value */
function positiveInteger(name, value) {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0)
    throw new Error(`${name} must be a non-negative integer, not ${value}`);
  return number;
}

/** @param {number} value @returns {1 | 2} */
function instancesFrom(value) {
  if (value !== 1 && value !== 2) throw new Error(`--instances is 1 or 2, not ${value}`);
  return value;
}

/**
 * @param {string[]} argv
 * @param {NodeJS.ProcessEnv} env
 * @returns {import('./run').ChaosOptions | 'help'}
 */
function parseOptions(argv, env) {
  /** @type {Record<string, string>} */
  const given = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = /** @type {string} */ (argv[i]);
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--keep') {
      given.keep = '1';
      continue;
    }
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    if (match === null) throw new Error(`unknown argument ${arg}\n\n${USAGE}`);
    const value = match[2] ?? argv[++i];
    if (value === undefined) throw new Error(`${arg} needs a value`);
    given[/** @type {string} */ (match[1])] = value;
  }
  /** @param {string} flag */
  const pick = (flag) => given[flag] ?? env[`CHAOS_${flag.toUpperCase().replace(/-/g, '_')}`];
  const scenarioName = pick('scenario') ?? 'long';
  if (scenarioName !== 'long' && scenarioName !== 'short')
    throw new Error(`--scenario is long or short, not ${scenarioName}`);
  const scenario = scenarioName === 'long' ? LONG_SCENARIO : SHORT_SCENARIO;
  /** @param {string} flag @param {number} fallback */
  const integer = (flag, fallback) => {
    const value = pick(flag);
    return value === undefined ? fallback : positiveInteger(`--${flag}`, value);
  };
  const faultsText = pick('faults');
  const known = new Set([
    'scenario',
    'payments',
    'concurrency',
    'merchants',
    'seed',
    'faults',
    'overlap',
    'rate',
    'instances',
    'keep',
  ]);
  const unknown = Object.keys(given).filter((flag) => !known.has(flag));
  if (unknown.length > 0) throw new Error(`unknown option(s) --${unknown.join(', --')}\n\n${USAGE}`);
  const brokerPort = positiveInteger('CHAOS_KAFKA_PORT', env.CHAOS_KAFKA_PORT ?? '19092');
  return {
    ...scenario,
    instance: env.CHAOS_INSTANCE ?? 'chaos',
    portBase: positiveInteger('CHAOS_PORT_BASE', env.CHAOS_PORT_BASE ?? '3200'),
    brokerPort,
    brokerControllerPort: positiveInteger(
      'CHAOS_KAFKA_CONTROLLER_PORT',
      env.CHAOS_KAFKA_CONTROLLER_PORT ?? String(brokerPort + 1),
    ),
    payments: Math.max(1, integer('payments', scenario.payments)),
    concurrency: Math.max(1, integer('concurrency', scenario.concurrency)),
    merchants: Math.max(1, integer('merchants', scenario.merchants)),
    seed: integer('seed', 1),
    faults: faultsText === undefined ? [...scenario.faults] : parseFaultKinds(faultsText),
    overlapGroups: integer('overlap', scenario.overlapGroups),
    ratePerSecondMax: Math.max(1, integer('rate', scenario.ratePerSecondMax)),
    instances: instancesFrom(integer('instances', scenario.instances)),
    keep: pick('keep') === '1' || pick('keep') === 'true',
    log: (line) => console.log(line),
  };
}

module.exports = { parseOptions, USAGE };
