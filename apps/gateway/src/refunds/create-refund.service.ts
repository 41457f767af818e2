import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createEvent } from '@platform/contracts';
import { appendToOutbox } from '@platform/db';
import { ApiError } from '@platform/service-runtime';
import { CommandOutcomes } from '../command-outcomes/command-outcome.service';
import { CommandOutcomesRepository } from '../command-outcomes/command-outcomes.repository';
import { DisputesRepository } from '../disputes/disputes.repository';
import { checkRefund } from '../domain/payment-view';
import { newRefundId } from '../domain/random-identifiers';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway-config';
import { recoveredPoint } from '../idempotency/idempotency-claim-context';
import { IdempotencyKeysRepository } from '../idempotency/idempotency-keys.repository';
import type { MerchantEntity } from '../merchants/merchant.entity';
import { refusalError } from '../payments/payment-commands.service';
import { PaymentsRepository } from '../read-model/payments.repository';
import { ReadModelSignals } from '../read-model/read-model-signals';
import { readUntilCommandSettled } from '../read-model/settle-wait';
import type { CreateRefundDto } from './create-refund.dto';
import type { RefundEntity } from './refund.entity';
import { RefundsRepository } from './refunds.repository';

/**
 * A refund: checked against what remains refundable (captured less refunded and pending refunds)
 * with the payment's row locked, so two refunds can never together exceed the capture; recorded
 * as pending and sent as refund.create in one transaction; answered after the bounded wait.
 */
@Injectable()
export class CreateRefundService {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly payments: PaymentsRepository,
    private readonly refunds: RefundsRepository,
    private readonly disputes: DisputesRepository,
    private readonly outcomes: CommandOutcomesRepository,
    private readonly commandOutcomes: CommandOutcomes,
    private readonly idempotency: IdempotencyKeysRepository,
    private readonly signals: ReadModelSignals,
  ) {}

  async create(
    merchant: MerchantEntity,
    request: CreateRefundDto,
    correlationId: string,
  ): Promise<RefundEntity> {
    const resumed = recoveredPoint('refund');
    if (resumed !== null) return this.waitFor(merchant.id, resumed.refundId, resumed.commandId);
    const refundId = newRefundId();
    const commandId = await this.dataSource.transaction(async (manager) => {
      const payment = await this.payments.lockForMerchant(manager, merchant.id, request.payment);
      if (payment === null) throw ApiError.notFound('payment', request.payment, 'payment');
      const checked = checkRefund(
        {
          status: payment.status,
          amountCapturedMinor: BigInt(payment.amountCapturedMinor),
          disputed: await this.disputes.blocksRefund(manager, merchant.id, payment.id),
        },
        await this.refunds.refundedOrPendingMinor(manager, payment.id),
        request.amount === undefined ? null : BigInt(request.amount),
      );
      if (!checked.ok) throw refusalError(checked.refusal);
      const sequence = await this.payments.nextCommandSequence(manager, payment);
      // The amount is always explicit: the one this check allowed, not the service's own default.
      const command = createEvent(
        'refund.create',
        {
          refundId,
          paymentId: payment.id,
          amountMinor: checked.amountMinor.toString(),
          ...(request.reason === undefined ? {} : { reason: request.reason }),
        },
        {
          aggregateId: payment.id,
          aggregateSequence: sequence,
          merchantId: merchant.id,
          correlationId,
          causationId: null,
        },
      );
      await this.refunds.insert(manager, {
        id: refundId,
        merchantId: merchant.id,
        paymentId: payment.id,
        amountMinor: checked.amountMinor.toString(),
        currency: payment.currency,
        status: 'pending',
        reason: request.reason ?? null,
        failureCode: null,
        commandId: command.id,
      });
      await appendToOutbox(manager, [command]);
      await this.outcomes.recordSent(manager, { ...command, paymentId: payment.id });
      await this.idempotency.recordRecoveryPoint(manager, {
        kind: 'refund',
        refundId,
        commandId: command.id,
      });
      return command.id;
    });
    return this.waitFor(merchant.id, refundId, commandId);
  }

  private waitFor(merchantId: string, refundId: string, commandId: string): Promise<RefundEntity> {
    return this.signals.whileWatching([refundId, commandId], (changed) =>
      readUntilCommandSettled(
        async () => {
          const refund = await this.refunds.findForMerchant(merchantId, refundId);
          if (refund === null) throw new Error(`refund ${refundId} vanished after it was committed`);
          return refund;
        },
        // Applied with refund.succeeded or refund.failed, which settle the refund row with it.
        this.commandOutcomes.of(merchantId, commandId),
        this.config.PAYMENT_SETTLE_WAIT_MS,
        undefined,
        changed,
      ),
    );
  }
}
