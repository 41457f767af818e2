import { metricsRegistry } from '@platform/telemetry';
import { ledgerEntriesPostedTotal } from './ledger-metrics';
import type { LedgerMetricsRepository } from './ledger-metrics.repository';
import { LedgerHeadSampleJob } from './ledger-head-sample.job';

/** A journal of entries by sequence (index 0 is sequence 1), read the way the repository reads it. */
class JournalFigures {
  kinds: string[] = [];
  readonly reads: [bigint, bigint][] = [];
  headSequence(): Promise<bigint> {
    return Promise.resolve(BigInt(this.kinds.length));
  }
  countByKind(after: bigint, through: bigint): Promise<Map<string, number>> {
    this.reads.push([after, through]);
    const counts = new Map<string, number>();
    for (const kind of this.kinds.slice(Number(after), Number(through)))
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    return Promise.resolve(counts);
  }
}

async function posted(kind: string): Promise<number> {
  const metric = await ledgerEntriesPostedTotal.get();
  return metric.values.find((value) => value.labels.kind === kind)?.value ?? 0;
}

describe('ledger metrics', () => {
  beforeEach(() => ledgerEntriesPostedTotal.reset());

  it('counts entries posted after the first sample by kind, and follows the head', async () => {
    const journal = new JournalFigures();
    journal.kinds = ['capture', 'capture', 'refund'];
    const service = new LedgerHeadSampleJob(journal as unknown as LedgerMetricsRepository);
    await service.sampleHead();
    // History before the first sample is the head gauge's business, not the rate's.
    expect(await posted('capture')).toBe(0);
    expect(await metricsRegistry.getSingleMetricAsString('ledger_head_sequence')).toMatch(
      /^ledger_head_sequence(\{[^}]*\})? 3$/m,
    );
    journal.kinds.push('capture', 'settlement', 'capture');
    await service.sampleHead();
    await service.sampleHead();
    expect([await posted('capture'), await posted('settlement'), await posted('refund')]).toEqual([2, 1, 0]);
    expect(journal.reads).toEqual([[3n, 6n]]);
  });
});
