import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  causedBy,
  type AnyEventEnvelope,
  type EventEnvelope,
  type NewEventMetadata,
} from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { UnprocessableEventError } from '@platform/kafka';
import {
  NO_PAYMENT,
  handleCommand,
  isRejection,
  refundableAmountMinor,
  type Rejection,
  type Payment,
  type PaymentCommand,
  type PaymentEvent,
  type PaymentMethodType,
  type PendingAction,
  type ProcessorOutcome,
} from '../domain/payment-state-machine';
import { routeFor } from '../domain/processor-routing';
import { riskTimeoutPolicyFor, type RiskTimeoutPolicies } from '../domain/risk-timeout-policy';
import {
  idempotencyKeys,
  withTimeout,
  type AuthorizationRequest,
  type AuthorizationResult,
  type PaymentMethodForProcessor,
} from '../processors/processor-connector';
import { recordPaymentStatus } from '../observability/payment-metrics';
import { ProcessorRegistry } from '../processors/processor-registry';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments-config';
import type { StoredPaymentMethod } from './payment.entity';
import { PaymentRepository, type LockedPayment } from './payment.repository';
import {
  captureIdFor,
  commandRejectedEvent,
  disputeIdFor,
  toContractEvents,
  type ClientCommand,
  type CommandRefusal,
} from './contract-events';

/** A retryable failure is tried once more, at the next processor: two attempts at most. */
export const AUTHORIZATION_ATTEMPTS_MAX = 2;

export function toProcessorOutcome(
  result: AuthorizationResult,
  processor: string,
  actionExpiresAt: Date,
): ProcessorOutcome {
  switch (result.outcome) {
    case 'authorized':
      return { outcome: 'authorized', processor, processorReference: result.processorReference };
    case 'requires_action':
      return {
        outcome: 'requires_action',
        processor,
        action: { ...result.action, expiresAt: actionExpiresAt.toISOString() },
      };
    case 'declined':
      return { outcome: 'declined', processor, declineCode: result.declineCode, message: result.message };
    case 'error':
      return { outcome: 'error', processor, failureCode: result.code, message: result.message };
  }
}

/** What a processor is told of the payment method: never a card number, only display data. */
export function methodForProcessor(method: StoredPaymentMethod): PaymentMethodForProcessor {
  switch (method.type) {
    case 'card':
      return { type: 'card', bin: method.card.bin, last4: method.card.last4, brand: method.card.brand };
    case 'bank_transfer':
      return { type: 'bank_transfer', country: method.bankTransfer.country };
    case 'wallet':
      return { type: 'wallet', provider: method.wallet.provider };
  }
}

/** How long the customer has for the action each method asks for. */
export function actionLifetimeSeconds(config: PaymentsConfig, method: PaymentMethodType): number {
  switch (method) {
    case 'card':
      return config.ACTION_EXPIRY_SECONDS;
    case 'bank_transfer':
      return config.BANK_TRANSFER_EXPIRY_SECONDS;
    case 'wallet':
      return config.QR_EXPIRY_SECONDS;
  }
}

/** The idempotency key and completed-action id of the authorization made after the customer acted. */
function afterAction(paymentId: string, action: PendingAction): { key: string; completedActionId: string } {
  switch (action.type) {
    case 'three_d_secure':
      return { key: idempotencyKeys.authenticated(paymentId), completedActionId: action.challengeId };
    case 'qr_code':
      return { key: idempotencyKeys.completed(paymentId, action.type), completedActionId: action.qrPayload };
    case 'bank_transfer':
      return {
        key: idempotencyKeys.completed(paymentId, action.type),
        completedActionId: action.virtualAccountReference,
      };
  }
}

/** A command whose rejection means the code is wrong, not the input: it must never happen. */
function mustApply(command: PaymentCommand, state: Payment): { events: PaymentEvent[]; state: Payment } {
  const result = handleCommand(command, state);
  if (isRejection(result)) throw new Error(`${command.type} rejected (${result.code}): ${result.message}`);
  return result as { events: PaymentEvent[]; state: Payment };
}

/** What a step produced: the state after it and the events to record. */
interface Step {
  readonly state: Payment;
  readonly events: PaymentEvent[];
}

