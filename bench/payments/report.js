// @ts-check
/** The bench's report: the targets beside the figures, then the steps, hops and CPU behind them. */
const { GENERATOR, KAFKA, POSTGRES_OTHER, machineShare, postgresGroup } = require('./cpu');

const SERVICES = ['gateway', 'payments', 'risk', 'ledger', 'reporting'];
const POSTGRES_SERVICES = SERVICES.map((service) => postgresGroup(service));
const CPU_COLUMNS = [...SERVICES, KAFKA, ...POSTGRES_SERVICES, POSTGRES_OTHER, GENERATOR];

/** The targets of issue 12, on the 2-core machine with everything on it. */
const TARGETS = Object.freeze({
  settledPerSMin: 500,
  settledWindowS: 60,
  stepRatePerS: 100,
  stepP50MsMax: 30,
  stepP99MsMax: 150,
  stepFinalShareMin: 0.999,
  singleClientP50MsMax: 20,
  settledToCeilingMin: 0.5,
  idlePercentMax: 2,
});

/** @param {number | null | undefined} ms */
function formatMs(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  return `${ms.toFixed(1)} ms`;
}

/** @param {number | null | undefined} value @param {number} digits */
function formatNumber(value, digits = 1) {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : value.toFixed(digits);
}

/** @param {number} share 0..1 */
function formatShare(share) {
  return `${(share * 100).toFixed(share >= 0.999 && share < 1 ? 2 : 1)} %`;
}

/**
 * @param {boolean | null} met null: not measured
 * @returns {string}
 */
function verdict(met) {
  return met === null ? 'not measured' : met ? 'met' : 'MISSED';
}

/**
 * A markdown table whose columns are padded to equal width, so it reads in a terminal too.
 * @param {readonly string[]} headers
 * @param {readonly (readonly string[])[]} rows
 */
function markdownTable(headers, rows) {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length), 3),
  );
  /** @param {readonly string[]} cells */
  const line = (cells) => `| ${widths.map((width, i) => (cells[i] ?? '').padEnd(width)).join(' | ')} |`;
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/**
 * @typedef {import('./percentiles').Summary} Summary
 * @typedef {import('./cpu').CpuUsage} CpuUsage
 * @typedef {{ step: number, name: string, kind: 'open' | 'closed', ratePerS?: number, clients?: number,
 *   durationS: number, sent: number, offeredPerS: number, answered: number, answeredPerS: number,
 *   final: number, finalShare: number, statuses: Record<string, number>, errors: number,
 *   errorKinds: Record<string, number>, latencyMs: Summary, sendLagMs: Summary | null, settled: number,
 *   drained: boolean, drainS: number, cpu: CpuUsage, cpuPerThousand: Record<string, number> | null,
 *   cpuPerThousandAboveIdle: Record<string, number> | null,
 *   saturated: string | null, hops: ReturnType<typeof import('./trace-hops').summarizeHops> | null }} StepResult
 * @typedef {{ startedAt: string, machine: { cores: number, cpuModel: string, node: string,
 *   kafkaShared: boolean, kafkaBrokersSeen: number, kafkaBrokerFound: boolean }, config: { quick: boolean, ratesPerS: number[] },
 *   ceiling: { clients: number, durationS: number, answered: number, answeredPerS: number, errors: number,
 *     errorKinds: Record<string, number>, latencyMs: Summary, cpu: CpuUsage, cpuPerThousand: Record<string, number> | null },
 *   idle: { durationS: number, cpu: CpuUsage }, steps: StepResult[], stoppedEscalating: string | null,
 *   settled: { best: import('./throughput').SustainedRate | null, windowTargetS: number, totalPosted: number },
 *   books: { accepted: number, posted: number, missing: number, missingSample: string[],
 *     trialBalance: { currency: string, netMinor: string }[], balanced: boolean, verifyOk: boolean } }} BenchResult
 */

/** @param {Record<string, number>} counts */
function formatCounts(counts) {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '' : entries.map(([kind, n]) => `${kind} ${n}`).join(', ');
}

/**
 * The rows of the targets table: measure, target, measured, verdict.
 * @param {BenchResult} result
 * @returns {string[][]}
 */
