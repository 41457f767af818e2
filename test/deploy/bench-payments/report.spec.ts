import { formatMs, markdownTable, renderReport, targetRows } from '../../../bench/payments/report';
import { postgresGroup } from '../../../bench/payments/cpu';

const summary = (p50: number, p99: number) => ({ n: 100, p50, p95: p99, p99, max: p99 });
const cpu = {
  wallS: 10,
  capacityS: 20,
  machineBusyS: 4,
  groups: { gateway: 1, kafka: 0.5, [postgresGroup('gateway')]: 0.5, 'load generator': 0.2 },
  otherS: 1.8,
};

function step(overrides: Record<string, unknown>) {
  return {
    step: 2,
    name: '100 req/s (open loop)',
    kind: 'open' as const,
    ratePerS: 100,
    durationS: 30,
    sent: 3_000,
    offeredPerS: 100,
    answered: 3_000,
    answeredPerS: 100,
    final: 3_000,
    finalShare: 1,
    statuses: { succeeded: 3_000 },
    errors: 0,
    errorKinds: {},
    latencyMs: summary(25, 140),
    sendLagMs: summary(0.5, 2),
    settled: 3_000,
    drained: true,
    drainS: 0.5,
    cpu,
    cpuPerThousand: { gateway: 0.3 },
    cpuPerThousandAboveIdle: { gateway: 0.2 },
    saturated: null,
    hops: null,
    ...overrides,
  };
}

function result(overrides: Record<string, unknown> = {}) {
  return {
    startedAt: '2026-11-02T10:00:00.000Z',
    machine: {
      cores: 2,
      cpuModel: 'test cpu',
      node: 'v20',
      kafkaShared: true,
      kafkaBrokersSeen: 1,
      kafkaBrokerFound: true,
    },
    config: { quick: false, ratesPerS: [100] },
    ceiling: {
      clients: 64,
      durationS: 30,
      answered: 30_000,
      answeredPerS: 1_000,
      errors: 0,
      errorKinds: {},
      latencyMs: summary(50, 90),
      cpu,
      cpuPerThousand: { gateway: 0.5 },
    },
    idle: { durationS: 30, cpu: { ...cpu, groups: { gateway: 0.1, kafka: 0.1 } } },
    steps: [
      step({
        step: 1,
        name: '1 client (closed loop)',
        kind: 'closed',
        clients: 1,
        ratePerS: undefined,
        latencyMs: summary(15, 30),
      }),
      step({}),
    ],
    stoppedEscalating: null,
    settled: {
      best: { ratePerS: 600, fromMs: 0, toMs: 60_000, windowMs: 60_000, full: true },
      windowTargetS: 60,
      totalPosted: 40_000,
    },
    books: {
      accepted: 10,
      posted: 10,
      missing: 0,
      missingSample: [],
      trialBalance: [{ currency: 'USD', netMinor: '0' }],
      balanced: true,
      verifyOk: true,
    },
    ...overrides,
  };
}

const verdicts = (rows: string[][]): Record<string, string> =>
  Object.fromEntries(rows.map((row) => [row[0] ?? '', row[3] ?? '']));

describe('the bench report', () => {
  it('formats latencies for reading', () => {
    expect(formatMs(null)).toBe('–');
    expect(formatMs(4.26)).toBe('4.3 ms');
    expect(formatMs(130.4)).toBe('130 ms');
    expect(formatMs(2_700)).toBe('2.70 s');
  });

  it('pads markdown columns to one width', () => {
    expect(markdownTable(['a', 'long header'], [['wide cell', 'x']]).split('\n')).toEqual([
      '| a         | long header |',
      '| --------- | ----------- |',
      '| wide cell | x           |',
    ]);
  });

  it('marks every target met when the figures meet them', () => {
    const rows = targetRows(result() as never);
    expect(Object.values(verdicts(rows)).filter((v) => v !== '')).toEqual(Array(11).fill('met'));
  });

  it('marks what missed, and what was not measured', () => {
    const rows = verdicts(
      targetRows(
        result({
          steps: [step({ latencyMs: summary(31, 151), finalShare: 0.99, errors: 2 })],
          settled: {
            best: { ratePerS: 7, fromMs: 0, toMs: 15_000, windowMs: 15_000, full: false },
            windowTargetS: 60,
            totalPosted: 100,
          },
          books: {
            ...result().books,
            missing: 1,
            posted: 9,
            balanced: false,
            trialBalance: [{ currency: 'USD', netMinor: '5' }],
          },
          idle: { durationS: 30, cpu: { ...cpu, groups: { gateway: 1 } } },
        }) as never,
      ),
    );
    expect(rows).toMatchObject({
      'settled end to end (capture posted in the ledger)': 'MISSED',
      'every accepted payment posted in the ledger': 'MISSED',
      'trial balance nets to zero per currency': 'MISSED',
      'at 100 req/s open loop: p50': 'MISSED',
      'at 100 req/s open loop: p99': 'MISSED',
      'at 100 req/s open loop: answered with a final status': 'MISSED',
      'at 100 req/s open loop: errors': 'MISSED',
      '1 client: p50': 'not measured',
      'settled / accept ceiling': 'MISSED',
      'idle 30 s: services + Kafka + Postgres, share of the machine': 'MISSED',
    });
  });

  it('does not claim a sustained rate over a window shorter than the target', () => {
    const short = { ratePerS: 800, fromMs: 0, toMs: 20_000, windowMs: 20_000, full: false };
    const rows = verdicts(
      targetRows(result({ settled: { best: short, windowTargetS: 60, totalPosted: 1 } }) as never),
    );
    expect(rows['settled end to end (capture posted in the ledger)']).toBe('not measured');
  });

  it('renders the targets, steps, hops and CPU sections', () => {
    const { markdown } = renderReport(result() as never);
    for (const heading of [
      '## Targets',
      '## Steps',
      '## Where the time goes',
      '## CPU seconds per 1,000 payments',
    ]) {
      expect(markdown).toContain(heading);
    }
    expect(markdown).toContain('| 100 req/s (open loop)');
    expect(markdown).toContain('above the idle baseline');
    // Other load: 1.8 s per 10 s phase, in every phase.
    expect(markdown).toContain(
      'Other load in this run: 0.18 of 2 cores on average, 0.18 in the busiest phase.',
    );
  });
});
