import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { EntityManager, Repository } from 'typeorm';
import type { StoredNextAction } from '../domain/next-action';
import type { PaymentFx, PaymentStatus, PaymentViewState } from '../domain/payment-view';
import { cursorPage, type Page } from '../listing/cursor-page';
import type { ListQueryDto } from '../listing/list-query.dto';
import { PaymentEntity } from './payment.entity';

/** The gateway's read model of payments; only this class touches the payments table. */
@Injectable()
export class PaymentsRepository {
  constructor(@InjectRepository(PaymentEntity) private readonly payments: Repository<PaymentEntity>) {}

  async insert(
    manager: EntityManager,
    payment: Omit<PaymentEntity, 'createdAt' | 'updatedAt'>,
  ): Promise<void> {
    await manager.getRepository(PaymentEntity).insert(payment);
  }

  /** A merchant's payment; another merchant's payment is as missing as an unknown id. */
  findForMerchant(merchantId: string, paymentId: string): Promise<PaymentEntity | null> {
    return this.payments.findOneBy({ id: paymentId, merchantId });
  }

  /** Only the status: what a waiting request re-reads until it settles (the full row once at the end). */
  async statusForMerchant(merchantId: string, paymentId: string): Promise<PaymentStatus | null> {
    const rows = await this.payments.manager.query<{ status: PaymentStatus }[]>(
      'SELECT status FROM payments WHERE id = $1 AND merchant_id = $2',
      [paymentId, merchantId],
    );
    return rows[0]?.status ?? null;
  }

  /** One page of the merchant's payments, newest first. */
  list(merchantId: string, query: ListQueryDto): Promise<Page<PaymentEntity>> {
    const builder = this.payments
      .createQueryBuilder('payment')
      .where('payment.merchant_id = :merchantId', { merchantId });
    return cursorPage(builder, 'payment', 'payments', merchantId, query);
  }

  /** The merchant's payment, locked until the caller's transaction ends: commands about it queue up. */
  lockForMerchant(
    manager: EntityManager,
    merchantId: string,
    paymentId: string,
  ): Promise<PaymentEntity | null> {
    return manager
      .getRepository(PaymentEntity)
      .createQueryBuilder('payment')
      .setLock('pessimistic_write')
      .where('payment.id = :paymentId AND payment.merchant_id = :merchantId', { paymentId, merchantId })
      .getOne();
  }

  /** Counts one more command sent about the payment and returns its aggregate sequence. */
  async nextCommandSequence(manager: EntityManager, payment: PaymentEntity): Promise<number> {
    const next = payment.commandsSent + 1;
    await manager.getRepository(PaymentEntity).update({ id: payment.id }, { commandsSent: next });
    return next;
  }

  async addRefunded(manager: EntityManager, paymentId: string, amountMinor: bigint): Promise<void> {
    await manager.query(
      'UPDATE payments SET amount_refunded_minor = amount_refunded_minor + $2, updated_at = now() WHERE id = $1',
      [paymentId, amountMinor.toString()],
    );
  }

  /** Locks the payment's row for the rest of the consumer's transaction. */
  findForUpdate(manager: EntityManager, paymentId: string): Promise<PaymentEntity | null> {
    return manager
      .getRepository(PaymentEntity)
      .createQueryBuilder('payment')
      .setLock('pessimistic_write')
      .where('payment.id = :paymentId', { paymentId })
      .getOne();
  }

  /** Writes the view (and the next action, when given) and returns the row as it now is. */
  async applyView(
    manager: EntityManager,
    payment: PaymentEntity,
    view: PaymentViewState,
    nextAction?: StoredNextAction,
  ): Promise<PaymentEntity> {
    const changes: Partial<PaymentEntity> = {
      status: view.status,
      amountCapturedMinor: view.amountCapturedMinor.toString(),
      failureCode: view.failureCode,
      failureMessage: view.failureMessage,
      lastEventSequence: view.lastEventSequence,
      fxSettlementCurrency: view.fx?.settlementCurrency ?? null,
      fxRate: view.fx?.rate ?? null,
      fxRateVersion: view.fx?.rateVersion ?? null,
      fxAuthorizedSettlementMinor: view.fx?.authorizedSettlementMinor?.toString() ?? null,
      fxCapturedSettlementMinor: (view.fx?.capturedSettlementMinor ?? 0n).toString(),
      cancellationReason: view.cancellationReason,
      review: view.review,
      ...(nextAction === undefined ? {} : { nextAction }),
    };
    // TypeORM answers an UPDATE with [rows, affected count].
    const [rows] = await manager.query<[{ updated_at: Date }[], number]>(
      `UPDATE payments SET status = $2, amount_captured_minor = $3, failure_code = $4, failure_message = $5,
              last_event_sequence = $6, fx_settlement_currency = $7, fx_rate = $8, fx_rate_version = $9,
              fx_authorized_settlement_minor = $10, fx_captured_settlement_minor = $11,
              next_action = CASE WHEN $12 THEN $13::jsonb ELSE next_action END,
              cancellation_reason = $14, review = $15::jsonb, updated_at = now()
        WHERE id = $1 RETURNING updated_at`,
      [
        payment.id,
        changes.status,
        changes.amountCapturedMinor,
        changes.failureCode,
        changes.failureMessage,
        changes.lastEventSequence,
        changes.fxSettlementCurrency,
        changes.fxRate,
        changes.fxRateVersion,
        changes.fxAuthorizedSettlementMinor,
        changes.fxCapturedSettlementMinor,
        nextAction !== undefined,
        nextAction === undefined ? null : JSON.stringify(nextAction),
        changes.cancellationReason,
        changes.review === null ? null : JSON.stringify(changes.review),
      ],
    );
    const updatedAt = rows[0]?.updated_at;
    if (updatedAt === undefined) throw new Error(`payment ${payment.id} vanished under its lock`);
    return Object.assign(Object.create(PaymentEntity.prototype) as PaymentEntity, payment, changes, {
      updatedAt,
    });
  }
}

/** The row as the view's state: what the next event is applied to. */
export function paymentViewOf(payment: PaymentEntity): PaymentViewState {
  return {
    status: payment.status,
    captureMethod: payment.captureMethod,
    amountCapturedMinor: BigInt(payment.amountCapturedMinor),
    fx: paymentFxOf(payment),
    failureCode: payment.failureCode,
    failureMessage: payment.failureMessage,
    cancellationReason: payment.cancellationReason,
    review: payment.review,
    lastEventSequence: payment.lastEventSequence,
  };
}

/** The row's FX columns as the view's value (null when the payment was never converted). */
export function paymentFxOf(payment: PaymentEntity): PaymentFx | null {
  if (payment.fxSettlementCurrency === null || payment.fxRate === null || payment.fxRateVersion === null) {
    return null;
  }
  return {
    settlementCurrency: payment.fxSettlementCurrency,
    rate: payment.fxRate,
    rateVersion: payment.fxRateVersion,
    authorizedSettlementMinor:
      payment.fxAuthorizedSettlementMinor === null ? null : BigInt(payment.fxAuthorizedSettlementMinor),
    capturedSettlementMinor: BigInt(payment.fxCapturedSettlementMinor),
  };
}