function targetRows(result) {
  const rows = [];
  const { best } = result.settled;
  const window =
    best === null
      ? ''
      : ` (best ${best.windowMs / 1000 >= 1 ? Math.round(best.windowMs / 1000) : 0} s window)`;
  const settledRate = best?.ratePerS ?? null;
  rows.push([
    'settled end to end (capture posted in the ledger)',
    `≥ ${TARGETS.settledPerSMin}/s for ${TARGETS.settledWindowS} s`,
    `${formatNumber(settledRate)}/s${window}`,
    verdict(
      settledRate === null
        ? null
        : settledRate < TARGETS.settledPerSMin
          ? false
          : best?.full === true
            ? true
            : null,
    ),
  ]);
  const { books } = result;
  rows.push([
    'every accepted payment posted in the ledger',
    'all',
    `${books.posted} of ${books.accepted}`,
    verdict(books.missing === 0),
  ]);
  rows.push([
    'trial balance nets to zero per currency',
    '0 each',
    books.trialBalance.map((c) => `${c.currency} ${c.netMinor}`).join(', ') || 'no currency',
    verdict(books.balanced),
  ]);
  rows.push(['GET /v1/ledger/verify', 'ok', books.verifyOk ? 'ok' : 'not ok', verdict(books.verifyOk)]);

  const step = result.steps.find((s) => s.kind === 'open' && s.ratePerS === TARGETS.stepRatePerS);
  const at = `at ${TARGETS.stepRatePerS} req/s open loop`;
  if (step === undefined) {
    rows.push([`${at}: p50, p99, final, errors`, 'see below', 'step not run', verdict(null)]);
  } else {
    const { p50, p99 } = step.latencyMs;
    rows.push([
      `${at}: p50`,
      `≤ ${TARGETS.stepP50MsMax} ms`,
      formatMs(p50),
      verdict(p50 !== null && p50 <= TARGETS.stepP50MsMax),
    ]);
    rows.push([
      `${at}: p99`,
      `≤ ${TARGETS.stepP99MsMax} ms`,
      formatMs(p99),
      verdict(p99 !== null && p99 <= TARGETS.stepP99MsMax),
    ]);
    rows.push([
      `${at}: answered with a final status`,
      `≥ ${formatShare(TARGETS.stepFinalShareMin)}`,
      formatShare(step.finalShare),
      verdict(step.finalShare >= TARGETS.stepFinalShareMin),
    ]);
    rows.push([`${at}: errors`, '0', String(step.errors), verdict(step.errors === 0)]);
  }
  const single = result.steps.find((s) => s.kind === 'closed' && s.clients === 1);
  const singleP50 = single?.latencyMs.p50 ?? null;
  rows.push([
    '1 client: p50',
    `≤ ${TARGETS.singleClientP50MsMax} ms`,
    formatMs(singleP50),
    verdict(singleP50 === null ? null : singleP50 <= TARGETS.singleClientP50MsMax),
  ]);
  const ceiling = result.ceiling.answeredPerS;
  rows.push([
    'accept ceiling: the gateway alone, no waiting',
    '(reference)',
    `${formatNumber(ceiling)}/s`,
    '',
  ]);
  const ratio = settledRate === null || ceiling <= 0 ? null : settledRate / ceiling;
  rows.push([
    'settled / accept ceiling',
    `≥ ${TARGETS.settledToCeilingMin}`,
    formatNumber(ratio, 3),
    verdict(ratio === null ? null : ratio >= TARGETS.settledToCeilingMin),
  ]);
  const idlePlatform = machineShare(result.idle.cpu, [
    ...SERVICES,
    KAFKA,
    ...POSTGRES_SERVICES,
    POSTGRES_OTHER,
  ]);
  const idleOwn = machineShare(result.idle.cpu, [...SERVICES, ...POSTGRES_SERVICES]);
  rows.push([
    `idle ${result.idle.durationS} s: services + Kafka + Postgres, share of the machine`,
    `≤ ${TARGETS.idlePercentMax} %`,
    `${idlePlatform.toFixed(1)} % (services + bench backends alone: ${idleOwn.toFixed(1)} %)`,
    verdict(idlePlatform <= TARGETS.idlePercentMax),
  ]);
  return rows;
}

/** @param {CpuUsage} cpu */
function otherCores(cpu) {
  return cpu.wallS > 0 ? cpu.otherS / cpu.wallS : 0;
}

/** @param {CpuUsage} cpu */
function generatorPercent(cpu) {
  return cpu.wallS > 0 ? ((cpu.groups[GENERATOR] ?? 0) / cpu.wallS) * 100 : 0;
}

