import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { TOPICS, type AnyEventEnvelope } from '@platform/contracts';
import { EventConsumers } from '@platform/service-runtime';
import { evolvePaymentView, type PaymentViewState } from '../domain/payment-view';
import { PaymentsRepository } from './payments.repository';

/** Keeps the gateway's read model of payments up to date from the payments service's events. */
@Injectable()
export class PaymentEventsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('PaymentEventsConsumer');

  constructor(
    private readonly consumers: EventConsumers,
    private readonly payments: PaymentsRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      groupName: 'gateway',
      topics: [TOPICS.paymentsEvents],
      handle: (event, manager) => this.handle(event, manager),
    });
  }

  async handle(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case 'payment.created':
      case 'payment.authorized':
      case 'payment.captured':
      case 'payment.failed':
        return this.apply(event, manager);
      default:
        return;
    }
  }

  private async apply(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    const payment = await this.payments.findForUpdate(manager, event.aggregateId);
    if (payment === null || payment.merchantId !== event.merchantId) {
      // Not a payment this gateway accepted (or a mismatched merchant): nothing to show anyone.
      this.logger.warn(
        `${event.type} ${event.id}: no payment ${event.aggregateId} of ${event.merchantId}; ignored`,
      );
      return;
    }
    const state: PaymentViewState = {
      status: payment.status,
      captureMethod: payment.captureMethod,
      amountCapturedMinor: BigInt(payment.amountCapturedMinor),
      failureCode: payment.failureCode,
      failureMessage: payment.failureMessage,
      lastEventSequence: payment.lastEventSequence,
    };
    const next = evolvePaymentView(state, event);
    if (next === null) return;
    await this.payments.applyView(manager, payment.id, next);
  }
}
