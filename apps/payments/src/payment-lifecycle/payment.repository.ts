import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AnyEventEnvelope } from '@platform/contracts';
import {
  FAILURE_CODES,
  PAYMENT_STATUSES,
  type CaptureMethod,
  type Payment,
  type PaymentStatus,
} from '../domain/payment';
import { PaymentEventEntity } from './payment-event.entity';
import { PaymentEntity, type StoredCustomer, type StoredPaymentMethod } from './payment.entity';

/** A payment loaded under a row lock, with the method data a processor needs. */
export interface LockedPayment {
  readonly state: Payment;
  readonly paymentMethod: StoredPaymentMethod;
  readonly offSession: boolean;
  /** Set while it waits for its first risk assessment. */
  readonly riskDeadlineAt: Date | null;
}

export interface NewPaymentRow {
  readonly state: Payment;
  readonly paymentMethod: StoredPaymentMethod;
  readonly offSession: boolean;
  readonly customer: StoredCustomer | null;
  readonly settlementCurrency: string | null;
  /** When risk must have answered by (null: it does not wait, e.g. it failed at create). */
  readonly riskDeadlineAt: Date | null;
}

export type RiskScreening = 'approve' | 'review' | 'decline' | 'unscreened';

/** Thrown when the database holds what the domain cannot: a bug or a manual edit, never user input. */
export class PaymentRowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentRowError';
  }
}

function oneOf<T extends string>(value: string | null, allowed: readonly T[], column: string): T {
  if (value === null || !(allowed as readonly string[]).includes(value)) {
    throw new PaymentRowError(`payments.${column} holds ${JSON.stringify(value)}`);
  }
  return value as T;
}

/** The domain state a payments row stands for. */
export function toPaymentState(row: PaymentEntity): Payment {
  return {
    status: oneOf<PaymentStatus>(row.status, PAYMENT_STATUSES, 'status'),
    version: row.version,
    paymentId: row.id,
    merchantId: row.merchantId,
    amountMinor: BigInt(row.amountMinor),
    amountCapturedMinor: BigInt(row.amountCapturedMinor),
    amountRefundedMinor: BigInt(row.amountRefundedMinor),
    captureCount: row.captureCount,
    currency: row.currency,
    captureMethod: oneOf<CaptureMethod>(row.captureMethod, ['automatic', 'manual'], 'capture_method'),
    paymentMethodType: oneOf(
      row.paymentMethod.type,
      ['card', 'bank_transfer', 'wallet'] as const,
      'payment_method',
    ),
    fx:
      row.fxSettlementCurrency === null ||
      row.fxSettlementAmountMinor === null ||
      row.fxRate === null ||
      row.fxRateVersion === null
        ? null
        : {
            settlementCurrency: row.fxSettlementCurrency,
            settlementAmountMinor: BigInt(row.fxSettlementAmountMinor),
            rate: row.fxRate,
            rateVersion: row.fxRateVersion,
          },
    processor: row.processor,
    processorReference: row.processorReference,
    pendingAction: row.pendingAction,
    // The review queue's decision replaces 'review' (recordRiskScreening), so this is the open review.
    underReview: row.riskScreening === 'review' && row.status === 'processing',
    dispute:
      row.dispute === null
        ? null
        : {
            disputeId: row.dispute.disputeId,
            amountMinor: BigInt(row.dispute.amountMinor),
            status: oneOf(row.dispute.status, ['open', 'won', 'lost'] as const, 'dispute'),
          },
    failureCode: row.failureCode === null ? null : oneOf(row.failureCode, FAILURE_CODES, 'failure_code'),
    failureMessage: row.failureMessage,
  };
}

/**
 * Copies only the known fields of the method, so nothing else a message might carry (a card
 * number least of all) is ever stored. The database also refuses any other key in the column.
 */
