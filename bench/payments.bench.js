// @ts-check
/**
 * `npm run bench:payments`: card payments through the whole platform, started as `npm start` starts
 * it (own state dir, ports 3300-3304, bench_pay_* databases, own topic namespace).
 *
 *   1. the ceiling: one gateway alone (port 3310, its own database and namespace, nothing consuming,
 *      PAYMENT_SETTLE_WAIT_MS=0) accepting payments at maximum throughput;
 *   2. the platform: idle CPU, one client in a closed loop, open-loop steps at fixed arrival rates
 *      (stopping once one is clearly saturated), then a closed loop of many clients;
 *   3. the books: every accepted payment posted, trial balance nets to zero, verify ok;
 *   4. where the time went: per-hop lag from the services' span files, CPU per 1,000 payments.
 *
 * Prints one report and writes it as JSON and markdown to bench/results/. Everything it started is
 * stopped at the end, on failure and on Ctrl-C. Settings: BENCH_* variables below; BENCH_QUICK=1 for
 * a short run at low rates.
 */
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { setTimeout: sleep } = require('node:timers/promises');
const { Client } = require('pg');
const { waitFor } = require('@platform/testing');
const kafka = require('../deploy/local/kafka');
const postgres = require('../deploy/local/postgres');
const services = require('../deploy/local/services');
const { GENERATOR, aboveBaseline, cpuUsage, perThousandPayments, postgresGroup } = require('./payments/cpu');
const { PaymentLoad } = require('./payments/load');
const { ProcSampler } = require('./payments/proc-sampler');
const { renderReport } = require('./payments/report');
const { bestSustainedRate, saturationReason } = require('./payments/throughput');
const { parseTraceId, spanOf, summarizeHops, traceIdOfLine, traceTiming } = require('./payments/trace-hops');

const ROOT = path.resolve(__dirname, '..');
const STATE_DIR = path.join(ROOT, '.local', 'bench-payments');
const LOG_DIR = path.join(STATE_DIR, 'logs');
const CEILING_STATE_DIR = path.join(ROOT, '.local', 'bench-payments-ceiling');
const RUN_FILE = path.join(STATE_DIR, 'run.json');
const RESULTS_DIR = path.join(__dirname, 'results');
const DATABASE_PREFIX = 'bench_pay';
const CEILING_DATABASE_PREFIX = 'bench_pay_ceiling';

const QUICK = process.env.BENCH_QUICK === '1';
/** @param {string} name @param {number} normal @param {number} quick */
function setting(name, normal, quick) {
  const text = process.env[name];
  if (text === undefined || text === '') return QUICK ? quick : normal;
  const value = Number(text);
  if (!(value > 0)) throw new Error(`${name} must be a positive number, not ${text}`);
  return value;
}
const CONFIG = Object.freeze({
  quick: QUICK,
  ratesPerS: (process.env.BENCH_RATES ?? (QUICK ? '2,4,8,16' : '25,50,100,200,400,800'))
    .split(',')
    .map((rate) => {
      const value = Number(rate);
      if (!(value > 0)) throw new Error(`BENCH_RATES holds ${rate}, not a positive rate`);
      return value;
    }),
  stepSeconds: setting('BENCH_STEP_SECONDS', 30, 10),
  singleClientSeconds: setting('BENCH_SINGLE_SECONDS', 30, 10),
  maxClients: setting('BENCH_CLIENTS', 64, 16),
  // 60 s so the settled rate can be sustained for the target's 60 s within one phase.
  maxSeconds: setting('BENCH_MAX_SECONDS', 60, 15),
  ceilingClients: setting('BENCH_CEILING_CLIENTS', 64, 16),
  ceilingSeconds: setting('BENCH_CEILING_SECONDS', 30, 10),
  idleSeconds: setting('BENCH_IDLE_SECONDS', 30, 10),
  // The gateway limits each API key to 100 requests/s by default: 40 merchants leave room for 4,000/s.
  merchants: setting('BENCH_MERCHANTS', 40, 40),
  drainLimitSeconds: setting('BENCH_DRAIN_LIMIT_SECONDS', 180, 120),
  requestTimeoutMs: setting('BENCH_REQUEST_TIMEOUT_MS', 30_000, 30_000),
  traceSamplePerStep: setting('BENCH_TRACE_SAMPLE', 2_000, 2_000),
  sustainWindowSeconds: 60,
  portBase: setting('BENCH_PORT_BASE', 3300, 3300),
  ceilingPortBase: setting('BENCH_CEILING_PORT_BASE', 3310, 3310),
  /** BENCH_KEEP=1 keeps the databases and the span files for a closer look. */
  keep: process.env.BENCH_KEEP === '1',
});
/** Warm-up before anything is measured: JIT, connection pools, consumer group joins. */
const WARMUP_SECONDS = 5;
const WARMUP_CLIENTS = 2;
/** After warm-up, the platform settles (outbox relays, fetches) before idle CPU is read. */
const IDLE_SETTLE_MS = 5_000;
const SETTLED_POLL_MS = 1_000;
const DRAIN_POLL_MS = 500;
const MAX_SOCKETS = 4_096;
/** Trace-id step numbers; open-loop steps follow the single client. */
const STEP_WARMUP = 0;
const STEP_SINGLE = 1;
const STEP_CEILING = 250;
const STEP_CEILING_WARMUP = 251;

