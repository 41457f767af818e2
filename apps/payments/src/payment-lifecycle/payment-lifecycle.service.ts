import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import {
  causedBy,
  type AnyEventEnvelope,
  type EventEnvelope,
  type NewEventMetadata,
} from '@platform/contracts';
import { OutboxWriter } from '@platform/db';
import { UnprocessableEventError } from '@platform/kafka';
import {
  NO_PAYMENT,
  chainDecisions,
  handleCommand,
  isRejection,
  refundableAmountMinor,
  type Decision,
  type Payment,
  type PaymentCommand,
  type ProcessorOutcome,
} from '../domain/payment';
import { routeFor } from '../domain/processor-routing';
import { riskTimeoutPolicyFor, type RiskTimeoutPolicies } from '../domain/risk-timeout-policy';
import { idempotencyKeys, withTimeout, type AuthorizationRequest } from '../processors/processor-connector';
import { recordPaymentStatus } from '../observability/payment-metrics';
import { ProcessorRegistry } from '../processors/processor-registry';
import { PAYMENTS_CONFIG, type PaymentsConfig } from '../payments-config';
import { PaymentRepository, type LockedPayment } from './payment.repository';
import {
  actionLifetimeSeconds,
  afterAction,
  methodForProcessor,
  toProcessorOutcome,
} from './processor-requests';
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

/** A command whose rejection means the code is wrong, not the input: it must never happen. */
function mustApply(command: PaymentCommand, state: Payment): Decision {
  const result = handleCommand(command, state);
  if (isRejection(result)) throw new Error(`${command.type} rejected (${result.code}): ${result.message}`);
  return result;
}

function isDecision(result: Decision | CommandRefusal): result is Decision {
  return 'events' in result;
}

/** The capture command for the payment's next capture; only final: false leaves the rest capturable. */
function captureCommand(state: Payment, amountMinor: bigint | undefined, final = true): PaymentCommand {
  return {
    type: 'Capture',
    data: {
      captureId: captureIdFor(state.paymentId, state.captureCount + 1),
      ...(amountMinor === undefined ? {} : { amountMinor }),
      final,
    },
  };
}

/**
 * One pass of the command-handling sequence on a locked payment: the command decided against its
 * state, then the processor work that decision implies (which may decide again), then the save.
 */
