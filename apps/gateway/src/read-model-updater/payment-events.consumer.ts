import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONSUMER_GROUPS, type AnyEventEnvelope, type EventEnvelope } from '@platform/contracts';
import { EventConsumers } from '@platform/service-runtime';
import { CommandOutcomesRepository } from '../command-outcomes/command-outcomes.repository';
import { commandOutcomeOf } from '../domain/command-outcome';
import { repairFor } from '../domain/command-rejection';
import { storedNextAction } from '../domain/next-action';
import { evolvePaymentView, type PaymentViewState } from '../domain/payment-view';
import { toDisputeResource } from '../disputes/dispute-resource';
import { DisputesRepository } from '../disputes/disputes.repository';
import { MerchantEventRecorder } from '../events/merchant-event-recorder.service';
import { toPayoutResource } from '../payouts/payout-resource';
import { PayoutsRepository } from '../payouts/payouts.repository';
import { toRefundResource } from '../refunds/refund-resource';
import { RefundsRepository } from '../refunds/refunds.repository';
import { toPaymentResource } from '../read-model/payment-resource';
import { PaymentsRepository, paymentFxOf } from '../read-model/payments.repository';
import { ReadModelSignals } from '../read-model/read-model-signals';

/**
 * Keeps the gateway's read models of payments, refunds, payouts and disputes up to date from the payments service's
 * events, and records each change as an event the merchant sees (and gets by webhook).
 */
@Injectable()
export class PaymentEventsConsumer implements OnApplicationBootstrap {
  private readonly logger = new Logger('PaymentEventsConsumer');

  constructor(
    private readonly consumers: EventConsumers,
    private readonly payments: PaymentsRepository,
    private readonly refunds: RefundsRepository,
    private readonly recorder: MerchantEventRecorder,
    private readonly payouts: PayoutsRepository,
    private readonly disputes: DisputesRepository,
    private readonly outcomes: CommandOutcomesRepository,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.consumers.start({
      ...CONSUMER_GROUPS.gatewayPayments,
      handle: (event, manager) => this.handle(event, manager),
    });
  }

  /**
   * Applies the event to the read model and, in the same transaction, records what it says of the
   * command that caused it, so a request waiting on that command reads the effect with the outcome.
   */
  async handle(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    await this.apply(event, manager);
    // Requests waiting on any of these read again once this commits (instead of polling).
    await ReadModelSignals.notifyChanged(manager, changedIds(event));
  }

  private async apply(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    if (event.type === 'payment.command_rejected') return this.applyRejection(event, manager);
    await this.applyToReadModel(event, manager);
    const outcome = commandOutcomeOf(event);
    if (outcome?.outcome !== 'applied') return;
    await this.outcomes.recordApplied(manager, {
      commandId: outcome.commandId,
      merchantId: event.merchantId,
      eventType: outcome.eventType,
      sourceEventId: event.id,
    });
  }

  private async applyToReadModel(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    switch (event.type) {
      case 'payment.created':
      case 'payment.requires_action':
      case 'payment.authorized':
      case 'payment.captured':
      case 'payment.canceled':
      case 'payment.failed':
        return this.applyToPayment(event, manager);
      case 'refund.succeeded':
      case 'refund.failed':
        return this.applyRefund(event, manager);
      case 'payout.paid':
      case 'payout.failed':
        return this.applyPayout(event, manager);
      case 'dispute.opened':
        return this.openDispute(event, manager);
      case 'dispute.closed':
        return this.closeDispute(event, manager);
      default:
        return;
    }
  }