/** The CPU groups of the bench's own processes (not the shared broker and server). */
const OWN_GROUPS = [
  ...services.SERVICE_NAMES,
  ...services.SERVICE_NAMES.map((name) => postgresGroup(name)),
  GENERATOR,
];

/** @param {number} base @returns {import('../deploy/local/services').ServicePorts} */
function portsFrom(base) {
  return { gateway: base, payments: base + 1, risk: base + 2, ledger: base + 3, reporting: base + 4 };
}

/** Cleanup steps, run newest first, once, whether the run ends, fails or is interrupted. */
class Cleanup {
  constructor() {
    /** @type {{ what: string, run: () => Promise<unknown> }[]} */
    this.steps = [];
    /** @type {Promise<void> | null} */
    this.running = null;
  }

  /** Called before each phase: once cleanup began (Ctrl-C), nothing new may start. */
  throwIfStopping() {
    if (this.running !== null) throw new Error('interrupted');
  }

  /** @param {string} what @param {() => Promise<unknown>} run */
  push(what, run) {
    this.steps.push({ what, run });
  }

  runAll() {
    this.running ??= (async () => {
      for (const step of this.steps.reverse()) {
        try {
          await step.run();
        } catch (error) {
          console.error(`cleanup: ${step.what} failed: ${error instanceof Error ? error.message : error}`);
        }
      }
    })();
    return this.running;
  }
}

/** @param {string} message */
function log(message) {
  console.log(`[bench:payments ${new Date().toISOString().slice(11, 19)}] ${message}`);
}

/** @param {string} database */
function databaseUrl(database) {
  return `postgres://postgres@${process.env.PGHOST ?? '127.0.0.1'}:${process.env.PGPORT ?? 5432}/${database}`;
}

/** What a crashed or interrupted earlier run left: services of both state dirs, topics, databases. */
async function cleanUpEarlierRun() {
  await services.stopServices(STATE_DIR);
  await services.stopServices(CEILING_STATE_DIR);
  if (!fs.existsSync(RUN_FILE)) return;
  const previous = JSON.parse(fs.readFileSync(RUN_FILE, 'utf8'));
  for (const namespace of previous.namespaces ?? []) {
    await kafka.deleteTopics(namespace, previous.brokers).catch(() => undefined);
  }
  fs.rmSync(RUN_FILE, { force: true });
}

