import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { createEvent, type EventData } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { ApiError } from '@platform/service-runtime';
import { CommandOutcomes } from '../command-outcomes/command-outcome.service';
import { CommandOutcomesRepository } from '../command-outcomes/command-outcomes.repository';
import {
  captureAmountOf,
  checkCancel,
  checkCapture,
  checkResolveAction,
  type CommandRefusal,
} from '../domain/payment-view';
import { PAYMENT_ID_PATTERN } from '../domain/random-identifiers';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { recoveredPoint } from '../idempotency/idempotency-claim-context';
import { IdempotencyKeysRepository } from '../idempotency/idempotency-keys.repository';
import type { MerchantEntity } from '../merchants/merchant.entity';
import type { CancelPaymentDto, CapturePaymentDto, ResolveActionDto } from './payment-commands.dto';
import type { PaymentEntity } from '../read-model/payment.entity';
import { PaymentsRepository } from '../read-model/payments.repository';
import { ReadModelSignals } from '../read-model/read-model-signals';
import { readUntilCommandSettled } from '../read-model/settle-wait';

export function refusalError(refusal: CommandRefusal): ApiError {
  return new ApiError(refusal.status, 'invalid_request_error', refusal.code, refusal.message, refusal.param);
}

/** Statuses a resolved action can still be in before the payments service has finished with it. */
const ACTION_PENDING_STATUSES: ReadonlySet<PaymentEntity['status']> = new Set([
  'requires_action',
  'processing',
]);

/**
 * Capture, cancel and (test mode) resolve_action: checked against the read model with the
 * payment's row locked (so two commands about one payment are decided one after the other), sent
 * as commands through the outbox, then answered after the bounded settle wait.
 */
@Injectable()
export class PaymentCommandsService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly payments: PaymentsRepository,
    private readonly outcomes: CommandOutcomesRepository,
    private readonly commandOutcomes: CommandOutcomes,
    private readonly idempotency: IdempotencyKeysRepository,
    private readonly signals: ReadModelSignals,
  ) {}

  async capture(
    merchant: MerchantEntity,
    paymentId: string,
    request: CapturePaymentDto,
    correlationId: string,
  ): Promise<PaymentEntity> {
    const resumed = recoveredPoint('payment_command');
    if (resumed !== null) return this.waitFor(merchant.id, resumed.paymentId, resumed.commandId);
    const requested = captureAmountOf(request);
    if (!requested.ok) throw refusalError(requested.refusal);
    const commandId = await this.dataSource.transaction(async (manager) => {
      const payment = await this.lockedPayment(manager, merchant, paymentId);
      const checked = checkCapture(
        {
          status: payment.status,
          amountMinor: BigInt(payment.amountMinor),
          amountCapturedMinor: BigInt(payment.amountCapturedMinor),
        },
        requested.amountMinor,
        request.amount_to_capture === undefined ? 'amount' : 'amount_to_capture',
      );
      if (!checked.ok) throw refusalError(checked.refusal);
      return this.send(manager, payment, merchant, correlationId, 'payment.capture', {
        paymentId,
        ...(checked.amountMinor === null ? {} : { amountMinor: checked.amountMinor.toString() }),
        // Absent means final, so commands from before multi-part capture read the same.
        ...(request.final_capture === false ? { final: false } : {}),
      });
    });
    return this.waitFor(merchant.id, paymentId, commandId);
  }

  async cancel(
    merchant: MerchantEntity,
    paymentId: string,
    request: CancelPaymentDto,
    correlationId: string,
  ): Promise<PaymentEntity> {
    const resumed = recoveredPoint('payment_command');
    if (resumed !== null) return this.waitFor(merchant.id, resumed.paymentId, resumed.commandId);
    const commandId = await this.dataSource.transaction(async (manager) => {
      const payment = await this.lockedPayment(manager, merchant, paymentId);
      const refusal = checkCancel(payment);
      if (refusal !== null) throw refusalError(refusal);
      return this.send(manager, payment, merchant, correlationId, 'payment.cancel', {
        paymentId,
        ...(request.cancellation_reason === undefined ? {} : { reason: request.cancellation_reason }),
      });
    });
    return this.waitFor(merchant.id, paymentId, commandId);
  }

  /**
   * Test mode: plays the customer or the bank for a pending action (3-D Secure, QR code, bank
   * transfer). Answers once the payment has left requires_action and processing, or after the wait.
   */
  async resolveAction(
    merchant: MerchantEntity,
    paymentId: string,
    request: ResolveActionDto,
    correlationId: string,
  ): Promise<PaymentEntity> {
    const settled = (payment: PaymentEntity) => !ACTION_PENDING_STATUSES.has(payment.status);
    const resumed = recoveredPoint('payment_command');
    if (resumed !== null) return this.waitFor(merchant.id, resumed.paymentId, resumed.commandId, settled);
    const commandId = await this.dataSource.transaction(async (manager) => {
      const payment = await this.lockedPayment(manager, merchant, paymentId);
      const refusal = checkResolveAction(payment);
      if (refusal !== null) throw refusalError(refusal);
      return this.send(manager, payment, merchant, correlationId, 'payment.resolve_action', {
        paymentId,
        outcome: request.outcome,
      });
    });
    // Applied with its first event (authorized, or failed); an approval goes on to a capture.
    return this.waitFor(merchant.id, paymentId, commandId, settled);
  }

  /** The command into the outbox and recorded as sent, in the caller's transaction; answers its id. */
  private async send<T extends 'payment.capture' | 'payment.cancel' | 'payment.resolve_action'>(
    manager: EntityManager,
    payment: PaymentEntity,
    merchant: MerchantEntity,
    correlationId: string,
    type: T,
    data: EventData<T>,
  ): Promise<string> {
    const command = createEvent(type, data, {
      aggregateId: payment.id,
      aggregateSequence: await this.payments.nextCommandSequence(manager, payment),
      merchantId: merchant.id,
      correlationId,
      causationId: null,
    });
    await appendToOutbox(manager, [command]);
    await this.outcomes.recordSent(manager, { ...command, paymentId: payment.id });
    await this.idempotency.recordRecoveryPoint(manager, {
      kind: 'payment_command',
      paymentId: payment.id,
      commandId: command.id,
    });
    return command.id;
  }

  private async lockedPayment(
    manager: EntityManager,
    merchant: MerchantEntity,
    paymentId: string,
  ): Promise<PaymentEntity> {
    const payment = PAYMENT_ID_PATTERN.test(paymentId)
      ? await this.payments.lockForMerchant(manager, merchant.id, paymentId)
      : null;
    if (payment === null) throw ApiError.notFound('payment', paymentId);
    return payment;
  }

  /**
   * Answers once the command's outcome is recorded (with the payment read after it), with a 409 as
   * soon as the payments service refused it, or with the payment as it is when the wait runs out.
   */
  private waitFor(
    merchantId: string,
    paymentId: string,
    commandId: string,
    settled?: (payment: PaymentEntity) => boolean,
  ): Promise<PaymentEntity> {
    return this.signals.whileWatching([paymentId, commandId], (changed) =>
      readUntilCommandSettled(
        async () => {
          const payment = await this.payments.findForMerchant(merchantId, paymentId);
          if (payment === null) throw new Error(`payment ${paymentId} vanished`);
          return payment;
        },
        this.commandOutcomes.of(merchantId, commandId),
        this.config.PAYMENT_SETTLE_WAIT_MS,
        settled,
        changed,
      ),
    );
  }
}
