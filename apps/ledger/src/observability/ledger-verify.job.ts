import { Inject, Injectable, Logger } from '@nestjs/common';
import { PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import { JournalQueries } from '../journal/journal-queries.repository';
import { LEDGER_CONFIG, type LedgerConfig } from '../ledger-config';
import { recordVerifyResult } from './ledger-metrics';

/**
 * Every LEDGER_VERIFY_INTERVAL_MINUTES (0: never), a full verification of the hash chain, whose
 * result the `verify failing` alert watches.
 */
@Injectable()
export class LedgerVerifyJob extends PeriodicJob {
  private readonly logger = new Logger('LedgerMetrics');

  constructor(
    private readonly journalQueries: JournalQueries,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {
    super();
  }

  protected schedule(): PeriodicJobSchedule {
    const verifyMinutes = this.config.LEDGER_VERIFY_INTERVAL_MINUTES;
    return {
      name: 'ledger verify',
      intervalMs: verifyMinutes * 60_000,
      logger: this.logger,
      enabled: verifyMinutes > 0,
    };
  }

  protected runPass(): Promise<unknown> {
    return this.verify();
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
