// @ts-check
/** Control totals in seconds: reports of the run's last window are checked soon after it (facts.js waits). */
const CONTROL_ENV = {
  CONTROL_WINDOW_SECONDS: '5',
  CONTROL_REPORT_GRACE_SECONDS: '10',
  LEDGER_CONTROL_GRACE_SECONDS: '10',
  LEDGER_CONTROL_CHECK_INTERVAL_SECONDS: '5',
};

/**
 * One chaos run: a platform of its own (state dir, ports, databases, topic namespace and broker), merchants,
 * the planned load from careful clients while the planned faults are injected, then quiescence, the
 * invariant checks and a report. `npm run chaos`, the e2e short scenario and the chaos bench all call
 * runChaos.
 */
const fs = require('node:fs');
const path = require('node:path');
const kafka = require('../kafka');
const postgres = require('../postgres');
const services = require('../services');
const { planPayments, planFaults, describeFault } = require('./plan');
const { MerchantClient, Semaphore } = require('./merchant-client');
const { PaymentDriver, settleAndPayOut } = require('./load');
const faults = require('./faults');
const { collectFacts, readGatewayPayments, ledgerHead, getJson } = require('./facts');
const { evaluate, errorsPerFault } = require('./checks');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const QUIESCENCE_POLL_MS = 2_000;
const QUIESCENCE_STABLE_MS = 6_000;
const LOAD_START_MS = 2_000;
const FAULTS_START_MS = 10_000;
/** Where the settlement and payouts happen, as a share of the load's span. */
const PAYOUT_AT_SHARE = 0.55;

/**
 * @typedef {import('./plan').FaultKind} FaultKind
 * @typedef {{
 *   instance: string, portBase: number, brokerPort: number, brokerControllerPort: number,
 *   payments: number, concurrency: number, merchants: number, seed: number, faults: FaultKind[],
 *   overlapGroups: number, slotScale: number, ratePerSecondMax: number, sessionTimeoutMs: number | null,
 *   databaseOutageMs: number, stallMs: number, brokerDownMs: number, requestDeadlineMs: number,
 *   followLimitMs: number, finalLimitMs: number, quiescenceLimitMs: number, payouts: boolean, keep: boolean,
 *   instances: 1 | 2, log: (line: string) => void
 * }} ChaosOptions
 */

/** The long scenario, `npm run chaos` without options: every fault, one by one and then overlapping. */
const LONG_SCENARIO = Object.freeze({
  payments: 2_000,
  concurrency: 32,
  merchants: 4,
  faults: /** @type {FaultKind[]} */ (['kill', 'broker', 'db', 'stall']),
  overlapGroups: 4,
  slotScale: 1,
  ratePerSecondMax: 20,
  // The services' own default (30 s): the run sees what production would.
  sessionTimeoutMs: null,
  databaseOutageMs: 20_000,
  stallMs: 45_000,
  brokerDownMs: 5_000,
  requestDeadlineMs: 120_000,
  followLimitMs: 120_000,
  finalLimitMs: 60_000,
  quiescenceLimitMs: 180_000,
  payouts: true,
  // 2: a second instance of every service on the same databases, groups and broker (faults hit the first).
  instances: /** @type {1 | 2} */ (1),
});

/** The e2e scenario: a few hundred payments, one SIGKILL of each service and of the broker. */
const SHORT_SCENARIO = Object.freeze({
  ...LONG_SCENARIO,
  payments: 300,
  concurrency: 16,
  merchants: 2,
  faults: /** @type {FaultKind[]} */ (['kill', 'broker']),
  overlapGroups: 0,
  slotScale: 0.4,
  // As the other e2e tests: a dead member's partitions move after 10 s.
  sessionTimeoutMs: 10_000,
  // Liveness deadlines, not speed targets: the suite shares a 2-core machine with the rest of the
  // tests, where a JVM restart alone can take half a minute. The long scenario keeps the tight ones.
  requestDeadlineMs: 150_000,
  followLimitMs: 150_000,
  finalLimitMs: 150_000,
  quiescenceLimitMs: 120_000,
  payouts: false,
});

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * @param {string} instance
 * @param {number} portBase
 */
