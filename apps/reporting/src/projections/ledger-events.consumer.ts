import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TOPICS, type AnyEventEnvelope } from '@platform/contracts';
import { EventConsumers } from '@platform/service-runtime';
import { VolumeProjector } from './volume/volume-projector';

/** Feeds ledger events to the projections; nothing else feeds them. */
@Injectable()
export class LedgerEventsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly volume: VolumeProjector,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      groupName: 'reporting',
      topics: [TOPICS.ledgerEvents],
      handle: (event, manager) => this.handle(event, manager),
    });
  }

  private async handle(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case 'ledger.entry_posted':
        return this.volume.apply(event, manager);
      default:
        return;
    }
  }
}