/**
 * Applies commands, risk decisions and expiries to payments. Each method runs inside one
 * transaction: the payment row is locked, then its new state, its history and its outgoing
 * events are written together, or not at all. Processor calls happen under that lock with
 * idempotency keys derived from the payment, so a redelivered message repeats them and gets the
 * same answers: nothing is authorized, captured or refunded twice.
 */
@Injectable()
export class PaymentLifecycle {
  private readonly logger = new Logger('PaymentLifecycle');
  private readonly riskTimeoutPolicies: RiskTimeoutPolicies;

  constructor(
    private readonly payments: PaymentRepository,
    private readonly processors: ProcessorRegistry,
    @Inject(PAYMENTS_CONFIG) private readonly config: PaymentsConfig,
  ) {
    this.riskTimeoutPolicies = config.RISK_TIMEOUT_POLICY;
  }

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
          ...(data.settlementCurrency === undefined ? {} : { settlementCurrency: data.settlementCurrency }),
          fxRates: this.config.FX_RATES,
        },
      },
      existing?.state ?? NO_PAYMENT,
    );
    if (isRejection(result)) {
      // The gateway refuses these with a 400; one that got through breaks the contract.
      if (result.code === 'capture_method_unsupported') {
        throw new UnprocessableEventError(`payment.create ${command.id}: ${result.message}`);
      }
      // A create for an existing payment repeats one taken before: its outcome is on its way.
      if (result.code === 'payment_already_exists') {
        this.logger.warn(`payment.create ${command.id} for ${data.paymentId} ignored: ${result.code}`);
        return;
      }
      return this.refuse(manager, command, result, existing?.state.version ?? 1);
    }
    const state = result.state as Payment;
    const inserted = await this.payments.insert(manager, {
      state,
      paymentMethod,
      customer: data.customer ?? null,
      settlementCurrency: data.settlementCurrency ?? null,
      riskDeadlineAt: new Date(Date.now() + this.config.RISK_ASSESSMENT_TIMEOUT_SECONDS * 1000),
    });
    if (!inserted) {
      this.logger.warn(`payment.create ${command.id} for ${data.paymentId} ignored: payment_already_exists`);
      return;
    }
    recordPaymentStatus(null, state.status);
    const events = toContractEvents(result.events, 0, (sequence) =>
      causedBy(command, sequence, data.paymentId),
    );
    await this.record(manager, events);
  }

  /**
   * risk.assessed → decline fails the payment without a processor; approve authorizes at the
   * processor (and captures at once for automatic capture); review leaves it processing until a
   * later risk.assessed (the review queue's final decision).
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
    await this.payments.recordRiskScreening(manager, paymentId, decision);
    let step: Step = { state: applied.state as Payment, events: [...applied.events] };
    switch (decision) {
      case 'decline':
        this.logger.log(`payment ${paymentId} declined by risk (score ${score}: ${reasons.join(', ')})`);
        break;
      case 'review':
        this.logger.log(`payment ${paymentId} held for review (score ${score}: ${reasons.join(', ')})`);
        break;
      case 'approve': {
        const outcome = await this.authorizeWithFailover(locked);
        step = this.chain(step, await this.afterAuthorization(step.state, outcome));
        break;
      }
    }
    await this.save(manager, locked, step, (sequence) => causedBy(assessment, sequence, paymentId));
  }

  /**
   * payment.resolve_action → the customer passed 3-D Secure, approved the QR code or their bank
   * paid (authorize for real, then capture), or they did not (failed).
   */
  async resolveAction(
    command: EventEnvelope<'payment.resolve_action'>,
    manager: EntityManager,
  ): Promise<void> {
    const locked = await this.lockForCommand(command, command.data.paymentId, manager);
    if (locked === null) return;
    const resolved = handleCommand(
      { type: 'ResolveAction', data: { outcome: command.data.outcome } },
      locked.state,
    );
    if (isRejection(resolved)) return this.refuse(manager, command, resolved, locked.state.version);
    let step: Step = { state: resolved.state as Payment, events: [...resolved.events] };
    const { pendingAction, processor } = locked.state;
    if (command.data.outcome === 'approved' && pendingAction !== null && processor !== null) {
      const completed = afterAction(locked.state.paymentId, pendingAction);
      const request: AuthorizationRequest = {
        idempotencyKey: completed.key,
        amountMinor: locked.state.amountMinor,
        currency: locked.state.currency,
        paymentMethod: methodForProcessor(locked.paymentMethod),
        completedActionId: completed.completedActionId,
      };
      const connector = this.processors.byName(processor);
      const result = await withTimeout(
        connector.authorize(request),
        this.config.PROCESSOR_TIMEOUT_MS,
        processor,
      );
      step = this.chain(
        step,
        await this.afterAuthorization(step.state, toProcessorOutcome(result, processor, new Date())),
      );
    }
    await this.save(manager, locked, step, (sequence) => causedBy(command, sequence, locked.state.paymentId));
  }

  /** payment.capture → all or part of the authorization is taken; the rest is released. */
  async capture(command: EventEnvelope<'payment.capture'>, manager: EntityManager): Promise<void> {
    const locked = await this.lockForCommand(command, command.data.paymentId, manager);
    if (locked === null) return;
    const { amountMinor } = command.data;
    const captured = await this.captureAtProcessor(
      locked.state,
      amountMinor === undefined ? undefined : BigInt(amountMinor),
    );
    if (isRejection(captured)) return this.refuse(manager, command, captured, locked.state.version);
    if (captured.notTaken !== undefined) {
      return this.refuse(manager, command, captured.notTaken, locked.state.version);
    }
    await this.save(manager, locked, captured, (sequence) =>
      causedBy(command, sequence, locked.state.paymentId),
    );
  }

  /** payment.cancel → the uncaptured authorization is voided at the processor and released. */
  async cancel(command: EventEnvelope<'payment.cancel'>, manager: EntityManager): Promise<void> {
    const locked = await this.lockForCommand(command, command.data.paymentId, manager);
    if (locked === null) return;
    const { reason } = command.data;
    const canceled = handleCommand(
      { type: 'Cancel', data: reason === undefined ? {} : { reason } },
      locked.state,
    );
    if (isRejection(canceled)) return this.refuse(manager, command, canceled, locked.state.version);
    await this.releaseAtProcessor(locked.state);
    await this.save(manager, locked, canceled as Step, (sequence) =>
      causedBy(command, sequence, locked.state.paymentId),
    );
  }

  /** refund.create → refund.succeeded after the processor refunds, or refund.failed with a code. */
  async refund(command: EventEnvelope<'refund.create'>, manager: EntityManager): Promise<void> {
    const locked = await this.lockForCommand(command, command.data.paymentId, manager);
    if (locked === null) return;
    const { refundId, reason } = command.data;
    if (await this.payments.refundExists(manager, refundId)) {
      this.logger.warn(`refund.create ${command.id}: refund ${refundId} was requested before; ignored`);
      return;
    }
    const state = locked.state;
    const amountMinor =
      command.data.amountMinor === undefined
        ? refundableAmountMinor(state)
        : BigInt(command.data.amountMinor);
    const request = {
      refundId,
      amountMinor,
      ...(reason === undefined ? {} : { reason }),
    };
    const planned = handleCommand(
      { type: 'RecordRefund', data: { ...request, outcome: 'succeeded' } },
      state,
    );
    if (isRejection(planned)) return this.refuse(manager, command, planned, locked.state.version);
    let step = planned as Step;
    if (
      step.events[0]?.type === 'RefundSucceeded' &&
      state.processor !== null &&
      state.processorReference !== null
    ) {
      const result = await withTimeout(
        this.processors.byName(state.processor).refund({
          idempotencyKey: idempotencyKeys.refund(refundId),
          processorReference: state.processorReference,
          amountMinor,
          currency: state.currency,
        }),
        this.config.PROCESSOR_TIMEOUT_MS,
        state.processor,
      );
      if (result.outcome === 'error') {
        this.logger.warn(
          `refund ${refundId} of ${state.paymentId} failed at ${state.processor}: ${result.message}`,
        );
        step = mustApply({ type: 'RecordRefund', data: { ...request, outcome: 'processor_error' } }, state);
      }
    }
    const recorded = step.events[0];
    await this.payments.insertRefund(manager, {
      refundId,
      paymentId: state.paymentId,
      amountMinor,
      status: recorded?.type === 'RefundSucceeded' ? 'succeeded' : 'failed',
      failureCode: recorded?.type === 'RefundFailed' ? recorded.data.failureCode : null,
    });
    await this.save(manager, locked, step, (sequence) => causedBy(command, sequence, state.paymentId));
  }

  /** dispute.submit_evidence → the processor decides the open dispute: dispute.closed won or lost. */
  async submitDisputeEvidence(
    command: EventEnvelope<'dispute.submit_evidence'>,
    manager: EntityManager,
  ): Promise<void> {
    const locked = await this.lockForCommand(command, command.data.paymentId, manager);
    if (locked === null) return;
    const state = locked.state;
    const { disputeId, evidence } = command.data;
    // Checked before the processor is asked: only an open dispute of this payment takes evidence.
    const precheck = handleCommand({ type: 'CloseDispute', data: { disputeId, outcome: 'lost' } }, state);
    if (isRejection(precheck)) return this.refuse(manager, command, precheck, state.version);
    if (state.processor === null || state.processorReference === null) {
      const missing = { code: 'processor_reference_missing', message: 'the payment has no processor charge' };
      return this.refuse(manager, command, missing, state.version);
    }
    const result = await withTimeout(
      this.processors.byName(state.processor).submitDisputeEvidence({
        idempotencyKey: idempotencyKeys.evidence(disputeId),
        processorReference: state.processorReference,
        evidence,
      }),
      this.config.PROCESSOR_TIMEOUT_MS,
      state.processor,
    );
    if (result.outcome === 'error') {
      // The dispute stays open: the evidence can be submitted again.
      this.logger.warn(`dispute ${disputeId}: evidence not taken by ${state.processor}: ${result.message}`);
      return this.refuse(manager, command, result, state.version);
    }
    const closed = mustApply({ type: 'CloseDispute', data: { disputeId, outcome: result.outcome } }, state);
    await this.save(manager, locked, closed, (sequence) => causedBy(command, sequence, state.paymentId));
  }

  /**
   * The expiry job: an authorization past its lifetime is voided and canceled (expired); a
   * pending action past its own fails the payment. Nothing happens if it moved on meanwhile.
   */
  async expire(paymentId: string, versionSeen: number, manager: EntityManager): Promise<void> {
    const locked = await this.payments.findForUpdate(manager, paymentId);
    // Moved on since the scan (captured, or its action completed): its clock restarted or stopped.
    if (locked === null || locked.state.version !== versionSeen) return;
    const expired = handleCommand({ type: 'Expire', data: {} }, locked.state);
    if (isRejection(expired)) return;
    if (locked.state.status === 'requires_capture') await this.releaseAtProcessor(locked.state);
    this.logger.log(`payment ${paymentId} expired in status ${locked.state.status}`);
    const correlationId = randomUUID();
    await this.save(manager, locked, expired as Step, (aggregateSequence) => ({
      aggregateId: paymentId,
      aggregateSequence,
      merchantId: locked.state.merchantId,
      correlationId,
      causationId: null,
    }));
  }

  /**
   * The risk-timeout job: a payment still waiting for its first risk assessment past the deadline
   * fails closed (risk_unavailable) or goes on unscreened to the processor (fail open), as its
   * merchant's policy says. Nothing happens if risk answered meanwhile (the deadline is cleared).
   */
  async timeOutRiskAssessment(
    paymentId: string,
    versionSeen: number,
    manager: EntityManager,
    now: Date = new Date(),
  ): Promise<void> {
    const locked = await this.payments.findForUpdate(manager, paymentId);
    if (locked === null || locked.state.version !== versionSeen) return;
    if (locked.riskDeadlineAt === null || locked.riskDeadlineAt > now) return;
    const policy = riskTimeoutPolicyFor(this.riskTimeoutPolicies, locked.state.merchantId);
    const timedOut = handleCommand({ type: 'TimeOutRiskAssessment', data: { policy } }, locked.state);
    if (isRejection(timedOut)) return;
    await this.payments.recordRiskScreening(manager, paymentId, 'unscreened');
    let step: Step = { state: timedOut.state as Payment, events: [...timedOut.events] };
    if (policy === 'open') {
      this.logger.warn(`payment ${paymentId}: no risk assessment in time; fails open, goes on unscreened`);
      step = this.chain(
        step,
        await this.afterAuthorization(step.state, await this.authorizeWithFailover(locked)),
      );
    } else {
      this.logger.warn(`payment ${paymentId}: no risk assessment in time; fails closed`);
    }
    const correlationId = randomUUID();
    await this.save(manager, locked, step, (aggregateSequence) => ({
      aggregateId: paymentId,
      aggregateSequence,
      merchantId: locked.state.merchantId,
      correlationId,
      causationId: null,
    }));
  }

  /**
   * Tries the routed processors in order; a retryable error or a timeout moves on to the next one,
   * once. A timed-out attempt is voided first (found by its idempotency key), so the customer can
   * never hold two authorizations; if that void cannot be confirmed, nothing more is tried.
   */
  private async authorizeWithFailover(locked: LockedPayment): Promise<ProcessorOutcome> {
    const { state, paymentMethod } = locked;
    const cardCountry = paymentMethod.type === 'card' ? paymentMethod.card.country : undefined;
    const order = routeFor(
      this.config.PROCESSOR_ROUTING_RULES,
      {
        merchantId: state.merchantId,
        method: state.paymentMethodType,
        currency: state.currency,
        amountMinor: state.amountMinor,
        ...(cardCountry === undefined ? {} : { cardCountry }),
      },
      this.config.PROCESSOR_FALLBACK_ORDER,
    ).filter((name) => this.processors.has(name));
    const actionExpiresAt = new Date(
      Date.now() + actionLifetimeSeconds(this.config, state.paymentMethodType) * 1000,
    );
    const attempts = order.slice(0, AUTHORIZATION_ATTEMPTS_MAX);
    let outcome: ProcessorOutcome | null = null;
    for (const [index, name] of attempts.entries()) {
      const attempt = index + 1;
      const connector = this.processors.byName(name);
      const idempotencyKey = idempotencyKeys.authorization(state.paymentId, attempt);
      const result = await withTimeout(
        connector.authorize({
          idempotencyKey,
          amountMinor: state.amountMinor,
          currency: state.currency,
          paymentMethod: methodForProcessor(paymentMethod),
        }),
        this.config.PROCESSOR_TIMEOUT_MS,
        name,
      );
      outcome = toProcessorOutcome(result, name, actionExpiresAt);
      if (result.outcome !== 'error' || !result.retryable || attempt === attempts.length) return outcome;
      if (result.code === 'processor_timeout') {
        const voided = await withTimeout(
          connector.void({
            idempotencyKey: idempotencyKeys.void(state.paymentId, attempt),
            target: { authorizationIdempotencyKey: idempotencyKey },
          }),
          this.config.PROCESSOR_TIMEOUT_MS,
          name,
        );
        if (voided.outcome === 'error') {
          this.logger.error(
            `payment ${state.paymentId}: attempt ${attempt} at ${name} timed out and could not be voided ` +
              `(${voided.message}); not retrying elsewhere, to never charge twice`,
          );
          return outcome;
        }
        this.logger.warn(
          `payment ${state.paymentId}: attempt ${attempt} at ${name} timed out; ${voided.outcome}`,
        );
      }
      this.logger.warn(
        `payment ${state.paymentId}: ${result.code} at ${name} (${result.message}); failing over`,
      );
    }
    if (outcome === null) throw new Error(`payment ${state.paymentId}: no processor is configured for it`);
    return outcome;
  }

  /** Records a processor's answer and, for an automatic capture, captures at once. */
  private async afterAuthorization(state: Payment, outcome: ProcessorOutcome): Promise<Step> {
    const recorded = mustApply({ type: 'RecordProcessorOutcome', data: outcome }, state);
    if (outcome.outcome !== 'authorized') {
      this.logger.log(
        `payment ${state.paymentId} not authorized by ${outcome.processor}: ${outcome.outcome}`,
      );
      return recorded;
    }
    if (recorded.state.captureMethod !== 'automatic') return recorded;
    const captured = await this.captureAtProcessor(recorded.state, undefined);
    if (isRejection(captured)) throw new Error(`automatic capture rejected: ${captured.code}`);
    return this.chain(recorded, captured);
  }

  /**
   * A capture is decided first (amount within the authorization), then made at the processor
   * under an idempotency key per capture; a processor error leaves the authorization standing.
   */
  private async captureAtProcessor(
    state: Payment,
    amountMinor: bigint | undefined,
  ): Promise<Rejection | (Step & { readonly notTaken?: CommandRefusal })> {
    const captureNumber = state.captureCount + 1;
    const decided = handleCommand(
      {
        type: 'Capture',
        data: {
          captureId: captureIdFor(state.paymentId, captureNumber),
          ...(amountMinor === undefined ? {} : { amountMinor }),
          final: true,
        },
      },
      state,
    );
    if (isRejection(decided)) return decided;
    const event = decided.events[0];
    if (event?.type !== 'PaymentCaptured') throw new Error('a capture decided no PaymentCaptured');
    const result = await withTimeout(
      this.processors.byName(event.data.processor).capture({
        idempotencyKey: idempotencyKeys.capture(state.paymentId, captureNumber),
        processorReference: event.data.processorReference,
        amountMinor: event.data.amountMinor,
        currency: state.currency,
      }),
      this.config.PROCESSOR_TIMEOUT_MS,
      event.data.processor,
    );
    if (result.outcome !== 'captured') {
      this.logger.warn(
        `payment ${state.paymentId}: capture failed at ${event.data.processor}: ${result.message}`,
      );
      const notTaken: CommandRefusal = { code: result.code, message: result.message };
      return { state, events: [], notTaken };
    }
    const step: Step = { state: decided.state as Payment, events: decided.events };
    if (result.dispute === undefined) return step;
    // The simulator reports the chargeback with the capture; a real connector would via a webhook.
    const opened = mustApply(
      {
        type: 'OpenDispute',
        data: { disputeId: disputeIdFor(state.paymentId), reason: result.dispute.reason },
      },
      step.state,
    );
    return this.chain(step, opened);
  }

  /** Voids an authorization at its processor; a failure is logged (the issuer lets it lapse). */
  private async releaseAtProcessor(state: Payment): Promise<void> {
    if (state.processor === null || state.processorReference === null) return;
    const result = await withTimeout(
      this.processors.byName(state.processor).void({
        idempotencyKey: idempotencyKeys.release(state.paymentId),
        target: { processorReference: state.processorReference },
      }),
      this.config.PROCESSOR_TIMEOUT_MS,
      state.processor,
    );
    if (result.outcome === 'error') {
      this.logger.warn(`payment ${state.paymentId}: void at ${state.processor} failed: ${result.message}`);
    }
  }

  /** Loads the payment a gateway command names, or refuses the command (payment_not_found). */
  private async lockForCommand(
    command: ClientCommand,
    paymentId: string,
    manager: EntityManager,
  ): Promise<LockedPayment | null> {
    const locked = await this.payments.findForUpdate(manager, paymentId);
    // Another merchant's payment is refused exactly like an unknown one: for it, it does not exist.
    if (locked === null || locked.state.merchantId !== command.merchantId) {
      await this.refuse(
        manager,
        command,
        { code: 'payment_not_found', message: `no such payment ${paymentId}` },
        1,
      );
      return null;
    }
    return locked;
  }

  /**
   * A client's command had no effect: payment.command_rejected goes out in this transaction, so the
   * gateway can answer the request waiting for it and put its read model back. A redelivered
   * command never gets here (the consumer skips event ids it has processed), so it is sent once.
   */
  private async refuse(
    manager: EntityManager,
    command: ClientCommand,
    refusal: CommandRefusal,
    aggregateSequence: number,
  ): Promise<void> {
    this.logger.warn(`${command.type} ${command.id} rejected: ${refusal.code} (${refusal.message})`);
    await appendToOutbox(manager, [commandRejectedEvent(command, refusal, aggregateSequence)]);
  }

  private chain(first: Step, second: Step): Step {
    return { state: second.state, events: [...first.events, ...second.events] };
  }

  private async save(
    manager: EntityManager,
    locked: LockedPayment,
    step: Step,
    metadata: (sequence: number) => NewEventMetadata,
  ): Promise<void> {
    if (step.events.length === 0) return;
    const actionExpiresAt =
      step.state.pendingAction === null ? undefined : new Date(step.state.pendingAction.expiresAt);
    await this.payments.update(
      manager,
      step.state,
      locked.state.version,
      actionExpiresAt === undefined ? {} : { actionExpiresAt },
    );
    recordPaymentStatus(locked.state.status, step.state.status);
    const events = toContractEvents(step.events, locked.state.version, metadata);
    await this.record(manager, events);
  }

  private async record(manager: EntityManager, events: readonly AnyEventEnvelope[]): Promise<void> {
    await this.payments.appendEvents(manager, events);
    await appendToOutbox(manager, events);
  }
}
