import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { createEvent } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments-config';
import { processorFees } from './settlement-config';
import { planSettlements, type PlannedSettlement } from '../domain/settlement-plan';
import { SettlementRepository } from './settlement.repository';

/** Captures settled per transaction; a run takes batches until none is left. */
export const SETTLEMENT_BATCH_CAPTURES_MAX = 2_000;
/** Refunds and chargebacks deducted per transaction, likewise. */
export const SETTLEMENT_BATCH_DEDUCTIONS_MAX = 2_000;
/** A bound on one run, so an endless stream of new captures cannot keep it going forever. */
export const SETTLEMENT_RUN_BATCHES_MAX = 100;

/** Settlement events concern no single merchant: the envelope names the platform. */
const PLATFORM_MERCHANT = 'platform';

/**
 * Settles what the ledger booked against the processor receivables: captures, less the refunds
 * and lost chargebacks the processor deducts (the ledger took the receivable down by them when it
 * booked them, so netting them here brings it to zero). Each batch's settlements, the stamps on
 * their items and their settlement.reported events commit in one transaction, so a crash never
 * half-settles and nothing is settled twice.
 */
@Injectable()
export class SettleCaptures {
  private readonly logger = new Logger('SettleCaptures');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly settlements: SettlementRepository,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {}

  /** Settles every booked item made before `capturedBefore`; returns what was reported. */
  async run(capturedBefore: Date): Promise<PlannedSettlement[]> {
    const reported: PlannedSettlement[] = [];
    for (let batch = 0; batch < SETTLEMENT_RUN_BATCHES_MAX; batch += 1) {
      const settled = await this.dataSource.transaction(async (manager) => {
        const captures = await this.settlements.lockUnsettled(
          manager,
          capturedBefore,
          SETTLEMENT_BATCH_CAPTURES_MAX,
        );
        const deductions = await this.settlements.lockUnsettledDeductions(
          manager,
          capturedBefore,
          SETTLEMENT_BATCH_DEDUCTIONS_MAX,
        );
        const planned = planSettlements(captures, deductions, processorFees(this.config));
        const correlationId = randomUUID();
        for (const settlement of planned) await this.settlements.recordSettlement(manager, settlement);
        await appendToOutbox(
          manager,
          planned.map((s) =>
            createEvent(
              'settlement.reported',
              {
                settlementId: s.settlementId,
                processor: s.processor,
                currency: s.currency,
                settlementDate: s.settlementDate,
                grossAmountMinor: s.grossAmountMinor.toString(),
                refundedAmountMinor: s.refundedAmountMinor.toString(),
                chargebackAmountMinor: s.chargebackAmountMinor.toString(),
                processorFeeAmountMinor: s.processorFeeAmountMinor.toString(),
                netAmountMinor: s.netAmountMinor.toString(),
                captureIds: [...s.captureIds],
                refundIds: [...s.refundIds],
                disputeIds: [...s.disputeIds],
              },
              {
                aggregateId: s.settlementId,
                aggregateSequence: 1,
                merchantId: PLATFORM_MERCHANT,
                correlationId,
                causationId: null,
              },
            ),
          ),
        );
        return {
          planned,
          full:
            captures.length === SETTLEMENT_BATCH_CAPTURES_MAX ||
            deductions.length === SETTLEMENT_BATCH_DEDUCTIONS_MAX,
        };
      });
      reported.push(...settled.planned);
      if (!settled.full) break;
    }
    for (const s of reported) {
      this.logger.log(
        `settlement ${s.settlementId}: ${s.captureIds.length} captures, gross ${s.grossAmountMinor}, ` +
          `${s.refundIds.length} refunds ${s.refundedAmountMinor}, ` +
          `${s.disputeIds.length} chargebacks ${s.chargebackAmountMinor}, ` +
          `fee ${s.processorFeeAmountMinor}, net ${s.netAmountMinor} ${s.currency}`,
      );
    }
    return reported;
  }
}

/** Midnight UTC of the day `now` falls in: the daily run settles the days before it. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}
