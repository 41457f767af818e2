import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { causedBy, type AnyEventEnvelope, type EventEnvelope } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { UnprocessableEventError } from '@platform/kafka';
import {
  NO_PAYMENT,
  handleCommand,
  isRejection,
  type Payment,
  type PaymentCommand,
  type PaymentEvent,
  type ProcessorOutcome,
} from '../domain/payment-state-machine';
import { idempotencyKeys, type AuthorizationResult } from '../processors/processor-connector';
import { ProcessorRegistry } from '../processors/processor-registry';
import { PaymentRepository, type LockedPayment } from './payment.repository';
import { toContractEvents } from './contract-events';

/** First attempt at a processor; retries at another processor (a later issue) count up. */
const FIRST_ATTEMPT = 1;

export function toProcessorOutcome(result: AuthorizationResult, processor: string): ProcessorOutcome {
  switch (result.outcome) {
    case 'authorized':
      return { outcome: 'authorized', processor, processorReference: result.processorReference };
    case 'declined':
      return { outcome: 'declined', processor, declineCode: result.declineCode, message: result.message };
    case 'error':
      return { outcome: 'error', processor, message: result.message };
  }
}

/** A command whose rejection means the code is wrong, not the input: it must never happen. */
function mustApply(command: PaymentCommand, state: Payment): { events: PaymentEvent[]; state: Payment } {
  const result = handleCommand(command, state);
  if (isRejection(result)) throw new Error(`${command.type} rejected (${result.code}): ${result.message}`);
  return result as { events: PaymentEvent[]; state: Payment };
}

/**
 * Applies commands and risk decisions to payments. Each method runs inside the consumer's
 * transaction: the payment row is locked, then its new state, its history and its outgoing
 * events are written together, or not at all.
 */
@Injectable()
export class PaymentLifecycle {
  private readonly logger = new Logger('PaymentLifecycle');

  constructor(
    private readonly payments: PaymentRepository,
    private readonly processors: ProcessorRegistry,
  ) {}

  /** payment.create → the payment row and payment.created (sequence 1); a duplicate is ignored. */
  async create(command: EventEnvelope<'payment.create'>, manager: EntityManager): Promise<void> {
    const { data } = command;
    if (command.merchantId !== data.merchantId || command.aggregateId !== data.paymentId) {
      throw new UnprocessableEventError(
        `payment.create ${command.id}: envelope (${command.merchantId}, ${command.aggregateId}) ` +
          `does not match data (${data.merchantId}, ${data.paymentId})`,
      );
    }
    const paymentMethod = data.paymentMethod;
    if (paymentMethod.type !== 'card') {
      throw new UnprocessableEventError(
        `payment.create ${command.id}: ${paymentMethod.type} is not supported yet`,
      );
    }
    const existing = await this.payments.findForUpdate(manager, data.paymentId);
    const result = handleCommand(
      {
        type: 'CreatePayment',
        data: {
          paymentId: data.paymentId,
          merchantId: data.merchantId,
          amountMinor: BigInt(data.amountMinor),
          currency: data.currency,
          captureMethod: data.captureMethod,
          paymentMethod,
          ...(data.customer === undefined ? {} : { customer: data.customer }),
        },
      },
      existing?.state ?? NO_PAYMENT,
    );
    if (isRejection(result)) {
      this.logger.warn(`payment.create ${command.id} for ${data.paymentId} ignored: ${result.code}`);
      return;
    }
    const state = result.state as Payment;
    const inserted = await this.payments.insert(manager, {
      state,
      paymentMethod,
      customer: data.customer ?? null,
    });
    if (!inserted) {
      this.logger.warn(`payment.create ${command.id} for ${data.paymentId} ignored: payment_already_exists`);
      return;
    }
    const events = toContractEvents(result.events, 0, (sequence) =>
      causedBy(command, sequence, data.paymentId),
    );
    await this.record(manager, events);
  }

