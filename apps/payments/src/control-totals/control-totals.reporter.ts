import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createEvent } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import { controlReportsOf, dueWindows } from '../domain/control-report';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments-config';
import { ControlTotalsRepository } from './control-totals.repository';

const PASS_INTERVAL_MS = 10_000;
/** Windows reported per pass: a service that was down catches up over a few passes. */
const WINDOWS_PER_PASS_MAX = 30;

/**
 * Control totals: reports, per closed window, every capture, refund and payout payments recorded,
 * per merchant and currency, on payments.control. The ledger checks each item against its books,
 * so a movement that never reached it (a lost event, a bug) is named with its ids.
 */
@Injectable()
export class ControlTotalsReporter extends PeriodicJob {
  private readonly logger = new Logger('ControlTotalsReporter');

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
    private readonly windows: ControlTotalsRepository,
  ) {
    super();
  }

  protected schedule(): PeriodicJobSchedule {
    return {
      name: 'control totals report',
      intervalMs: PASS_INTERVAL_MS,
      logger: this.logger,
    };
  }

  protected runPass(): Promise<unknown> {
    return this.reportDue();
  }

  /** Reports the windows that are due; answers how many reports it wrote. */
  async reportDue(now = new Date()): Promise<number> {
    const windowMs = this.config.CONTROL_WINDOW_SECONDS * 1_000;
    const graceMs = this.config.CONTROL_REPORT_GRACE_SECONDS * 1_000;
    const lastEnd = await this.windows.lastReportedEnd(this.dataSource.manager);
    // The first window of a new database starts at its first movement (recorded before the first
    // pass, or it would never be reported), or else where the grace ends now; aligned to the window.
    const firstMovement =
      lastEnd === null ? await this.windows.firstMovementAt(this.dataSource.manager) : null;
    const from = Math.min(now.getTime() - graceMs - windowMs, firstMovement?.getTime() ?? Infinity);
    const firstStart = new Date(Math.floor(from / windowMs) * windowMs);
    let written = 0;
    for (const window of dueWindows(lastEnd, firstStart, now, windowMs, graceMs, WINDOWS_PER_PASS_MAX)) {
      written += await this.dataSource.transaction(async (manager) => {
        const reports = controlReportsOf(
          await this.windows.movementsIn(manager, window.start, window.end),
          window,
        );
        if (!(await this.windows.claimWindow(manager, window.start, window.end, reports.length))) return 0;
        await appendToOutbox(
          manager,
          reports.map((report) =>
            createEvent('control_totals.reported', report, {
              aggregateId: report.merchantId,
              aggregateSequence: 1,
              merchantId: report.merchantId,
              correlationId: report.windowStart,
              causationId: null,
            }),
          ),
        );
        return reports.length;
      });
    }
    return written;
  }
}
