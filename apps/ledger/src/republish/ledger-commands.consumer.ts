import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { CONSUMER_GROUPS } from '@platform/contracts';
import { EventConsumers } from '@platform/service-runtime';
import { RepublishRepository } from './republish.repository';

/** ledger.republish_requested → the entries in the range are published again, same event ids. */
@Injectable()
export class LedgerCommandsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('LedgerCommandsConsumer');

  constructor(
    private readonly consumers: EventConsumers,
    private readonly republish: RepublishRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      ...CONSUMER_GROUPS.ledgerCommands,
      handle: async (event, manager) => {
        if (event.type !== 'ledger.republish_requested') return;
        const count = await this.republish.markForRepublish(
          BigInt(event.data.fromSequence),
          event.data.toSequence === undefined ? null : BigInt(event.data.toSequence),
          manager,
        );
        this.logger.log(
          `republishing ${count} entries from ${event.data.fromSequence} for ${event.data.requestedBy}`,
        );
      },
    });
  }
}
