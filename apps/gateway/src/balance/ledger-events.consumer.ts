import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { recordMerchantVolume } from '../merchant-reports/merchant-volume.repository';
import type { EntityManager } from 'typeorm';
import { CONSUMER_GROUPS, type AnyEventEnvelope, type EventEnvelope } from '@platform/contracts';
import { EventConsumers } from '@platform/service-runtime';
import { planEntry, type LedgerEntryFacts } from '../domain/balance-transactions';
import { BalanceRepository } from './balance.repository';
import { BalanceTransactionsRepository, type EntryPosition } from './balance-transactions.repository';

/**
 * Keeps merchants' balances and their balance transactions from the ledger's posted entries (the
 * ledger is the source of truth), both in the consumer's transaction, so they never disagree.
 */
@Injectable()
export class LedgerEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly balances: BalanceRepository,
    private readonly transactions: BalanceTransactionsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      ...CONSUMER_GROUPS.gatewayBalances,
      handle: (event, manager) => this.handle(event, manager),
    });
  }

  async handle(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    if (event.type !== 'ledger.entry_posted') return;
    const facts = entryFacts(event);
    const position: EntryPosition = { entryId: facts.entryId, sequence: facts.sequence, ordinal: 0 };
    for (const plan of planEntry(facts)) {
      // The balance row's lock orders every move of this merchant and currency.
      await this.balances.add(
        manager,
        plan.merchantId,
        plan.currency,
        plan.pendingMinor,
        plan.availableMinor,
      );
      await this.transactions.record(manager, plan, position);
    }
    await recordMerchantVolume(manager, event.data);
  }
}

function entryFacts(event: EventEnvelope<'ledger.entry_posted'>): LedgerEntryFacts {
  const { data } = event;
  const { context } = data;
  return {
    entryId: data.entryId,
    sequence: BigInt(data.sequence),
    kind: data.kind,
    postings: data.postings,
    occurredAt: new Date(context.occurredAt),
    feeMinor: BigInt(context.feeAmountMinor),
    paymentId: context.paymentId,
    refundId: context.refundId,
    payoutId: context.payoutId,
    disputeId: context.disputeId,
    settlementId: context.settlementId,
    exchangeRate: context.fx?.rate,
  };
}
