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

  /**
   * Locks the payments' rows for the rest of the consumer's transaction, in id order (two
   * transactions locking overlapping sets cannot deadlock), and returns those that exist.
   */
  lockAll(manager: EntityManager, paymentIds: readonly string[]): Promise<PaymentEntity[]> {
    if (paymentIds.length === 0) return Promise.resolve([]);
    return manager
      .getRepository(PaymentEntity)
      .createQueryBuilder('payment')
      .setLock('pessimistic_write')
      .where('payment.id = ANY(:paymentIds)', { paymentIds: [...new Set(paymentIds)] })
      .orderBy('payment.id')
      .getMany();
  }

  /** Writes the views of locked payments (and the next action, where given) in one statement. */
  async writeViews(manager: EntityManager, writes: readonly PaymentViewWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const columns = writes.map(({ paymentId, view, nextAction }) => {
      const changes = paymentViewColumns(view, nextAction);
      return [
        paymentId,
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
        changes.review === null || changes.review === undefined ? null : JSON.stringify(changes.review),
      ] as const;
    });
    // TypeORM answers an UPDATE with [rows, affected count].
    const [, updated] = await manager.query<[unknown, number]>(
      `UPDATE payments AS payment
          SET status = view.status, amount_captured_minor = view.amount_captured_minor,
              failure_code = view.failure_code, failure_message = view.failure_message,
              last_event_sequence = view.last_event_sequence, fx_settlement_currency = view.fx_settlement_currency,
              fx_rate = view.fx_rate, fx_rate_version = view.fx_rate_version,
              fx_authorized_settlement_minor = view.fx_authorized_settlement_minor,
              fx_captured_settlement_minor = view.fx_captured_settlement_minor,
              next_action = CASE WHEN view.sets_next_action THEN view.next_action ELSE payment.next_action END,
              cancellation_reason = view.cancellation_reason, review = view.review, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[], $6::integer[], $7::text[],
                     $8::text[], $9::text[], $10::bigint[], $11::bigint[], $12::boolean[], $13::jsonb[],
                     $14::text[], $15::jsonb[])
              AS view (id, status, amount_captured_minor, failure_code, failure_message, last_event_sequence,
                       fx_settlement_currency, fx_rate, fx_rate_version, fx_authorized_settlement_minor,
                       fx_captured_settlement_minor, sets_next_action, next_action, cancellation_reason, review)
        WHERE payment.id = view.id`,
      Array.from({ length: 15 }, (_, index) => columns.map((row) => row[index])),
    );
    if (updated !== writes.length) {
      throw new Error(`payments vanished under their locks: ${updated} of ${writes.length} updated`);
    }
  }
}

/** A payment's view to write back, with the next action when an event set one. */
export interface PaymentViewWrite {
  readonly paymentId: string;
  readonly view: PaymentViewState;
  readonly nextAction?: StoredNextAction;
}

/** The columns a view sets, as the entity names them (what a re-read of the row would hold). */
export function paymentViewColumns(
  view: PaymentViewState,
  nextAction?: StoredNextAction,
): Partial<PaymentEntity> {
  return {
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