  private async applyToPayment(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
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
      fx: paymentFxOf(payment),
      failureCode: payment.failureCode,
      failureMessage: payment.failureMessage,
      lastEventSequence: payment.lastEventSequence,
    };
    const next = evolvePaymentView(state, event);
    if (next === null) return;
    const nextAction =
      event.type === 'payment.requires_action'
        ? storedNextAction(event.data.action, event.data.expiresAt)
        : undefined;
    // The row is locked: what was written is what a re-read would return, without the round trip.
    const updated = await this.payments.applyView(manager, payment, next, nextAction);
    await this.recorder.record(manager, payment.merchantId, event.type, event.id, toPaymentResource(updated));
  }

  private async applyRefund(
    event: EventEnvelope<'refund.succeeded'> | EventEnvelope<'refund.failed'>,
    manager: EntityManager,
  ): Promise<void> {
    const succeeded = event.type === 'refund.succeeded';
    const refund = await this.refunds.settle(
      manager,
      event.merchantId,
      event.data.refundId,
      succeeded ? 'succeeded' : 'failed',
      event.type === 'refund.failed' ? event.data.failureCode : null,
    );
    if (refund === null) {
      this.logger.warn(`${event.type} ${event.id}: no pending refund ${event.data.refundId}; ignored`);
      return;
    }
    if (succeeded) await this.payments.addRefunded(manager, refund.paymentId, BigInt(refund.amountMinor));
    await this.recorder.record(manager, refund.merchantId, event.type, event.id, toRefundResource(refund));
  }

  private async applyPayout(
    event: EventEnvelope<'payout.paid'> | EventEnvelope<'payout.failed'>,
    manager: EntityManager,
  ): Promise<void> {
    const payout = await this.payouts.settle(
      manager,
      event.merchantId,
      event.data.payoutId,
      event.type === 'payout.paid' ? 'paid' : 'failed',
      event.type === 'payout.failed' ? event.data.failureCode : null,
    );
    if (payout === null) {
      this.logger.warn(`${event.type} ${event.id}: no pending payout ${event.data.payoutId}; ignored`);
      return;
    }
    await this.recorder.record(manager, payout.merchantId, event.type, event.id, toPayoutResource(payout));
  }

  private async openDispute(event: EventEnvelope<'dispute.opened'>, manager: EntityManager): Promise<void> {
    const payment = await this.payments.findForUpdate(manager, event.data.paymentId);
    if (payment === null || payment.merchantId !== event.merchantId) {
      this.logger.warn(
        `${event.type} ${event.id}: no payment ${event.data.paymentId} of ${event.merchantId}; ignored`,
      );
      return;
    }
    const dispute = await this.disputes.open(manager, {
      id: event.data.disputeId,
      merchantId: payment.merchantId,
      paymentId: payment.id,
      amountMinor: event.data.amountMinor,
      currency: event.data.currency,
      reason: event.data.reason,
    });
    if (dispute === null) return;
    await this.recorder.record(manager, dispute.merchantId, event.type, event.id, toDisputeResource(dispute));
  }

  /**
   * A command this gateway sent was refused: its outcome recorded rejected (the request waiting on
   * it answers 409), and the row the command left waiting put right, so the merchant can try again.
   */
  private async applyRejection(
    event: EventEnvelope<'payment.command_rejected'>,
    manager: EntityManager,
  ): Promise<void> {
    const { data } = event;
    const recorded = await this.outcomes.recordRejected(manager, {
      commandId: data.commandId,
      merchantId: event.merchantId,
      commandType: data.commandType,
      paymentId: data.paymentId ?? null,
      code: data.code,
      message: data.message,
      sourceEventId: event.id,
    });
    if (!recorded) {
      this.logger.warn(`${event.type} ${event.id}: command ${data.commandId} was decided before; ignored`);
      return;
    }
    switch (repairFor(data.commandType)) {
      case 'reopen_dispute': {
        const dispute = await this.disputes.reopenForEvidence(manager, event.merchantId, data.commandId);
        if (dispute === null) return;
        await this.recorder.record(
          manager,
          dispute.merchantId,
          'dispute.updated',
          event.id,
          toDisputeResource(dispute),
        );
        return;
      }
      case 'fail_refund': {
        const refund = await this.refunds.failRefused(manager, event.merchantId, data.commandId, data.code);
        if (refund === null) return;
        await this.recorder.record(
          manager,
          refund.merchantId,
          'refund.failed',
          event.id,
          toRefundResource(refund),
        );
        return;
      }
      case 'fail_payout': {
        const payout = await this.payouts.failRefused(manager, event.merchantId, data.commandId, data.code);
        if (payout === null) return;
        await this.recorder.record(
          manager,
          payout.merchantId,
          'payout.failed',
          event.id,
          toPayoutResource(payout),
        );
        return;
      }
      case 'none':
        return;
    }
  }

  private async closeDispute(event: EventEnvelope<'dispute.closed'>, manager: EntityManager): Promise<void> {
    const dispute = await this.disputes.close(
      manager,
      event.merchantId,
      event.data.disputeId,
      event.data.outcome,
    );
    if (dispute === null) {
      this.logger.warn(`${event.type} ${event.id}: no open dispute ${event.data.disputeId}; ignored`);
      return;
    }
    await this.recorder.record(manager, dispute.merchantId, event.type, event.id, toDisputeResource(dispute));
  }
}

/** What a waiting request may be watching that this event changes: its aggregate, its command, its object. */
function changedIds(event: AnyEventEnvelope): string[] {
  const ids = [event.aggregateId];
  if (event.causationId !== null) ids.push(event.causationId);
  const data = event.data as {
    refundId?: unknown;
    payoutId?: unknown;
    commandId?: unknown;
    paymentId?: unknown;
  };
  for (const id of [data.refundId, data.payoutId, data.commandId, data.paymentId]) {
    if (typeof id === 'string') ids.push(id);
  }
  return ids;
}
