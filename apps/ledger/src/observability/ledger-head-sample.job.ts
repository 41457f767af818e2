import { Injectable, Logger } from '@nestjs/common';
import { PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import { ledgerEntriesPostedTotal, ledgerHeadSequence } from './ledger-metrics';
import { ENTRIES_PER_SAMPLE_MAX, LedgerMetricsRepository } from './ledger-metrics.repository';

/** How often the head is read and the entries since the last read are counted by kind. */
export const HEAD_SAMPLE_INTERVAL_MS = 5_000;

/**
 * Follows the journal for the metrics: the head sequence and entries posted by kind (read from
 * the journal, so a rolled-back batch never counts). The chain's verification is LedgerVerifyJob.
 */
@Injectable()
export class LedgerHeadSampleJob extends PeriodicJob {
  private readonly logger = new Logger('LedgerMetrics');
  private countedThrough: bigint | null = null;

  constructor(private readonly figures: LedgerMetricsRepository) {
    super();
  }

  protected schedule(): PeriodicJobSchedule {
    return { name: 'ledger head sample', intervalMs: HEAD_SAMPLE_INTERVAL_MS, logger: this.logger };
  }

  protected runPass(): Promise<unknown> {
    return this.sampleHead();
  }

  /** The gauge is set at boot, not one interval later. */
  override onApplicationBootstrap(): void {
    void this.sampleHead().catch(() => undefined);
    super.onApplicationBootstrap();
  }

  /** Sets the head gauge and counts what was posted since the last sample (nothing before the first). */
  async sampleHead(): Promise<void> {
    const head = await this.figures.headSequence();
    ledgerHeadSequence.set(Number(head));
    const from = this.countedThrough ?? head;
    const through =
      head - from > BigInt(ENTRIES_PER_SAMPLE_MAX) ? from + BigInt(ENTRIES_PER_SAMPLE_MAX) : head;
    if (through > from) {
      for (const [kind, entries] of await this.figures.countByKind(from, through)) {
        ledgerEntriesPostedTotal.inc({ kind }, entries);
      }
    }
    this.countedThrough = through;
  }
}