  /**
   * risk.assessed → decline fails the payment without a processor; approve authorizes at the
   * processor (and captures at once for automatic capture); review leaves it processing.
   */
  async applyRiskAssessment(
    assessment: EventEnvelope<'risk.assessed'>,
    manager: EntityManager,
  ): Promise<void> {
    const paymentId = assessment.data.paymentId;
    const locked = await this.payments.findForUpdate(manager, paymentId);
    if (locked === null) {
      // payment.created is only published after the row commits, so this is a foreign or forged event.
      throw new UnprocessableEventError(`risk.assessed ${assessment.id} for unknown payment ${paymentId}`);
    }
    if (locked.state.merchantId !== assessment.merchantId) {
      throw new UnprocessableEventError(
        `risk.assessed ${assessment.id} names another merchant than ${paymentId}`,
      );
    }
    const { decision, score, reasons } = assessment.data;
    const applied = handleCommand(
      { type: 'ApplyRiskDecision', data: { decision, score, reasons } },
      locked.state,
    );
    if (isRejection(applied)) {
      this.logger.warn(
        `risk.assessed ${assessment.id} for ${paymentId} ignored: ${applied.code} (${applied.message})`,
      );
      return;
    }
    let state = applied.state as Payment;
    const emitted: PaymentEvent[] = [...applied.events];
    switch (decision) {
      case 'decline':
        this.logger.log(`payment ${paymentId} declined by risk (score ${score}: ${reasons.join(', ')})`);
        break;
      case 'review':
        this.logger.log(`payment ${paymentId} held for review (score ${score}: ${reasons.join(', ')})`);
        break;
      case 'approve': {
        const processed = await this.authorizeAndCapture({ ...locked, state });
        state = processed.state;
        emitted.push(...processed.events);
        break;
      }
    }
    if (emitted.length === 0) return;
    await this.payments.update(manager, state, locked.state.version);
    const events = toContractEvents(emitted, locked.state.version, (sequence) =>
      causedBy(assessment, sequence, paymentId),
    );
    await this.record(manager, events);
  }

  /**
   * The processor calls happen inside the transaction that holds the row lock. If the transaction
   * rolls back, the redelivered event repeats them with the same idempotency keys and gets the
   * same answers, so nothing is authorized or captured twice.
   */
  private async authorizeAndCapture(
    locked: LockedPayment,
  ): Promise<{ state: Payment; events: PaymentEvent[] }> {
    let state = locked.state;
    const connector = this.processors.route();
    const { bin, last4, brand } = locked.paymentMethod.card;
    const authorization = await connector.authorize({
      idempotencyKey: idempotencyKeys.authorization(state.paymentId, FIRST_ATTEMPT),
      amountMinor: state.amountMinor,
      currency: state.currency,
      card: { bin, last4, brand },
    });
    const recorded = mustApply(
      { type: 'RecordProcessorOutcome', data: toProcessorOutcome(authorization, connector.name) },
      state,
    );
    state = recorded.state;
    const events = [...recorded.events];
    if (authorization.outcome !== 'authorized') {
      this.logger.log(
        `payment ${state.paymentId} not authorized by ${connector.name}: ${authorization.outcome}`,
      );
      return { state, events };
    }
    if (state.captureMethod !== 'automatic') return { state, events };

    const capture = mustApply({ type: 'Capture', data: {} }, state);
    const captured = await this.processors.byName(connector.name).capture({
      idempotencyKey: idempotencyKeys.capture(state.paymentId, FIRST_ATTEMPT),
      processorReference: authorization.processorReference,
      amountMinor: state.amountMinor,
      currency: state.currency,
    });
    if (captured.outcome !== 'captured') {
      // The authorization stands; the payment stays requires_capture until a capture retry (later issue).
      this.logger.warn(
        `payment ${state.paymentId}: automatic capture failed at ${connector.name}: ${captured.message}`,
      );
      return { state, events };
    }
    return { state: capture.state, events: [...events, ...capture.events] };
  }

  private async record(manager: EntityManager, events: readonly AnyEventEnvelope[]): Promise<void> {
    await this.payments.appendEvents(manager, events);
    await appendToOutbox(manager, events);
  }
}
