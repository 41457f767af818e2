import { Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { CONSUMER_GROUPS, type AnyEventEnvelope, type EventEnvelope } from '@platform/contracts';
import type { ConsumedEvent } from '@platform/kafka';
import { EventConsumers } from '@platform/service-runtime';
import { CommandOutcomesRepository } from '../command-outcomes/command-outcomes.repository';
import { commandOutcomeOf } from '../domain/command-outcome';
import { repairFor } from '../domain/command-rejection';
import { storedNextAction } from '../domain/next-action';
import { evolvePaymentView } from '../domain/payment-view';
import { toDisputeResource } from '../disputes/dispute-resource';
import { DisputesRepository } from '../disputes/disputes.repository';
import { MerchantEventRecorder } from '../events/merchant-event-recorder.service';
import { toPayoutResource } from '../payouts/payout-resource';
import { PayoutsRepository } from '../payouts/payouts.repository';
import { toRefundResource } from '../refunds/refund-resource';
import { RefundsRepository } from '../refunds/refunds.repository';
import { merchantEventOf } from '../read-model/payment-resource';
import { PaymentsRepository, paymentViewOf } from '../read-model/payments.repository';
import { ReadModelBatch } from './read-model-batch';

/** Events that evolve a payment's view (applyToPayment). */
const PAYMENT_VIEW_EVENT_TYPES: ReadonlySet<string> = new Set([
  'payment.created',
  'payment.requires_action',
  'payment.authorized',
  'payment.captured',
  'payment.canceled',
  'payment.failed',
  'payment.review_opened',
  'payment.review_closed',
] satisfies AnyEventEnvelope['type'][]);

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
      handleBatch: (events, manager) => this.applyAll(events, manager),
    });
  }

  /** One event in a transaction of its own (the runtime's one-by-one replay): a batch of one. */
  handle(event: AnyEventEnvelope, manager: EntityManager): Promise<void> {
    return this.applyAll([{ event, inSpan: (work) => work() }], manager);
  }

  /**
   * Applies the events, in order, to the read model and, in the same transaction, records what
   * each says of the command that caused it, so a request waiting on that command reads the effect
   * with the outcome; requests waiting on what changed are woken when it commits.
   */
  async applyAll(
    events: readonly Pick<ConsumedEvent, 'event' | 'inSpan'>[],
    manager: EntityManager,
  ): Promise<void> {
    const batch = new ReadModelBatch(manager, this.payments, this.recorder, this.outcomes);
    await batch.lockPayments(events.flatMap(({ event }) => lockedPaymentIdOf(event)));
    for (const { event, inSpan } of events) {
      await inSpan(() => this.apply(event, manager, batch));
      batch.changed(changedIds(event));
    }
    await batch.write();
  }

  private async apply(event: AnyEventEnvelope, manager: EntityManager, batch: ReadModelBatch): Promise<void> {
    if (event.type === 'payment.command_rejected') return this.applyRejection(event, manager, batch);
    await this.applyToReadModel(event, manager, batch);
    const outcome = commandOutcomeOf(event);
    if (outcome?.outcome !== 'applied') return;
    batch.commandApplied({
      commandId: outcome.commandId,
      merchantId: event.merchantId,
      eventType: outcome.eventType,
      sourceEventId: event.id,
    });
  }

  private async applyToReadModel(
    event: AnyEventEnvelope,
    manager: EntityManager,
    batch: ReadModelBatch,
  ): Promise<void> {
    switch (event.type) {
      case 'payment.created':
      case 'payment.requires_action':
      case 'payment.authorized':
      case 'payment.captured':
      case 'payment.canceled':
      case 'payment.failed':
      case 'payment.review_opened':
      case 'payment.review_closed':
        return this.applyToPayment(event, batch);
      case 'refund.succeeded':
      case 'refund.failed':
        return this.applyRefund(event, manager, batch);
      case 'payout.paid':
      case 'payout.failed':
        return this.applyPayout(event, manager, batch);
      case 'dispute.opened':
        return this.openDispute(event, manager, batch);
      case 'dispute.closed':
        return this.closeDispute(event, manager, batch);
      default:
        return;
    }
  }

  private async applyToPayment(event: AnyEventEnvelope, batch: ReadModelBatch): Promise<void> {
    const payment = await batch.payment(event.aggregateId);
    if (payment === null || payment.merchantId !== event.merchantId) {
      // Not a payment this gateway accepted (or a mismatched merchant): nothing to show anyone.
      this.logger.warn(
        `${event.type} ${event.id}: no payment ${event.aggregateId} of ${event.merchantId}; ignored`,
      );
      return;
    }
    const next = evolvePaymentView(paymentViewOf(payment), event);
    if (next === null) return;
    const nextAction =
      event.type === 'payment.requires_action'
        ? storedNextAction(event.data.action, event.data.expiresAt)
        : undefined;
    const updated = batch.setView(payment, next, nextAction);
    // Review events show the merchant the review (review.opened / review.closed).
    const shown = merchantEventOf(event.type, updated);
    batch.record({
      merchantId: payment.merchantId,
      type: shown.type,
      sourceEventId: event.id,
      object: shown.object,
    });
  }

  private async applyRefund(
    event: EventEnvelope<'refund.succeeded'> | EventEnvelope<'refund.failed'>,
    manager: EntityManager,
    batch: ReadModelBatch,
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
    if (succeeded) await batch.addRefunded(refund.paymentId, BigInt(refund.amountMinor));
    batch.record({
      merchantId: refund.merchantId,
      type: event.type,
      sourceEventId: event.id,
      object: toRefundResource(refund),
    });
  }

  private async applyPayout(
    event: EventEnvelope<'payout.paid'> | EventEnvelope<'payout.failed'>,
    manager: EntityManager,
    batch: ReadModelBatch,
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
    batch.record({
      merchantId: payout.merchantId,
      type: event.type,
      sourceEventId: event.id,
      object: toPayoutResource(payout),
    });
  }

  private async openDispute(
    event: EventEnvelope<'dispute.opened'>,
    manager: EntityManager,
    batch: ReadModelBatch,
  ): Promise<void> {
    const payment = await batch.payment(event.data.paymentId);
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
    batch.record({
      merchantId: dispute.merchantId,
      type: event.type,
      sourceEventId: event.id,
      object: toDisputeResource(dispute),
    });
  }

  /**
   * A command this gateway sent was refused: its outcome recorded rejected (the request waiting on
   * it answers 409), and the row the command left waiting put right, so the merchant can try again.
   */
  private async applyRejection(
    event: EventEnvelope<'payment.command_rejected'>,
    manager: EntityManager,
    batch: ReadModelBatch,
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
        batch.record({
          merchantId: dispute.merchantId,
          type: 'dispute.updated',
          sourceEventId: event.id,
          object: toDisputeResource(dispute),
        });
        return;
      }
      case 'fail_refund': {
        const refund = await this.refunds.failRefused(manager, event.merchantId, data.commandId, data.code);
        if (refund === null) return;
        batch.record({
          merchantId: refund.merchantId,
          type: 'refund.failed',
          sourceEventId: event.id,
          object: toRefundResource(refund),
        });
        return;
      }
      case 'fail_payout': {
        const payout = await this.payouts.failRefused(manager, event.merchantId, data.commandId, data.code);
        if (payout === null) return;
        batch.record({
          merchantId: payout.merchantId,
          type: 'payout.failed',
          sourceEventId: event.id,
          object: toPayoutResource(payout),
        });
        return;
      }
      case 'none':
        return;
    }
  }

  private async closeDispute(
    event: EventEnvelope<'dispute.closed'>,
    manager: EntityManager,
    batch: ReadModelBatch,
  ): Promise<void> {
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
    batch.record({
      merchantId: dispute.merchantId,
      type: event.type,
      sourceEventId: event.id,
      object: toDisputeResource(dispute),
    });
  }
}

/** The payment whose row the event's application locks: locked for the whole batch up front. */
function lockedPaymentIdOf(event: AnyEventEnvelope): string[] {
  if (PAYMENT_VIEW_EVENT_TYPES.has(event.type)) return [event.aggregateId];
  if (event.type === 'dispute.opened') return [event.data.paymentId];
  return [];
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