/** @param {BenchResult} result */
function stepRows(result) {
  return result.steps.map((step) => [
    step.name,
    formatNumber(step.offeredPerS),
    formatNumber(step.answeredPerS),
    formatShare(step.finalShare),
    formatCounts(
      Object.fromEntries(Object.entries(step.statuses).filter(([s]) => s !== 'succeeded' && s !== 'failed')),
    ) || '0',
    step.errors === 0 ? '0' : `${step.errors} (${formatCounts(step.errorKinds)})`,
    formatMs(step.latencyMs.p50),
    formatMs(step.latencyMs.p95),
    formatMs(step.latencyMs.p99),
    formatMs(step.latencyMs.max),
    step.sendLagMs === null ? '–' : formatMs(step.sendLagMs.p99),
    String(step.settled),
    `${step.drainS.toFixed(1)} s${step.drained ? '' : ' (limit)'}`,
    formatNumber(generatorPercent(step.cpu), 0) + ' %',
    formatNumber(otherCores(step.cpu), 2),
    step.saturated ?? '',
  ]);
}

/** @param {BenchResult} result */
function hopRows(result) {
  /** @type {string[][]} */
  const rows = [];
  /** @param {Summary} s */
  const pair = (s) => (s.n === 0 ? '–' : `${formatMs(s.p50)} / ${formatMs(s.p99)}`);
  for (const step of result.steps) {
    if (step.hops === null) {
      rows.push([step.name, '(no spans read)', '', '', '', '']);
      continue;
    }
    rows.push([
      step.name,
      'gateway answer (server span)',
      String(step.hops.answer.n),
      pair(step.hops.answer),
      '',
      '',
    ]);
    for (const hop of step.hops.hops) {
      rows.push([
        '',
        hop.label,
        String(hop.sincePost.n),
        pair(hop.sincePost),
        pair(hop.lag),
        pair(hop.handle),
      ]);
    }
  }
  return rows;
}

/**
 * @param {string} name @param {Record<string, number> | null} perThousand @param {CpuUsage} cpu
 */
function cpuRow(name, perThousand, cpu) {
  return [
    name,
    ...CPU_COLUMNS.map((group) =>
      perThousand?.[group] === undefined ? '–' : formatNumber(perThousand[group], 2),
    ),
    formatNumber(otherCores(cpu), 2),
  ];
}

/** @param {BenchResult} result @param {'total' | 'above idle'} basis */
function cpuRows(result, basis) {
  const steps = result.steps.map((step) =>
    cpuRow(step.name, basis === 'total' ? step.cpuPerThousand : step.cpuPerThousandAboveIdle, step.cpu),
  );
  if (basis === 'above idle') return steps;
  return [
    cpuRow(`ceiling (${result.ceiling.clients} clients)`, result.ceiling.cpuPerThousand, result.ceiling.cpu),
    ...steps,
  ];
}

/**
 * Cores busy with processes outside the bench: the mean over the measured phases and the worst one.
 * @param {BenchResult} result
 */
function otherLoad(result) {
  const phases = [result.ceiling.cpu, result.idle.cpu, ...result.steps.map((step) => step.cpu)];
  const wallS = phases.reduce((sum, cpu) => sum + cpu.wallS, 0);
  const meanCores = wallS > 0 ? phases.reduce((sum, cpu) => sum + cpu.otherS, 0) / wallS : 0;
  return { meanCores, maxCores: Math.max(...phases.map(otherCores)) };
}

/** @param {BenchResult} result */
function idleRow(result) {
  const { cpu } = result.idle;
  return [
    `idle, % of the machine over ${result.idle.durationS} s`,
    ...CPU_COLUMNS.map((group) => `${formatNumber(machineShare(cpu, [group]), 2)} %`),
    formatNumber(otherCores(cpu), 2),
  ];
}

/**
 * @param {BenchResult} result
 * @returns {{ markdown: string }}
 */
