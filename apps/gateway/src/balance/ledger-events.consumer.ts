import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { recordMerchantVolume } from '../merchant-reports/merchant-volume.repository';
import type { EntityManager } from 'typeorm';
import { CONSUMER_GROUPS, type AnyEventEnvelope } from '@platform/contracts';
import { EventConsumers } from '@platform/service-runtime';
import { balanceDeltas } from '../domain/merchant-balance';
import { BalanceRepository } from './balance.repository';

/** Keeps merchants' balances from the ledger's posted entries (the ledger is the source of truth). */
@Injectable()
export class LedgerEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly balances: BalanceRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      ...CONSUMER_GROUPS.gatewayBalances,
      handle: (event, manager) => this.handle(event, manager),
    });
  }

  async handle(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    if (event.type !== 'ledger.entry_posted') return;
    for (const delta of balanceDeltas(event.data.postings)) {
      await this.balances.add(
        manager,
        delta.merchantId,
        delta.currency,
        delta.pendingMinor,
        delta.availableMinor,
      );
    }
    await recordMerchantVolume(manager, event.data);
  }
}
