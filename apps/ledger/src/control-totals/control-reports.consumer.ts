import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { CONSUMER_GROUPS } from '@platform/contracts';
import { EventConsumers } from '@platform/service-runtime';
import { ControlTotalsRepository } from './control-totals.repository';

/** Keeps payments' control reports (payments.control) for the check against the books. */
@Injectable()
export class ControlReportsConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly reports: ControlTotalsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      ...CONSUMER_GROUPS.ledgerControl,
      handle: async (event, manager) => {
        if (event.type === 'control_totals.reported') await this.reports.record(manager, event);
      },
    });
  }
}
