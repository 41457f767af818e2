import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONSUMER_GROUPS, type AnyEventEnvelope } from '@platform/contracts';
import { EventConsumers } from '@platform/service-runtime';
import { PayoutsService } from '../payouts/payouts.service';
import { PaymentLifecycle } from './payment-lifecycle.service';

/** Translates payment commands and risk decisions into lifecycle calls; ignores everything else. */
@Injectable()
export class PaymentLifecycleConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly consumers: EventConsumers,
    private readonly lifecycle: PaymentLifecycle,
    private readonly payouts: PayoutsService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      ...CONSUMER_GROUPS.payments,
      handle: (event, manager) => this.handle(event, manager),
    });
  }

  async handle(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case 'payment.create':
        return this.lifecycle.create(event, manager);
      case 'risk.assessed':
        return this.lifecycle.applyRiskAssessment(event, manager);
      case 'payment.capture':
        return this.lifecycle.capture(event, manager);
      case 'payment.cancel':
        return this.lifecycle.cancel(event, manager);
      case 'payment.resolve_action':
        return this.lifecycle.resolveAction(event, manager);
      case 'refund.create':
        return this.lifecycle.refund(event, manager);
      case 'dispute.submit_evidence':
        return this.lifecycle.submitDisputeEvidence(event, manager);
      case 'payout.create':
        return this.payouts.create(event, manager);
      default:
        return;
    }
  }
}
