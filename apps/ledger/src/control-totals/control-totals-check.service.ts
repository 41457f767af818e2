import { Inject, Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { PeriodicJob, type PeriodicJobSchedule } from '@platform/service-runtime';
import { metricsRegistry } from '@platform/telemetry';
import { LEDGER_CONFIG, type LedgerConfig } from '../ledger-config';
import { ControlTotalsRepository, type ControlDifferenceKind } from './control-totals.repository';

/** A difference is re-checked this long (a redriven event may mend it), then it stays as found. */
const RECHECK_HOURS = 7 * 24;
const REPORTS_PER_PASS_MAX = 500;
const KINDS: readonly ControlDifferenceKind[] = [
  'capture_missing',
  'capture_amount',
  'refund_missing',
  'refund_amount',
  'payout_missing',
  'payout_amount',
  'payout_not_paid',
];

const controlDifferences = new Gauge({
  name: 'ledger_control_differences',
  help: 'Movements payments reported (captures, refunds, payouts) that the ledger did not book as reported, by kind.',
  labelNames: ['kind'] as const,
  registers: [metricsRegistry],
});

/**
 * Checks payments' control reports against the books: every capture, refund and payout payments
 * recorded must be booked once with its amount. What is not is kept with its ids (GET
 * /v1/ledger/control), logged, and counted in ledger_control_differences.
 */
@Injectable()
export class ControlTotalsCheck extends PeriodicJob {
  private readonly logger = new Logger('ControlTotalsCheck');
  /** What the last pass found: a difference that stays is re-checked every pass, but said once. */
  private lastSummary = '';

  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    private readonly reports: ControlTotalsRepository,
  ) {
    super();
  }

  async checkOnce(): Promise<number> {
    const withDifferences = await this.reports.checkDue(
      this.config.LEDGER_CONTROL_GRACE_SECONDS,
      RECHECK_HOURS,
      REPORTS_PER_PASS_MAX,
    );
    const counts = await this.reports.countsByKind();
    for (const kind of KINDS) controlDifferences.set({ kind }, counts.get(kind) ?? 0);
    // Standing differences, all reports: a report is re-checked only now and then, so a pass that
    // re-checked none would otherwise forget them and say them again on the next.
    const summary = [...counts]
      .filter(([, count]) => count > 0)
      .map(([kind, count]) => `${count} ${kind}`)
      .join(', ');
    if (withDifferences > 0) {
      const line = `control totals: ${withDifferences} report(s) name movements the books lack (${summary})`;
      // The gauge and its alert keep a standing difference in view; the log says it when it changes.
      if (summary === this.lastSummary) this.logger.debug(line);
      else this.logger.error(line);
    }
    this.lastSummary = summary;
    return withDifferences;
  }

  protected schedule(): PeriodicJobSchedule {
    return {
      name: 'control totals check',
      intervalMs: this.config.LEDGER_CONTROL_CHECK_INTERVAL_SECONDS * 1_000,
      logger: this.logger,
    };
  }

  protected runPass(): Promise<unknown> {
    return this.checkOnce();
  }
}