function layout(instance, portBase) {
  if (!/^chaos[a-z0-9]{0,20}$/.test(instance))
    throw new Error('a chaos instance is named chaos followed by lower-case letters and digits');
  const stateDir = path.join(ROOT, '.local', instance);
  return {
    stateDir,
    logDir: path.join(stateDir, 'logs'),
    platformFile: path.join(stateDir, 'platform.json'),
    databasePrefix: `${instance}_`,
    databases: services.databaseNames(instance),
    /** @type {Record<import('./plan').ServiceName, number>} */
    ports: {
      gateway: portBase,
      payments: portBase + 1,
      risk: portBase + 2,
      ledger: portBase + 3,
      reporting: portBase + 4,
    },
    /** The second instance of every service (options.instances 2): its own supervisors, logs and ports. */
    second: {
      stateDir: path.join(stateDir, 'second'),
      logDir: path.join(stateDir, 'logs', 'second'),
      /** @type {Record<import('./plan').ServiceName, number>} */
      ports: {
        gateway: portBase + 5,
        payments: portBase + 6,
        risk: portBase + 7,
        ledger: portBase + 8,
        reporting: portBase + 9,
      },
    },
  };
}

/**
 * Starts the run's own broker: one that answers on the port but is not this checkout's would be killed by
 * the run, so it is refused.
 * @param {{ port: number, controllerPort: number }} broker
 */
async function startOwnBroker(broker) {
  if (kafka.kafkaPid(broker) === null && (await kafka.isKafkaReachable(kafka.kafkaBrokers(broker)))) {
    throw new Error(
      `a broker this checkout did not start answers on 127.0.0.1:${broker.port}; the chaos run kills its broker, ` +
        'so it needs one of its own: set CHAOS_KAFKA_PORT (and CHAOS_KAFKA_CONTROLLER_PORT) to free ports',
    );
  }
  return kafka.startKafka(broker);
}

/**
 * Waits until nothing moves any more: the ledger's head unchanged for a while, reporting caught up with
 * it, and no payment of the run processing or waiting for its action. Bounded: a stuck payment never
 * settles, and the checks then say which.
 * @param {import('./facts').Sources} sources @param {string} runId @param {number} limitMs
 */
