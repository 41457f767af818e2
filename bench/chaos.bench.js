// @ts-check
/**
 * `npm run bench:chaos`: the long chaos scenario (BENCH_CHAOS_PAYMENTS payments, 10,000 by default, every
 * fault one by one and then overlapping) on a platform of its own, and a table of what it measured. Exits
 * 1 when an invariant broke. Takes about as long as the fault schedule (some 14 minutes) plus quiescence.
 */
const { runChaos, LONG_SCENARIO } = require('../deploy/local/chaos/run');

const PAYMENTS = Number(process.env.BENCH_CHAOS_PAYMENTS ?? 10_000);
const SEED = Number(process.env.BENCH_CHAOS_SEED ?? 1);

async function main() {
  const result = await runChaos({
    ...LONG_SCENARIO,
    faults: [...LONG_SCENARIO.faults],
    payments: PAYMENTS,
    concurrency: 64,
    merchants: 8,
    // 10,000 payments over the ~14-minute fault schedule is about 12 a second; allow bursts above it.
    ratePerSecondMax: 40,
    instance: 'chaosbench',
    portBase: Number(process.env.CHAOS_PORT_BASE ?? 3200),
    brokerPort: Number(process.env.CHAOS_KAFKA_PORT ?? 19092),
    brokerControllerPort: Number(process.env.CHAOS_KAFKA_CONTROLLER_PORT ?? 19093),
    seed: SEED,
    keep: false,
    log: (line) => console.log(line),
  });
  console.log(result.report);
  const rows = [
    ...Object.entries(result.figures).map(([name, value]) => [name, String(value)]),
    ...result.checks.map((check) => [check.name, check.status]),
  ];
  const width = Math.max(...rows.map(([name]) => (name ?? '').length));
  console.log('\n| figure | value |\n| --- | --- |');
  for (const [name, value] of rows) console.log(`| ${(name ?? '').padEnd(width)} | ${value} |`);
  return result.ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(error instanceof Error ? error.stack : error);
    process.exit(1);
  },
);
