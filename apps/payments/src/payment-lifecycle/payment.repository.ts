import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { AnyEventEnvelope } from '@platform/contracts';
import {
  PAYMENT_STATUSES,
  type CaptureMethod,
  type FailureCode,
  type Payment,
  type PaymentStatus,
} from '../domain/payment-state-machine';
import { PaymentEventEntity } from './payment-event.entity';
import { PaymentEntity, type StoredCustomer, type StoredPaymentMethod } from './payment.entity';

/** A payment loaded under a row lock, with the card data a processor needs. */
export interface LockedPayment {
  readonly state: Payment;
  readonly paymentMethod: StoredPaymentMethod;
}

export interface NewPaymentRow {
  readonly state: Payment;
  readonly paymentMethod: StoredPaymentMethod;
  readonly customer: StoredCustomer | null;
}

/** Thrown when the database holds what the domain cannot: a bug or a manual edit, never user input. */
export class PaymentRowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaymentRowError';
  }
}

const FAILURE_CODES: readonly FailureCode[] = [
  'card_declined',
  'insufficient_funds',
  'processor_error',
  'risk_declined',
];

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
    currency: row.currency,
    captureMethod: oneOf<CaptureMethod>(row.captureMethod, ['automatic', 'manual'], 'capture_method'),
    paymentMethodType: row.paymentMethod.type,
    processor: row.processor,
    processorReference: row.processorReference,
    failureCode: row.failureCode === null ? null : oneOf(row.failureCode, FAILURE_CODES, 'failure_code'),
    failureMessage: row.failureMessage,
  };
}

/**
 * Copies only the known card fields, so nothing else a message might carry is ever stored.
 * The database also refuses any other key in the column.
 */
export function toStoredPaymentMethod(method: StoredPaymentMethod): StoredPaymentMethod {
  const { token, brand, bin, last4, expMonth, expYear, fingerprint } = method.card;
  return { type: 'card', card: { token, brand, bin, last4, expMonth, expYear, fingerprint } };
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
    return { state: toPaymentState(row), paymentMethod: row.paymentMethod };
  }

  /** Inserts a new payment; false when a payment with this id already exists. */
  async insert(manager: EntityManager, row: NewPaymentRow): Promise<boolean> {
    const { state } = row;
    const inserted: unknown[] = await manager.query(
      `INSERT INTO payments (id, merchant_id, amount_minor, amount_captured_minor, currency, capture_method, status,
                             payment_method, customer, processor, processor_reference, failure_code,
                             failure_message, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
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
      ],
    );
    return inserted.length === 1;
  }

  /** Writes the state after new events; the expected version guards against a lost update. */
  async update(manager: EntityManager, state: Payment, expectedVersion: number): Promise<void> {
    const result: [unknown, number] = await manager.query(
      `UPDATE payments
          SET status = $3, amount_captured_minor = $4, processor = $5, processor_reference = $6,
              failure_code = $7, failure_message = $8, version = $9, updated_at = now()
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
