import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { PeriodicTask } from '@platform/service-runtime';
import { JournalQueries } from '../journal/journal-queries.repository';
import { LEDGER_CONFIG, type LedgerConfig } from '../ledger-config';
import { ledgerEntriesPostedTotal, ledgerHeadSequence, recordVerifyResult } from './ledger-metrics';
import { ENTRIES_PER_SAMPLE_MAX, LedgerMetricsRepository } from './ledger-metrics.repository';

/** How often the head is read and the entries since the last read are counted by kind. */
export const HEAD_SAMPLE_INTERVAL_MS = 5_000;

/**
 * Follows the journal for the metrics: the head sequence, entries posted by kind (read from the
 * journal, so a rolled-back batch never counts), and, every LEDGER_VERIFY_INTERVAL_MINUTES, a
 * full verification of the hash chain whose result the `verify failing` alert watches.
 */
@Injectable()
export class LedgerMetricsService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LedgerMetrics');
  private readonly headTask: PeriodicTask;
  private readonly verifyTask: PeriodicTask | null;
  private countedThrough: bigint | null = null;

  constructor(
    private readonly figures: LedgerMetricsRepository,
    private readonly journalQueries: JournalQueries,
    @Inject(LEDGER_CONFIG) config: LedgerConfig,
  ) {
    this.headTask = new PeriodicTask({
      name: 'ledger head sample',
      intervalMs: HEAD_SAMPLE_INTERVAL_MS,
      logger: this.logger,
      pass: () => this.sampleHead(),
    });
    const verifyMinutes = config.LEDGER_VERIFY_INTERVAL_MINUTES;
    this.verifyTask =
      verifyMinutes === 0
        ? null
        : new PeriodicTask({
            name: 'ledger verify',
            intervalMs: verifyMinutes * 60_000,
            logger: this.logger,
            pass: () => this.verify(),
          });
  }

  onApplicationBootstrap(): void {
    void this.sampleHead().catch(() => undefined);
    this.headTask.start();
    this.verifyTask?.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([this.headTask.stop(), this.verifyTask?.stop()]);
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

  async verify(): Promise<void> {
    const report = await this.journalQueries.verify();
    recordVerifyResult(report);
    if (!report.ok) {
      this.logger.error(
        `ledger verification failed at sequence ${report.firstBroken?.sequence ?? '?'}: ${
          report.firstBroken?.reason ?? report.balanceMismatches.join('; ')
        }`,
      );
    }
  }
}