interface Handling {
  readonly manager: EntityManager;
  readonly locked: LockedPayment;
  readonly command: PaymentCommand;
  /** The processor call and the decisions after it; a refusal saves nothing. Default: none. */
  readonly proceed?: (decided: Decision) => Promise<Decision | CommandRefusal>;
  /** What a rejection or a refusal does: a client's command is refused, a job's or an event's ignored. */
  readonly refused: (refusal: CommandRefusal) => Promise<void> | void;
  readonly metadata: (sequence: number) => NewEventMetadata;
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
    private readonly outbox: OutboxWriter,
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
    const state = result.state;
    const inserted = await this.payments.insert(manager, {
      state,
      paymentMethod,
      offSession: data.offSession === true,
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
    await this.handle({
      manager,
      locked,
      command: { type: 'ApplyRiskDecision', data: { decision, score, reasons } },
      proceed: async (applied) => {
        await this.payments.recordRiskScreening(manager, paymentId, decision);
        switch (decision) {
          case 'decline':
            this.logger.log(`payment ${paymentId} declined by risk (score ${score}: ${reasons.join(', ')})`);
            return applied;
          case 'review':
            this.logger.log(`payment ${paymentId} held for review (score ${score}: ${reasons.join(', ')})`);
            return applied;
          case 'approve': {
            const outcome = await this.authorizeWithFailover(locked);
            return chainDecisions(applied, await this.afterAuthorization(applied.state, outcome));
          }
        }
      },
      refused: (rejection) => {
        this.logger.warn(
          `risk.assessed ${assessment.id} for ${paymentId} ignored: ${rejection.code} (${rejection.message})`,
        );
      },
      metadata: (sequence) => causedBy(assessment, sequence, paymentId),
    });
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
    const { pendingAction, processor } = locked.state;
    await this.handle({
      ...this.clientHandling(command, locked, manager),
      command: { type: 'ResolveAction', data: { outcome: command.data.outcome } },
      proceed: async (resolved) => {
        if (command.data.outcome !== 'approved' || pendingAction === null || processor === null) {
          return resolved;
        }
        const completed = afterAction(locked.state.paymentId, pendingAction);
        const request: AuthorizationRequest = {
          idempotencyKey: completed.key,
          amountMinor: locked.state.amountMinor,
          currency: locked.state.currency,
          paymentMethod: methodForProcessor(locked.paymentMethod),
          completedActionId: completed.completedActionId,
          offSession: locked.offSession,
        };
        const connector = this.processors.byName(processor);
        const result = await withTimeout(
          connector.authorize(request),
          this.config.PROCESSOR_TIMEOUT_MS,
          processor,
        );
        return chainDecisions(
          resolved,
          await this.afterAuthorization(resolved.state, toProcessorOutcome(result, processor, new Date())),
        );
      },
    });
  }

  /**
   * payment.capture → all or part of the authorization is taken; the rest is released, unless
   * final is false (a later capture may take it).
   */
  async capture(command: EventEnvelope<'payment.capture'>, manager: EntityManager): Promise<void> {
    const locked = await this.lockForCommand(command, command.data.paymentId, manager);
    if (locked === null) return;
    const { amountMinor, final } = command.data;
    await this.handle({
      ...this.clientHandling(command, locked, manager),
      command: captureCommand(
        locked.state,
        amountMinor === undefined ? undefined : BigInt(amountMinor),
        final ?? true,
      ),
      proceed: (decided) => this.captureAtProcessor(locked.state, decided),
    });
  }

  /**
   * payment.cancel → the uncaptured authorization (or, after partial captures, its remainder) is
   * voided at the processor and released.
   */
  async cancel(command: EventEnvelope<'payment.cancel'>, manager: EntityManager): Promise<void> {
    const locked = await this.lockForCommand(command, command.data.paymentId, manager);
    if (locked === null) return;
    const { reason } = command.data;
    await this.handle({
      ...this.clientHandling(command, locked, manager),
      command: { type: 'Cancel', data: reason === undefined ? {} : { reason } },
      proceed: async (canceled) => {
        await this.releaseAtProcessor(locked.state);
        return canceled;
      },
    });
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
    await this.handle({
      ...this.clientHandling(command, locked, manager),
      command: { type: 'RecordRefund', data: { ...request, outcome: 'succeeded' } },
      proceed: async (planned) => {
        let step = planned;
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
            step = mustApply(
              { type: 'RecordRefund', data: { ...request, outcome: 'processor_error' } },
              state,
            );
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
        return step;
      },
    });
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
    await this.handle({
      ...this.clientHandling(command, locked, manager),
      // Decided before the processor is asked: only an open dispute of this payment takes evidence.
      command: { type: 'CloseDispute', data: { disputeId, outcome: 'lost' } },
      proceed: async () => {
        if (state.processor === null || state.processorReference === null) {
          return { code: 'processor_reference_missing', message: 'the payment has no processor charge' };
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
          this.logger.warn(
            `dispute ${disputeId}: evidence not taken by ${state.processor}: ${result.message}`,
          );
          return result;
        }
        return mustApply({ type: 'CloseDispute', data: { disputeId, outcome: result.outcome } }, state);
      },
    });
  }

  /**
   * The expiry job: an authorization past its lifetime is voided and canceled (expired); a
   * pending action past its own fails the payment. Nothing happens if it moved on meanwhile.
   */
  async expire(paymentId: string, versionSeen: number, manager: EntityManager): Promise<void> {
    const locked = await this.payments.findForUpdate(manager, paymentId);
    // Moved on since the scan (captured, or its action completed): its clock restarted or stopped.
    if (locked === null || locked.state.version !== versionSeen) return;
    await this.handle({
      manager,
      locked,
      command: { type: 'Expire', data: {} },
      proceed: async (expired) => {
        if (locked.state.status === 'requires_capture') await this.releaseAtProcessor(locked.state);
        this.logger.log(`payment ${paymentId} expired in status ${locked.state.status}`);
        return expired;
      },
      refused: () => undefined,
      metadata: this.jobMetadata(paymentId, locked.state.merchantId),
    });
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
    await this.handle({
      manager,
      locked,
      command: { type: 'TimeOutRiskAssessment', data: { policy } },
      proceed: async (timedOut) => {
        await this.payments.recordRiskScreening(manager, paymentId, 'unscreened');
        if (policy !== 'open') {
          this.logger.warn(`payment ${paymentId}: no risk assessment in time; fails closed`);
          return timedOut;
        }
        this.logger.warn(`payment ${paymentId}: no risk assessment in time; fails open, goes on unscreened`);
        return chainDecisions(
          timedOut,
          await this.afterAuthorization(timedOut.state, await this.authorizeWithFailover(locked)),
        );
      },
      refused: () => undefined,
      metadata: this.jobMetadata(paymentId, locked.state.merchantId),
    });
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
          offSession: locked.offSession,
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
  private async afterAuthorization(state: Payment, outcome: ProcessorOutcome): Promise<Decision> {
    const recorded = mustApply({ type: 'RecordProcessorOutcome', data: outcome }, state);
    if (outcome.outcome !== 'authorized') {
      this.logger.log(
        `payment ${state.paymentId} not authorized by ${outcome.processor}: ${outcome.outcome}`,
      );
      return recorded;
    }
    if (recorded.state.captureMethod !== 'automatic') return recorded;
    const decided = mustApply(captureCommand(recorded.state, undefined), recorded.state);
    const captured = await this.captureAtProcessor(recorded.state, decided);
    // A capture the processor did not take leaves the authorization standing.
    return isDecision(captured) ? chainDecisions(recorded, captured) : recorded;
  }

  /**
   * A capture is decided first (amount within the authorization), then made at the processor
   * under an idempotency key per capture; a processor error leaves the authorization standing.
   */
  private async captureAtProcessor(state: Payment, decided: Decision): Promise<Decision | CommandRefusal> {
    const captureNumber = state.captureCount + 1;
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
      return { code: result.code, message: result.message };
    }
    if (result.dispute === undefined) return decided;
    // The simulator reports the chargeback with the capture; a real connector would via a webhook.
    const opened = mustApply(
      {
        type: 'OpenDispute',
        data: { disputeId: disputeIdFor(state.paymentId), reason: result.dispute.reason },
      },
      decided.state,
    );
    return chainDecisions(decided, opened);
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
    await this.outbox.append(manager, [commandRejectedEvent(command, refusal, aggregateSequence)]);
  }

  /** The command-handling sequence, written once: decide, do what the decision implies, save. */
  private async handle(handling: Handling): Promise<void> {
    const { manager, locked, command, proceed, refused, metadata } = handling;
    const decided = handleCommand(command, locked.state);
    if (isRejection(decided)) return await refused(decided);
    const done = proceed === undefined ? decided : await proceed(decided);
    if (!isDecision(done)) return await refused(done);
    await this.save(manager, locked, done, metadata);
  }

  /** A gateway command: a rejection is refused with payment.command_rejected, events are caused by it. */
  private clientHandling(
    command: ClientCommand,
    locked: LockedPayment,
    manager: EntityManager,
  ): Pick<Handling, 'manager' | 'locked' | 'refused' | 'metadata'> {
    return {
      manager,
      locked,
      refused: (refusal) => this.refuse(manager, command, refusal, locked.state.version),
      metadata: (sequence) => causedBy(command, sequence, locked.state.paymentId),
    };
  }

  /** A job's events start a correlation of their own and have no cause. */
  private jobMetadata(paymentId: string, merchantId: string): (sequence: number) => NewEventMetadata {
    const correlationId = randomUUID();
    return (aggregateSequence) => ({
      aggregateId: paymentId,
      aggregateSequence,
      merchantId,
      correlationId,
      causationId: null,
    });
  }

  private async save(
    manager: EntityManager,
    locked: LockedPayment,
    step: Decision,
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
    await this.outbox.append(manager, events);
  }
}