/** @param {string[]} databases */
async function dropDatabases(databases) {
  const client = new Client({ connectionString: databaseUrl('postgres') });
  await client.connect();
  try {
    for (const name of databases) {
      if (!name.startsWith(`${DATABASE_PREFIX}_`)) throw new Error(`refusing to drop ${name}`);
      await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
  } finally {
    await client.end();
  }
}

/**
 * Capture entries the ledger has posted (one per settled card payment), read incrementally from its
 * journal every SETTLED_POLL_MS: the series the sustained settled rate comes from.
 */
class SettledCounter {
  /** @param {Client} ledgerDb */
  constructor(ledgerDb) {
    this.ledgerDb = ledgerDb;
    this.count = 0;
    this.lastSequence = '0';
    /** @type {import('./payments/throughput').CountSample[]} */
    this.series = [];
    this.polling = false;
    /** @type {Promise<void>} */
    this.loop = Promise.resolve();
    /** @type {Promise<unknown>} */
    this.chain = Promise.resolve();
  }

  /** Reads are chained: two at once would both count from the same sequence. */
  read() {
    const next = this.chain.then(() => this.readOnce());
    this.chain = next.catch(() => undefined);
    return next;
  }

  async readOnce() {
    const { rows } = await this.ledgerDb.query(
      `SELECT count(*)::int AS n, max(sequence)::text AS last
         FROM journal_entries WHERE kind = 'capture' AND sequence > $1::bigint`,
      [this.lastSequence],
    );
    const row = rows[0];
    this.count += row.n;
    if (row.last !== null) this.lastSequence = row.last;
    this.series.push({ atMs: Date.now(), count: this.count });
    return this.count;
  }

  start() {
    if (this.polling) return;
    this.polling = true;
    this.loop = (async () => {
      while (this.polling) {
        await this.read();
        await sleep(SETTLED_POLL_MS);
      }
    })();
  }

  async stop() {
    this.polling = false;
    await this.loop;
  }
}

/**
 * Waits until every payment the gateway accepted has a final status in its read model and every
 * succeeded one is posted in the ledger; false when the limit ran out first.
 * @param {Client} gatewayDb @param {SettledCounter} counter @param {number} limitMs
 */
async function drain(gatewayDb, counter, limitMs) {
  const started = Date.now();
  try {
    await waitFor(
      'every accepted payment to settle in the gateway and be posted in the ledger',
      limitMs,
      async () => {
        const { rows } = await gatewayDb.query(
          `SELECT count(*) FILTER (WHERE status NOT IN ('succeeded', 'failed', 'canceled'))::int AS open,
                  count(*) FILTER (WHERE status = 'succeeded')::int AS succeeded FROM payments`,
        );
        const posted = await counter.read();
        return rows[0].open === 0 && posted >= rows[0].succeeded;
      },
      DRAIN_POLL_MS,
    );
    return { drained: true, drainS: (Date.now() - started) / 1000 };
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    return { drained: false, drainS: (Date.now() - started) / 1000 };
  }
}

/** @param {string} gatewayUrl @param {string} adminToken @param {number} count @param {string} label */
async function createMerchants(gatewayUrl, adminToken, count, label) {
  const merchants = [];
  for (let i = 0; i < count; i += 1) {
    merchants.push(await services.createMerchant(gatewayUrl, adminToken, `Bench ${label} ${i + 1}`));
  }
  return merchants;
}

/** @param {Record<string, number> | null} perThousand */
function rounded(perThousand) {
  return perThousand === null
    ? null
    : Object.fromEntries(Object.entries(perThousand).map(([k, v]) => [k, Math.round(v * 1000) / 1000]));
}

/**
 * The ceiling: the gateway's accept path alone (validation, idempotency, vault, payment row and
 * outbox), answering without waiting, with no consumer of what it publishes.
 * @param {{ brokers: string[], sampler: ProcSampler, secrets: import('../deploy/local/services').Secrets,
 *   namespace: string, cleanup: Cleanup }} context
 */
async function measureCeiling({ brokers, sampler, secrets, namespace, cleanup }) {
  const databases = services.databaseNames(CEILING_DATABASE_PREFIX);
  await kafka.ensureTopics(namespace, brokers);
  await postgres.recreateDatabases([databases.gateway]);
  const ports = portsFrom(CONFIG.ceilingPortBase);
  cleanup.push('delete the ceiling topics', () => kafka.deleteTopics(namespace, brokers));
  if (!CONFIG.keep) cleanup.push('drop the ceiling database', () => dropDatabases([databases.gateway]));
  cleanup.push('stop the ceiling gateway', () => services.stopServices(CEILING_STATE_DIR));
  cleanup.throwIfStopping();
  await services.startServices({
    namespace,
    ports,
    databases,
    secrets,
    stateDir: CEILING_STATE_DIR,
    logDir: path.join(CEILING_STATE_DIR, 'logs'),
    brokers,
    extraEnv: { PAYMENT_SETTLE_WAIT_MS: '0' },
    only: ['gateway'],
  });
  // The platform is not running yet: its gateway's column is the lone one's.
  sampler.name('gateway', services.servicePid('gateway', CEILING_STATE_DIR));
  const gatewayUrl = services.serviceUrls(ports).gateway;
  const merchants = await createMerchants(gatewayUrl, secrets.ADMIN_TOKEN, CONFIG.merchants, 'ceiling');
  const load = new PaymentLoad({
    gatewayUrl,
    apiKeys: merchants.map((m) => m.apiKey),
    runId: `bench-ceiling-${Date.now()}`,
    maxSockets: MAX_SOCKETS,
    requestTimeoutMs: CONFIG.requestTimeoutMs,
  });
  try {
    log(`ceiling: warming up the lone gateway for ${WARMUP_SECONDS} s`);
    await load.runClosedLoop({
      step: STEP_CEILING_WARMUP,
      clients: CONFIG.ceilingClients,
      durationS: WARMUP_SECONDS,
    });
    log(`ceiling: ${CONFIG.ceilingClients} clients for ${CONFIG.ceilingSeconds} s`);
    const before = await sampler.snapshot();
    const { result } = await load.runClosedLoop({
      step: STEP_CEILING,
      clients: CONFIG.ceilingClients,
      durationS: CONFIG.ceilingSeconds,
    });
    const after = await sampler.snapshot();
    const cpu = cpuUsage(before, after, sampler.ticksPerSecond);
    log(`ceiling: ${result.answeredPerS.toFixed(1)} payments/s accepted, ${result.errors} errors`);
    return {
      clients: CONFIG.ceilingClients,
      ...result,
      cpu,
      cpuPerThousand: rounded(perThousandPayments(cpu, result.answered)),
    };
  } finally {
    load.close();
    await services.stopServices(CEILING_STATE_DIR);
    sampler.name('gateway', null);
    await kafka.deleteTopics(namespace, brokers).catch(() => undefined);
    if (!CONFIG.keep) await dropDatabases([databases.gateway]);
  }
}

/**
 * Reads back the spans of the sampled traces of every step (trace ids name step and sequence) and
 * summarizes the hops per step. Runs after the services stopped, so every span is flushed.
 * @param {Map<number, number>} sentByStep
 */
async function analyzeTraces(sentByStep) {
  /** @type {Map<number, number>} every n-th request of a step is analyzed */
  const every = new Map(
    [...sentByStep].map(([step, sent]) => [step, Math.max(1, Math.ceil(sent / CONFIG.traceSamplePerStep))]),
  );
  /** @type {Map<string, import('./payments/trace-hops').Span[]>} */
  const traces = new Map();
  let unreadable = 0;
  for (const name of services.SERVICE_NAMES) {
    const file = path.join(LOG_DIR, `traces-${name}.jsonl`);
    if (!fs.existsSync(file)) continue;
    const lines = readline.createInterface({ input: fs.createReadStream(file), crlfDelay: Infinity });
    for await (const line of lines) {
      const traceId = traceIdOfLine(line);
      const origin = traceId === null ? null : parseTraceId(traceId);
      if (origin === null || traceId === null) continue;
      const stride = every.get(origin.step);
      if (stride === undefined || origin.sequence % stride !== 0) continue;
      try {
        const span = spanOf(JSON.parse(line));
        const spans = traces.get(traceId);
        if (spans === undefined) traces.set(traceId, [span]);
        else spans.push(span);
      } catch {
        unreadable += 1; // A line cut short by a killed service.
      }
    }
  }
  /** @type {Map<number, import('./payments/trace-hops').TraceTiming[]>} */
  const byStep = new Map();
  for (const [traceId, spans] of traces) {
    const origin = /** @type {{ step: number }} */ (parseTraceId(traceId));
    const timing = traceTiming(spans);
    if (timing === null) continue;
    const list = byStep.get(origin.step) ?? [];
    list.push(timing);
    byStep.set(origin.step, list);
  }
  return {
    unreadable,
    byStep: new Map([...byStep].map(([step, timings]) => [step, summarizeHops(timings)])),
    sampledEvery: Object.fromEntries(every),
  };
}

/**
 * @param {{ ledgerUrl: string, adminToken: string, ledgerDb: Client, acceptedIds: Set<string> }} context
 */
async function checkBooks({ ledgerUrl, adminToken, ledgerDb, acceptedIds }) {
  const { rows } = await ledgerDb.query(`SELECT payment_id FROM journal_entries WHERE kind = 'capture'`);
  const posted = new Set(rows.map((row) => row.payment_id));
  const missing = [...acceptedIds].filter((id) => !posted.has(id));
  const headers = { authorization: `Bearer ${adminToken}` };
  const trial = await (await fetch(`${ledgerUrl}/v1/ledger/trial-balance`, { headers })).json();
  const verifyResponse = await fetch(`${ledgerUrl}/v1/ledger/verify`, { headers });
  const verify = await verifyResponse.json();
  /** @type {{ currency: string, net_minor: string }[]} */
  const currencies = trial.currencies ?? [];
  return {
    accepted: acceptedIds.size,
    posted: acceptedIds.size - missing.length,
    capturesInLedger: posted.size,
    missing: missing.length,
    missingSample: missing.slice(0, 10),
    trialBalance: currencies.map((c) => ({ currency: c.currency, netMinor: c.net_minor })),
    balanced: currencies.length > 0 && currencies.every((c) => c.net_minor === '0'),
    verifyOk: verifyResponse.status === 200 && verify.ok === true,
    verify,
  };
}

/** @param {Cleanup} cleanup */
async function run(cleanup) {
  const startedAt = new Date();
  fs.mkdirSync(STATE_DIR, { recursive: true });
  await cleanUpEarlierRun();
  fs.rmSync(LOG_DIR, { recursive: true, force: true });
  fs.rmSync(path.join(CEILING_STATE_DIR, 'logs'), { recursive: true, force: true });
  fs.mkdirSync(LOG_DIR, { recursive: true });
  await postgres.ensurePostgres();
  const broker = await kafka.startKafka();
  if (broker.startedHere) cleanup.push('stop the Kafka broker this bench started', () => kafka.stopKafka());
  const stamp = Date.now();
  const namespace = `bench-pay-${stamp}`;
  const ceilingNamespace = `bench-pay-ceiling-${stamp}`;
  fs.writeFileSync(
    RUN_FILE,
    `${JSON.stringify({ namespaces: [namespace, ceilingNamespace], brokers: broker.brokers }, null, 2)}\n`,
  );
  const secrets = services.ensureSecrets(STATE_DIR);

  const adminDb = new Client({ connectionString: databaseUrl('postgres') });
  await adminDb.connect();
  cleanup.push('close the admin connection', () => adminDb.end());
  const sampler = new ProcSampler({
    pgClient: adminDb,
    databasePrefix: `${DATABASE_PREFIX}_`,
    // bench_pay_ledger and bench_pay_ceiling_gateway: the service's name is the last word.
    groupOfDatabase: (name) => postgresGroup(name.slice(name.lastIndexOf('_') + 1)),
    brokerPort: Number(broker.brokers[0]?.split(':')[1] ?? 9092),
  });

  const ceiling = await measureCeiling({
    brokers: broker.brokers,
    sampler,
    secrets,
    namespace: ceilingNamespace,
    cleanup,
  });

  // The platform, as npm start runs it.
  const databases = services.databaseNames(DATABASE_PREFIX);
  await kafka.ensureTopics(namespace, broker.brokers);
  await postgres.recreateDatabases(Object.values(databases));
  cleanup.push('delete the bench topics', () => kafka.deleteTopics(namespace, broker.brokers));
  if (!CONFIG.keep) {
    cleanup.push('drop the bench databases', () => dropDatabases(Object.values(databases)));
  }
  const ports = portsFrom(CONFIG.portBase);
  cleanup.push('stop the bench platform', () => services.stopServices(STATE_DIR));
  cleanup.throwIfStopping();
  log(`starting the platform on ports ${CONFIG.portBase}-${CONFIG.portBase + 4}, namespace ${namespace}`);
  await services.startServices({
    namespace,
    ports,
    databases,
    secrets,
    stateDir: STATE_DIR,
    logDir: LOG_DIR,
    brokers: broker.brokers,
  });
  for (const name of services.SERVICE_NAMES) sampler.name(name, services.servicePid(name, STATE_DIR));
  const urls = services.serviceUrls(ports);
  const ledgerDb = new Client({ connectionString: databaseUrl(databases.ledger) });
  const gatewayDb = new Client({ connectionString: databaseUrl(databases.gateway) });
  await ledgerDb.connect();
  await gatewayDb.connect();
  cleanup.push('close the bench database connections', async () => {
    await ledgerDb.end();
    await gatewayDb.end();
  });
  const counter = new SettledCounter(ledgerDb);
  cleanup.push('stop counting settled payments', () => counter.stop());

  const merchants = await createMerchants(urls.gateway, secrets.ADMIN_TOKEN, CONFIG.merchants, 'platform');
  const load = new PaymentLoad({
    gatewayUrl: urls.gateway,
    apiKeys: merchants.map((m) => m.apiKey),
    runId: `bench-${stamp}`,
    maxSockets: MAX_SOCKETS,
    requestTimeoutMs: CONFIG.requestTimeoutMs,
  });
  cleanup.push('close the load generator', async () => load.close());
  const drainLimitMs = CONFIG.drainLimitSeconds * 1000;
  /** @type {Set<string>} payment ids answered with anything but failed: each must reach the ledger */
  const acceptedIds = new Set();
  /** @type {Map<number, number>} */
  const sentByStep = new Map();

  log(`warming up: ${WARMUP_CLIENTS} clients for ${WARMUP_SECONDS} s`);
  const warmup = await load.runClosedLoop({
    step: STEP_WARMUP,
    clients: WARMUP_CLIENTS,
    durationS: WARMUP_SECONDS,
  });
  const warmupDrain = await drain(gatewayDb, counter, drainLimitMs);
  if (!warmupDrain.drained)
    throw new Error('the warm-up payments did not settle: see the logs in .local/bench-payments/logs');
  log(`warm-up: ${warmup.result.answered} payments, ${warmup.result.errors} errors`);

  await sleep(IDLE_SETTLE_MS);
  cleanup.throwIfStopping();
  log(`idle: ${CONFIG.idleSeconds} s without traffic`);
  const idleBefore = await sampler.snapshot();
  await sleep(CONFIG.idleSeconds * 1000);
  const idleAfter = await sampler.snapshot();
  const idle = {
    durationS: CONFIG.idleSeconds,
    cpu: cpuUsage(idleBefore, idleAfter, sampler.ticksPerSecond),
  };

  counter.start();
  /**
   * One measured step: CPU and settled count from its start until its backlog drained.
   * @param {{ step: number, name: string, kind: 'open' | 'closed', ratePerS?: number, clients?: number,
   *   durationS: number }} plan
   */
  const measureStep = async (plan) => {
    cleanup.throwIfStopping();
    log(`${plan.name}: ${plan.durationS} s`);
    const before = await sampler.snapshot();
    const settledBefore = await counter.read();
    const { recorder, result } =
      plan.kind === 'open'
        ? await load.runOpenLoop({
            step: plan.step,
            ratePerS: /** @type {number} */ (plan.ratePerS),
            durationS: plan.durationS,
          })
        : await load.runClosedLoop({
            step: plan.step,
            clients: /** @type {number} */ (plan.clients),
            durationS: plan.durationS,
          });
    sentByStep.set(plan.step, result.sent);
    for (const id of recorder.paymentIds) acceptedIds.add(id);
    const { drained, drainS } = await drain(gatewayDb, counter, drainLimitMs);
    const after = await sampler.snapshot();
    const settled = (await counter.read()) - settledBefore;
    const cpu = cpuUsage(before, after, sampler.ticksPerSecond);
    const step = {
      ...plan,
      ...result,
      settled,
      drained,
      drainS,
      cpu,
      cpuPerThousand: rounded(perThousandPayments(cpu, settled)),
      cpuPerThousandAboveIdle: rounded(
        perThousandPayments(aboveBaseline(cpu, idle.cpu, OWN_GROUPS), settled),
      ),
      // A closed loop slows down with the platform: only an open-loop step can be overrun.
      saturated: plan.kind === 'open' ? saturationReason({ ...result, drained }) : null,
    };
    log(
      `${plan.name}: ${result.answeredPerS.toFixed(1)}/s answered, p50 ${result.latencyMs.p50?.toFixed(0)} ms, ` +
        `p99 ${result.latencyMs.p99?.toFixed(0)} ms, ${result.errors} errors, drained in ${drainS.toFixed(1)} s` +
        (step.saturated === null ? '' : ` — saturated: ${step.saturated}`),
    );
    return step;
  };

  /** @type {Awaited<ReturnType<typeof measureStep>>[]} */
  const steps = [];
  steps.push(
    await measureStep({
      step: STEP_SINGLE,
      name: '1 client (closed loop)',
      kind: 'closed',
      clients: 1,
      durationS: CONFIG.singleClientSeconds,
    }),
  );
  let stoppedEscalating = null;
  for (const [index, ratePerS] of CONFIG.ratesPerS.entries()) {
    const step = await measureStep({
      step: STEP_SINGLE + 1 + index,
      name: `${ratePerS} req/s (open loop)`,
      kind: 'open',
      ratePerS,
      durationS: CONFIG.stepSeconds,
    });
    steps.push(step);
    if (step.saturated !== null) {
      const skipped = CONFIG.ratesPerS.slice(index + 1);
      if (skipped.length > 0)
        stoppedEscalating = `saturated at ${ratePerS} req/s; not run: ${skipped.join(', ')} req/s`;
      break;
    }
  }
  /** A backlog left by the last step gets one more drain limit; a platform still behind is not loaded more. */
  const caughtUp = async () => {
    if (steps.at(-1)?.drained !== false) return true;
    log('the last step left a backlog: waiting for it once more');
    return (await drain(gatewayDb, counter, drainLimitMs)).drained;
  };
  let skippedMaximum = null;
  if (await caughtUp()) {
    steps.push(
      await measureStep({
        step: STEP_SINGLE + 1 + CONFIG.ratesPerS.length,
        name: `${CONFIG.maxClients} clients (closed loop, maximum)`,
        kind: 'closed',
        clients: CONFIG.maxClients,
        durationS: CONFIG.maxSeconds,
      }),
    );
  } else {
    skippedMaximum = `the closed loop at ${CONFIG.maxClients} clients was not run: the backlog did not drain`;
  }
  await caughtUp();
  await counter.stop();
  const settled = bestSustainedRate(counter.series, CONFIG.sustainWindowSeconds * 1000);
  const books = await checkBooks({
    ledgerUrl: urls.ledger,
    adminToken: secrets.ADMIN_TOKEN,
    ledgerDb,
    acceptedIds,
  });

  log('stopping the platform (its spans are flushed on the way down)');
  load.close();
  await services.stopServices(STATE_DIR);
  const traces = await analyzeTraces(sentByStep);
  // Span files of a full run take a gigabyte; the report keeps what they told.
  if (!CONFIG.keep) {
    for (const name of services.SERVICE_NAMES)
      fs.rmSync(path.join(LOG_DIR, `traces-${name}.jsonl`), { force: true });
  }

  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      cores: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      kafkaBrokersSeen: sampler.kafkaPids.length,
      kafkaBrokerFound: sampler.brokerPid !== null,
      kafkaShared: !broker.startedHere,
    },
    config: CONFIG,
    ceiling,
    idle,
    steps: steps.map((step) => ({ ...step, hops: traces.byStep.get(step.step) ?? null })),
    traceSampling: { sampledEvery: traces.sampledEvery, unreadableLines: traces.unreadable },
    stoppedEscalating: [stoppedEscalating, skippedMaximum].filter(Boolean).join('; ') || null,
    settled: {
      best: settled,
      windowTargetS: CONFIG.sustainWindowSeconds,
      totalPosted: counter.count,
    },
    books,
  };
}

async function main() {
  const cleanup = new Cleanup();
  /** @param {NodeJS.Signals} signal */
  const interrupted = (signal) => {
    log(`${signal}: stopping everything this bench started`);
    void cleanup.runAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    const result = await run(cleanup);
    const { markdown } = renderReport(result);
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const base = path.join(RESULTS_DIR, `payments-${result.startedAt.replace(/[:.]/g, '-')}`);
    fs.writeFileSync(`${base}.json`, `${JSON.stringify(result, null, 2)}\n`);
    fs.writeFileSync(`${base}.md`, markdown);
    console.log(`\n${markdown}`);
    console.log(`Written: ${path.relative(ROOT, base)}.json and .md`);
    return 0;
  } finally {
    await cleanup.runAll();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