function renderReport(result) {
  const { machine, ceiling } = result;
  const other = otherLoad(result);
  const lines = [
    `# Payments bench, ${result.startedAt}${result.config.quick ? ' (quick mode)' : ''}`,
    '',
    `${machine.cores} cores (${machine.cpuModel}), Node ${machine.node}; the five services, Kafka, Postgres and ` +
      `the load generator all on this machine. Kafka ${machine.kafkaShared ? 'is a broker shared with other checkouts' : 'was started by this bench'}` +
      `${machine.kafkaBrokersSeen > 1 ? ` (${machine.kafkaBrokersSeen} brokers run here; only the one on the bench's port is counted)` : ''}` +
      `${machine.kafkaBrokerFound ? '' : ' (its process was not found: Kafka CPU is missing)'}; ` +
      'Postgres is the machine\'s shared server. "Other load" is CPU used by processes outside the bench ' +
      '(other checkouts, builds): figures taken while it is high are pessimistic. ' +
      `Other load in this run: ${formatNumber(other.meanCores, 2)} of ${machine.cores} cores on average, ` +
      `${formatNumber(other.maxCores, 2)} in the busiest phase.`,
    '',
    '## Targets',
    '',
    markdownTable(['measure', 'target', 'measured', 'verdict'], targetRows(result)),
    '',
    `Ceiling: ${ceiling.clients} clients for ${ceiling.durationS} s, ${ceiling.answered} accepted, ` +
      `p50 ${formatMs(ceiling.latencyMs.p50)}, p99 ${formatMs(ceiling.latencyMs.p99)}, errors ${ceiling.errors}` +
      `${ceiling.errors > 0 ? ` (${formatCounts(ceiling.errorKinds)})` : ''}, other load ${formatNumber(otherCores(ceiling.cpu), 2)} cores.` +
      (result.stoppedEscalating === null ? '' : ` Escalation stopped: ${result.stoppedEscalating}.`) +
      (result.books.missing > 0 ? ` Not posted (first ones): ${result.books.missingSample.join(', ')}.` : ''),
    '',
    '## Steps',
    '',
    "Latency is measured by the client: from each request's due time in open loop (a late send counts " +
      'against the platform), from its send in closed loop. "final" = answered succeeded or failed; "not final" ' +
      'lists other answers (processing: the settle wait ran out). Settled = capture entries posted during the ' +
      'step and its drain; drain = time until every accepted payment had a final status in the gateway and ' +
      "was posted. The generator column includes the bench's own probes (/proc and database reads).",
    '',
    markdownTable(
      [
        'step',
        'offered/s',
        'answered/s',
        'final',
        'not final',
        'errors',
        'p50',
        'p95',
        'p99',
        'max',
        'send lag p99',
        'settled',
        'drain',
        'generator CPU',
        'other load (cores)',
        'saturated',
      ],
      stepRows(result),
    ),
    '',
    '## Where the time goes: trace hops (p50 / p99)',
    '',
    'From the services\' span files, for a sample of each step\'s payments. "since POST": from the start of ' +
      'the gateway\'s server span to the consumer span\'s start. "lag": from the end of the span that wrote the ' +
      'event to the consumer span\'s start (its commit, outbox relay, Kafka, fetch wait). "handling": the consumer ' +
      "span (the ledger's spans cover only its per-event preparation; its batch write shows in the next lag).",
    '',
    markdownTable(['step', 'hop', 'traces', 'since POST', 'lag', 'handling'], hopRows(result)),
    '',
    '## CPU seconds per 1,000 payments',
    '',
    "utime + stime from /proc/<pid>/stat, from each step's start to the end of its drain, divided by the " +
      'payments settled in it (the ceiling: accepted). "pg <service>": the Postgres backends connected to ' +
      'that service\'s bench_pay_* database (pg_stat_activity, the bench\'s own probes included); "pg rest": ' +
      "the rest of the shared server (WAL writer, checkpointer, other checkouts' sessions). Kafka and pg rest " +
      'serve other checkouts too. "other load" is machine busy time no listed process accounts for, in cores.',
    '',
    markdownTable(
      ['phase', ...CPU_COLUMNS, 'other load (cores)'],
      [...cpuRows(result, 'total'), idleRow(result)],
    ),
    '',
    "The bench's own processes above the idle baseline (each group's idle rate times the phase's wall time " +
      'taken off): what the payments themselves cost, where a slow step would otherwise be dominated by ' +
      'background work. The shared broker and server are left out (–): their baseline moves with other load.',
    '',
    markdownTable(['phase', ...CPU_COLUMNS, 'other load (cores)'], cpuRows(result, 'above idle')),
    '',
  ];
  return { markdown: lines.join('\n') };
}

module.exports = { TARGETS, formatMs, markdownTable, targetRows, renderReport };