export function toStoredPaymentMethod(method: StoredPaymentMethod): StoredPaymentMethod {
  if (method.type === 'bank_transfer') {
    return { type: 'bank_transfer', bankTransfer: { country: method.bankTransfer.country } };
  }
  if (method.type === 'wallet') return { type: 'wallet', wallet: { provider: method.wallet.provider } };
  const { token, brand, bin, last4, expMonth, expYear, fingerprint, country } = method.card;
  return {
    type: 'card',
    card: {
      token,
      brand,
      bin,
      last4,
      expMonth,
      expYear,
      fingerprint,
      ...(country === undefined ? {} : { country }),
    },
  };
}

/** The only code that reads or writes the payments and payment_events tables. */
@Injectable()
export class PaymentRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Loads a payment and locks its row until the caller's transaction ends; null when absent. */
  async findForUpdate(manager: EntityManager, paymentId: string): Promise<LockedPayment | null> {
    const row = await manager.findOne(PaymentEntity, {
      where: { id: paymentId },
      lock: { mode: 'pessimistic_write' },
    });
    if (row === null) return null;
    return {
      state: toPaymentState(row),
      paymentMethod: row.paymentMethod,
      offSession: row.offSession,
      riskDeadlineAt: row.riskDeadlineAt,
    };
  }

  /** Inserts a new payment; false when a payment with this id already exists. */
  async insert(manager: EntityManager, row: NewPaymentRow): Promise<boolean> {
    const { state } = row;
    const inserted: unknown[] = await manager.query(
      `INSERT INTO payments (id, merchant_id, amount_minor, amount_captured_minor, currency, capture_method, status,
                             payment_method, customer, processor, processor_reference, failure_code,
                             failure_message, version, settlement_currency, fx_settlement_currency,
                             fx_settlement_amount_minor, fx_rate, fx_rate_version, risk_deadline_at,
                             off_session)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19,
               CASE WHEN $7 = 'processing' THEN $20::timestamptz END, $21)
       ON CONFLICT (id) DO NOTHING
       RETURNING id`,
      [
        state.paymentId,
        state.merchantId,
        state.amountMinor.toString(),
        state.amountCapturedMinor.toString(),
        state.currency,
        state.captureMethod,
        state.status,
        JSON.stringify(toStoredPaymentMethod(row.paymentMethod)),
        row.customer === null ? null : JSON.stringify(row.customer),
        state.processor,
        state.processorReference,
        state.failureCode,
        state.failureMessage,
        state.version,
        row.settlementCurrency,
        state.fx?.settlementCurrency ?? null,
        state.fx?.settlementAmountMinor.toString() ?? null,
        state.fx?.rate ?? null,
        state.fx?.rateVersion ?? null,
        row.riskDeadlineAt?.toISOString() ?? null,
        row.offSession,
      ],
    );
    return inserted.length === 1;
  }

  /**
   * Records how the payment was screened; from then on it no longer waits for risk (a review
   * waits for an analyst, with no deadline).
   */
  async recordRiskScreening(
    manager: EntityManager,
    paymentId: string,
    screening: RiskScreening,
  ): Promise<void> {
    await manager.query(
      'UPDATE payments SET risk_screening = $2, risk_deadline_at = NULL, updated_at = now() WHERE id = $1',
      [paymentId, screening],
    );
  }

  /** Payments still waiting for their first risk assessment past its deadline. */
  async findRiskOverdue(now: Date, limit: number): Promise<{ id: string; version: number }[]> {
    return this.dataSource.query(
      `SELECT id, version FROM payments
        WHERE status = 'processing' AND risk_deadline_at < $1
        ORDER BY risk_deadline_at LIMIT $2`,
      [now.toISOString(), limit],
    );
  }

  /** Writes the state after new events; the expected version guards against a lost update. */
  async update(
    manager: EntityManager,
    state: Payment,
    expectedVersion: number,
    times: { readonly actionExpiresAt?: Date } = {},
  ): Promise<void> {
    // authorized_at is set once, when the payment first waits for capture (the expiry clock).
    const result: [unknown, number] = await manager.query(
      `UPDATE payments
          SET status = $3, amount_captured_minor = $4, processor = $5, processor_reference = $6,
              failure_code = $7, failure_message = $8, version = $9, updated_at = now(),
              amount_refunded_minor = $10, capture_count = $11, pending_action = $12, dispute = $14,
              authorized_at = CASE WHEN $3 = 'requires_capture' THEN coalesce(authorized_at, now()) ELSE authorized_at END,
              risk_deadline_at = CASE WHEN $3 = 'processing' THEN risk_deadline_at END,
              action_expires_at = CASE WHEN $3 = 'requires_action' THEN $13::timestamptz ELSE NULL END
        WHERE id = $1 AND version = $2`,
      [
        state.paymentId,
        expectedVersion,
        state.status,
        state.amountCapturedMinor.toString(),
        state.processor,
        state.processorReference,
        state.failureCode,
        state.failureMessage,
        state.version,
        state.amountRefundedMinor.toString(),
        state.captureCount,
        state.pendingAction === null ? null : JSON.stringify(state.pendingAction),
        times.actionExpiresAt?.toISOString() ?? null,
        state.dispute === null
          ? null
          : JSON.stringify({ ...state.dispute, amountMinor: state.dispute.amountMinor.toString() }),
      ],
    );
    if (result[1] !== 1) {
      throw new PaymentRowError(`payment ${state.paymentId} is no longer at version ${expectedVersion}`);
    }
  }

  /** Appends emitted events to the payment's history (the table refuses updates and deletes). */
  async appendEvents(manager: EntityManager, events: readonly AnyEventEnvelope[]): Promise<void> {
    if (events.length === 0) return;
    await manager.insert(
      PaymentEventEntity,
      events.map((event) => ({
        eventId: event.id,
        paymentId: event.aggregateId,
        sequence: event.aggregateSequence,
        eventType: event.type,
        envelope: event,
        occurredAt: new Date(event.occurredAt),
      })),
    );
  }

  /** Records a refund id once; false when this refund was requested before. */
  async insertRefund(
    manager: EntityManager,
    refund: {
      refundId: string;
      paymentId: string;
      amountMinor: bigint;
      status: 'succeeded' | 'failed';
      failureCode: string | null;
    },
  ): Promise<boolean> {
    const inserted: unknown[] = await manager.query(
      `INSERT INTO refunds (refund_id, payment_id, amount_minor, status, failure_code)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (refund_id) DO NOTHING RETURNING refund_id`,
      [refund.refundId, refund.paymentId, refund.amountMinor.toString(), refund.status, refund.failureCode],
    );
    return inserted.length === 1;
  }

  async refundExists(manager: EntityManager, refundId: string): Promise<boolean> {
    const rows: unknown[] = await manager.query('SELECT 1 FROM refunds WHERE refund_id = $1', [refundId]);
    return rows.length > 0;
  }

  /** Payments past their lifetime: authorizations not captured in time, actions not completed. */
  async findExpired(
    authorizedBefore: Date,
    now: Date,
    limit: number,
  ): Promise<{ id: string; version: number }[]> {
    return this.dataSource.query(
      `(SELECT id, version FROM payments WHERE status = 'requires_capture' AND authorized_at < $1 ORDER BY authorized_at LIMIT $3)
       UNION ALL
       (SELECT id, version FROM payments WHERE status = 'requires_action' AND action_expires_at < $2 ORDER BY action_expires_at LIMIT $3)`,
      [authorizedBefore.toISOString(), now.toISOString(), limit],
    );
  }

  /** For the operator API: a payment and its history, outside any command. */
  async findWithHistory(
    paymentId: string,
  ): Promise<{ row: PaymentEntity; events: PaymentEventEntity[] } | null> {
    const row = await this.dataSource.manager.findOne(PaymentEntity, { where: { id: paymentId } });
    if (row === null) return null;
    const events = await this.dataSource.manager.find(PaymentEventEntity, {
      where: { paymentId },
      order: { sequence: 'ASC' },
    });
    return { row, events };
  }
}
