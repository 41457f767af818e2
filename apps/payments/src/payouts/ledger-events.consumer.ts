import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONSUMER_GROUPS, type AnyEventEnvelope } from '@platform/contracts';
import { EventConsumers } from '@platform/service-runtime';
import { SettlementRepository } from '../settlement/settlement.repository';
import { availableBalanceDeltas } from '../domain/payout-state';
import { PayoutsRepository } from './payouts.repository';
import { PayoutsService } from './payouts.service';

/**
 * What payments learns from the ledger (group payments-ledger): which captures, refunds and lost
 * chargebacks it booked against the processor receivables (only those are settled), the merchants'
 * available balances (for daily payouts), and its answer to each payout.requested. Everything else
 * on ledger.events is ignored.
 */
@Injectable()
export class LedgerEventsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('LedgerEvents');

  constructor(
    private readonly consumers: EventConsumers,
    private readonly settlements: SettlementRepository,
    private readonly payoutsRepository: PayoutsRepository,
    private readonly payouts: PayoutsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      ...CONSUMER_GROUPS.paymentsLedger,
      batchSizeMax: 100,
      handle: (event, manager) => this.handle(event, manager),
    });
  }

  async handle(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    if (event.type === 'ledger.entry_rejected') {
      if (event.data.sourceEventType === 'settlement.reported') {
        // Never expected (only what the ledger booked is settled, summed as it booked it): the
        // captures stay in pending and the receivable open until an operator looks.
        this.logger.error(
          `settlement ${event.data.settlementId ?? '?'} (event ${event.data.sourceEventId}) rejected by the ledger: ` +
            `${event.data.reason}: ${event.data.message}`,
        );
        return;
      }
      return this.payouts.onRejected(event, manager);
    }
    if (event.type !== 'ledger.entry_posted') return;
    const { kind, context, postings, sourceEventId } = event.data;
    for (const delta of availableBalanceDeltas(postings)) {
      await this.payoutsRepository.addAvailable(
        manager,
        delta.merchantId,
        delta.currency,
        delta.availableMinor,
      );
    }
    if (kind === 'capture' && context.captureId !== undefined) {
      await this.settlements.recordBookedCapture(manager, context.captureId, sourceEventId);
    }
    if (kind === 'refund' && context.refundId !== undefined) {
      await this.settlements.recordBookedDeduction(manager, 'refund', context.refundId, sourceEventId);
    }
    if (kind === 'dispute_lost' && context.disputeId !== undefined) {
      await this.settlements.recordBookedDeduction(manager, 'chargeback', context.disputeId, sourceEventId);
    }
    if (kind === 'payout') await this.payouts.onReserved(event, manager);
  }
}