async function waitForQuiescence(sources, runId, limitMs) {
  const started = Date.now();
  let note = 'not read yet';
  /** @type {bigint | null} */
  let lastHead = null;
  let stableSince = Date.now();
  while (Date.now() - started < limitMs) {
    try {
      const head = await ledgerHead(sources);
      const reconciliation = await getJson(`${sources.reporting}/v1/reconciliation`, sources.adminToken);
      const reportedThrough = BigInt(reconciliation.figures?.[0]?.contiguous_sequence ?? '-1');
      const payments = (await readGatewayPayments(sources)).filter((p) => p.metadata?.chaos_run === runId);
      const moving = payments.filter(
        (p) => p.status === 'processing' || p.status === 'requires_action',
      ).length;
      if (head !== lastHead) {
        lastHead = head;
        stableSince = Date.now();
      }
      note = `ledger head ${head}, reporting through ${reportedThrough}, ${moving} payments processing or requiring action`;
      if (reportedThrough === head && moving === 0 && Date.now() - stableSince >= QUIESCENCE_STABLE_MS) {
        return { reached: true, waitedMs: Date.now() - started, note };
      }
    } catch (error) {
      note = `reading failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    await sleep(QUIESCENCE_POLL_MS);
  }
  return { reached: false, waitedMs: Date.now() - started, note };
}

/** Log lines worth a look after a run, per service: the evidence behind a failed check. */
const LOG_PATTERNS = Object.freeze([
  ['dead-lettered', /dead-lettering a message/],
  ['database closed', /not currently accepting connections/],
  ['connection terminated', /terminating connection due to administrator command|Connection terminated/],
  ['supervisor restarts', /--- supervisor: .* restarting/],
  ['kafka errors', /"level":50.*[Kk]afka/],
  ['group rebalances', /rebalanc/i],
]);

/** @param {string} logDir @param {string} [suffix] marks the second instance's services */
function logFindings(logDir, suffix = '') {
  /** @type {Array<{ service: string, pattern: string, count: number, sample: string }>} */
  const findings = [];
  for (const name of services.SERVICE_NAMES) {
    const file = path.join(logDir, `${name}.log`);
    if (!fs.existsSync(file)) continue;
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    for (const [label, pattern] of LOG_PATTERNS) {
      const hits = lines.filter((line) => /** @type {RegExp} */ (pattern).test(line));
      if (hits.length > 0)
        findings.push({
          service: `${name}${suffix}`,
          pattern: /** @type {string} */ (label),
          count: hits.length,
          sample: (hits[0] ?? '').slice(0, 300),
        });
    }
  }
  return findings;
}

/**
 * @param {ChaosOptions} options
 * @returns {Promise<{ ok: boolean, report: string, checks: import('./checks').CheckResult[],
 *   faultRecords: import('./faults').FaultRecord[], figures: Record<string, number | string> }>}
 */
async function runChaos(options) {
  const log = options.log;
  const place = layout(options.instance, options.portBase);
  const broker = { port: options.brokerPort, controllerPort: options.brokerControllerPort };
  const runStarted = Date.now();
  await postgres.ensurePostgres();
  await services.stopServices(place.stateDir);
  await services.stopServices(place.second.stateDir);
  const previous = fs.existsSync(place.platformFile)
    ? JSON.parse(fs.readFileSync(place.platformFile, 'utf8'))
    : undefined;
  const ownBroker = await startOwnBroker(broker);
  const brokers = ownBroker.brokers;
  try {
    if (previous?.namespace) await kafka.deleteTopics(previous.namespace, brokers).catch(() => undefined);
    fs.rmSync(place.logDir, { recursive: true, force: true });
    fs.mkdirSync(place.logDir, { recursive: true });
    const runId = `${options.instance}-${Date.now()}`;
    const namespace = runId;
    await kafka.ensureTopics(namespace, brokers);
    await postgres.recreateDatabases(Object.values(place.databases));
    const secrets = services.ensureSecrets(place.stateDir);
    log(
      `chaos ${runId}: starting the platform on ports ${options.portBase}-${options.portBase + 4}, broker ${brokers.join(',')}, databases ${place.databasePrefix}*`,
    );
    const platformOptions = {
      namespace,
      ports: place.ports,
      databases: place.databases,
      secrets,
      stateDir: place.stateDir,
      logDir: place.logDir,
      brokers,
      extraEnv: {
        ...CONTROL_ENV,
        ...(options.sessionTimeoutMs === null
          ? {}
          : { KAFKA_SESSION_TIMEOUT_MS: String(options.sessionTimeoutMs) }),
      },
    };
    await services.startServices(platformOptions);
    const urls = services.serviceUrls(place.ports);
    const gatewayUrls = [urls.gateway];
    if (options.instances === 2) {
      fs.mkdirSync(place.second.logDir, { recursive: true });
      await services.startServices({ ...platformOptions, ...place.second });
      gatewayUrls.push(services.serviceUrls(place.second.ports).gateway);
      log(
        `second instance of every service on ports ${place.second.ports.gateway}-${place.second.ports.reporting}, same databases, groups and broker`,
      );
    }
    /** @type {Array<{ id: string, apiKey: string }>} */
    const merchants = [];
    for (let i = 0; i < options.merchants; i++) {
      merchants.push(
        await services.createMerchant(urls.gateway, secrets.ADMIN_TOKEN, `Chaos Merchant ${i + 1}`),
      );
    }
    fs.writeFileSync(
      place.platformFile,
      `${JSON.stringify({ services: urls, adminToken: secrets.ADMIN_TOKEN, analystToken: secrets.ANALYST_TOKEN, merchants, kafka: { brokers }, namespace, stateDir: place.stateDir, logDir: place.logDir, databases: place.databases }, null, 2)}\n`,
      { mode: 0o600 },
    );
    const setupMs = Date.now() - runStarted;

    const schedule = planFaults({
      seed: options.seed,
      kinds: options.faults,
      startMs: FAULTS_START_MS,
      overlapGroups: options.overlapGroups,
      slotScale: options.slotScale,
      databaseOutageMs: options.databaseOutageMs,
      stallMs: options.stallMs,
      brokerDownMs: options.brokerDownMs,
    });
    const loadEndMs = Math.max(
      schedule.faults.length > 0 ? schedule.endMs : 0,
      LOAD_START_MS + Math.ceil((options.payments / options.ratePerSecondMax) * 1000),
    );
    const plans = planPayments({
      payments: options.payments,
      merchants: options.merchants,
      seed: options.seed,
      loadStartMs: LOAD_START_MS,
      loadEndMs,
    });
    log(
      `plan (seed ${options.seed}): ${plans.length} payments over ${(loadEndMs / 1000).toFixed(0)} s from ${options.merchants} merchants, ` +
        `at most ${options.concurrency} requests in flight; ${schedule.faults.length} faults:\n` +
        schedule.faults
          .map(
            (f) =>
              `  +${(f.atMs / 1000).toFixed(0).padStart(4)} s  ${f.phase.padEnd(11)} ${describeFault(f.fault)}`,
          )
          .join('\n'),
    );

    const loadStarted = Date.now();
    const now = () => Date.now() - loadStarted;
    /** @type {import('./merchant-client').ClientError[]} */
    const clientErrors = [];
    const inFlight = new Semaphore(options.concurrency);
    const clients = merchants.map(
      (m) =>
        new MerchantClient({
          gatewayUrls,
          apiKey: m.apiKey,
          merchantId: m.id,
          requestDeadlineMs: options.requestDeadlineMs,
          errors: clientErrors,
          now,
          inFlight,
        }),
    );
    const driver = new PaymentDriver({
      runId,
      clients,
      merchantIds: merchants.map((m) => m.id),
      now,
      followLimitMs: options.followLimitMs,
    });
    const target = {
      stateDir: place.stateDir,
      ports: place.ports,
      databases: place.databases,
      databasePrefix: place.databasePrefix,
      broker,
    };
    /** @type {import('./faults').FaultRecord[]} */
    const faultRecords = [];
    const faultsDone = faults.runSchedule(target, schedule.faults, now, (record) => {
      faultRecords.push(record);
      log(
        `  fault done: ${record.description} at +${(record.startedAtMs / 1000).toFixed(0)} s, platform healthy again after ${record.recoveryMs === null ? 'never' : `${(record.recoveryMs / 1000).toFixed(1)} s`}${record.note ? ` (${record.note})` : ''}`,
      );
    });
    let done = 0;
    const progress = setInterval(
      () =>
        log(
          `  +${(now() / 1000).toFixed(0)} s: ${done}/${plans.length} payments done, ${clientErrors.length} failed attempts so far`,
        ),
      15_000,
    );
    const payoutsDone = options.payouts
      ? sleep(LOAD_START_MS + (loadEndMs - LOAD_START_MS) * PAYOUT_AT_SHARE).then(() =>
          settleAndPayOut({
            runId,
            clients,
            merchantIds: merchants.map((m) => m.id),
            paymentsUrl: urls.payments,
            adminToken: secrets.ADMIN_TOKEN,
            followLimitMs: options.followLimitMs,
          }),
        )
      : Promise.resolve({ settlement: 'not planned', payouts: [] });
    const outcomes = await Promise.all(
      plans.map(async (plan) => {
        const waitMs = plan.startAtMs - now();
        if (waitMs > 0) await sleep(waitMs);
        const outcome = await driver.drive(plan);
        done += 1;
        return outcome;
      }),
    );
    const loadMs = now();
    const resumed = outcomes.filter((o) => o.resumable).length;
    if (resumed > 0) log(`taking up again ${resumed} payments whose effect the clients stopped waiting for`);
    await Promise.all(outcomes.map((outcome) => driver.resume(outcome)));
    await faultsDone;
    const { settlement, payouts } = await payoutsDone;
    clearInterval(progress);
    log(
      `load done in ${(loadMs / 1000).toFixed(0)} s (faults and payouts done at +${(now() / 1000).toFixed(0)} s); waiting for quiescence (at most ${options.quiescenceLimitMs / 1000} s)`,
    );

    /** @type {import('./facts').Sources} */
    const sources = {
      gateway: urls.gateway,
      ledger: urls.ledger,
      reporting: urls.reporting,
      adminToken: secrets.ADMIN_TOKEN,
      analystToken: secrets.ANALYST_TOKEN,
      merchants,
      brokers,
      namespace,
    };
    const quiescence = await waitForQuiescence(sources, runId, options.quiescenceLimitMs);
    const facts = await collectFacts(sources);
    const checks = evaluate({
      runId,
      outcomes,
      payouts,
      facts,
      finalLimitMs: options.finalLimitMs,
      quiescence,
    });
    const perFault = errorsPerFault(
      clientErrors,
      faultRecords.sort((a, b) => a.startedAtMs - b.startedAtMs),
    );
    const findings = [
      ...logFindings(place.logDir),
      ...(options.instances === 2 ? logFindings(place.second.logDir, '#2') : []),
    ];
    const ok = checks.every((c) => c.status !== 'fail');
    const recoveries = faultRecords
      .filter((f) => f.recoveryMs !== null)
      .map((f) => /** @type {number} */ (f.recoveryMs));
    const figures = {
      payments: plans.length,
      seed: options.seed,
      faults: faultRecords.length,
      setupSeconds: Math.round(setupMs / 1000),
      loadSeconds: Math.round(loadMs / 1000),
      throughputPerSecond: Number((plans.length / (loadMs / 1000)).toFixed(1)),
      quiescenceSeconds: Math.round(quiescence.waitedMs / 1000),
      clientErrors: clientErrors.length,
      longestRecoverySeconds:
        recoveries.length === 0 ? 0 : Number((Math.max(...recoveries) / 1000).toFixed(1)),
      deadLetters: facts.deadLetters.length,
      failedChecks: checks.filter((c) => c.status === 'fail').length,
    };

    const lines = [
      '',
      `=== chaos ${runId}: ${ok ? 'PASS' : 'FAIL'} ===`,
      `seed ${options.seed}; ${plans.length} payments, ${merchants.length} merchants, ${options.instances} instance(s) of each service, ${options.concurrency} in flight; load ${figures.loadSeconds} s (${figures.throughputPerSecond}/s); quiescence ${quiescence.reached ? 'reached' : 'NOT reached'} after ${figures.quiescenceSeconds} s (${quiescence.note}); settlement: ${settlement}`,
      '',
      'Invariants:',
      ...checks.flatMap((c) => [
        `  [${c.status.toUpperCase()}] ${c.name}: ${c.summary}`,
        ...c.details.map((d) => `           ${d}`),
      ]),
      '',
      'Faults (start, what, process back after, what it hit answering /health again after):',
      ...faultRecords.map(
        (f) =>
          `  +${(f.startedAtMs / 1000).toFixed(0).padStart(4)} s  ${f.scheduled.phase.padEnd(11)} ${f.description.padEnd(40)} ${f.restartedInMs === null ? '-' : `${(f.restartedInMs / 1000).toFixed(1)} s`.padStart(7)}  ${f.recoveryMs === null ? 'never' : `${(f.recoveryMs / 1000).toFixed(1)} s`.padStart(7)}${f.note ? `  ${f.note}` : ''}`,
      ),
      '',
      'Client-visible errors (failed attempts, each retried) per fault window:',
      ...perFault.map((row) => `  ${String(row.errors).padStart(6)}  ${row.fault}: ${row.kinds}`),
      '',
      `Log lines of note (${path.relative(ROOT, place.logDir)}):`,
      ...(findings.length === 0
        ? ['  none']
        : findings.map((f) => `  ${f.service.padEnd(9)} ${f.pattern}: ${f.count}; first: ${f.sample}`)),
      '',
    ];
    const report = lines.join('\n');
    // Everything behind the report, for a closer look: which payment, which key, which fault when.
    fs.writeFileSync(
      path.join(place.stateDir, 'result.json'),
      `${JSON.stringify({ runId, options: { ...options, log: undefined }, figures, checks, faultRecords, clientErrors, outcomes, payouts, deadLetters: facts.deadLetters, findings }, (_key, value) => (typeof value === 'bigint' ? value.toString() : value), 2)}\n`,
    );
    fs.writeFileSync(path.join(place.stateDir, 'report.txt'), `${report}\n`);
    return { ok, report, checks, faultRecords, figures };
  } finally {
    await faults.undoAll();
    if (!options.keep) {
      await services.stopServices(place.stateDir);
      await services.stopServices(place.second.stateDir);
      if (ownBroker.startedHere || kafka.kafkaPid(broker) !== null) await kafka.stopKafka(broker);
    }
  }
}

module.exports = { runChaos, LONG_SCENARIO, SHORT_SCENARIO, layout };
