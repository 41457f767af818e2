import type { EntityManager } from 'typeorm';
import type { StoredNextAction } from '../domain/next-action';
import type { PaymentViewState } from '../domain/payment-view';
import type {
  AppliedCommand,
  CommandOutcomesRepository,
} from '../command-outcomes/command-outcomes.repository';
import type { MerchantEventRecord, MerchantEventRecorder } from '../events/merchant-event-recorder.service';
import { PaymentEntity } from '../read-model/payment.entity';
import {
  paymentViewColumns,
  type PaymentViewWrite,
  type PaymentsRepository,
} from '../read-model/payments.repository';
import { ReadModelSignals } from '../read-model/read-model-signals';

/**
 * One consumer transaction's changes to the read model, written set-based at its end: the
 * payments' rows locked in one statement, each payment's view written once however many of its
 * events the batch holds, and the merchant events, command outcomes and wake-ups one statement
 * each. Round trips per batch instead of per event are what keep the read model up with the
 * stream (its lag is what a waiting POST waits for).
 */
export class ReadModelBatch {
  /** Locked rows as the batch has evolved them; null for ids with no row. */
  private readonly locked = new Map<string, PaymentEntity | null>();
  private readonly views = new Map<string, PaymentViewWrite>();
  private readonly records: MerchantEventRecord[] = [];
  private readonly applied: AppliedCommand[] = [];
  private readonly changedIds = new Set<string>();

  constructor(
    private readonly manager: EntityManager,
    private readonly payments: PaymentsRepository,
    private readonly recorder: MerchantEventRecorder,
    private readonly outcomes: CommandOutcomesRepository,
  ) {}

  /** Locks the payments not locked yet, in one statement. */
  async lockPayments(paymentIds: readonly string[]): Promise<void> {
    const missing = [...new Set(paymentIds)].filter((id) => !this.locked.has(id));
    if (missing.length === 0) return;
    for (const id of missing) this.locked.set(id, null);
    for (const row of await this.payments.lockAll(this.manager, missing)) this.locked.set(row.id, row);
  }

  /** The locked payment as this batch has left it so far. */
  async payment(paymentId: string): Promise<PaymentEntity | null> {
    await this.lockPayments([paymentId]);
    return this.locked.get(paymentId) ?? null;
  }

  /** The payment's new view, written when the batch ends; returns the row as a re-read would. */
  setView(payment: PaymentEntity, view: PaymentViewState, nextAction?: StoredNextAction): PaymentEntity {
    const earlier = this.views.get(payment.id)?.nextAction;
    const keptAction = nextAction ?? earlier;
    this.views.set(payment.id, {
      paymentId: payment.id,
      view,
      ...(keptAction === undefined ? {} : { nextAction: keptAction }),
    });
    const updated = Object.assign(
      Object.create(PaymentEntity.prototype) as PaymentEntity,
      payment,
      paymentViewColumns(view, nextAction),
    );
    this.locked.set(payment.id, updated);
    return updated;
  }

  /** Adds a refund to the payment now (it is one column no view writes) and to the row the batch holds. */
  async addRefunded(paymentId: string, amountMinor: bigint): Promise<void> {
    await this.payments.addRefunded(this.manager, paymentId, amountMinor);
    const payment = this.locked.get(paymentId);
    if (payment === undefined || payment === null) return;
    const refunded = (BigInt(payment.amountRefundedMinor) + amountMinor).toString();
    this.locked.set(
      paymentId,
      Object.assign(Object.create(PaymentEntity.prototype) as PaymentEntity, payment, {
        amountRefundedMinor: refunded,
      }),
    );
  }

  record(record: MerchantEventRecord): void {
    this.records.push(record);
  }

  commandApplied(command: AppliedCommand): void {
    this.applied.push(command);
  }

  /** Ids a waiting request may be watching, woken when the transaction commits. */
  changed(ids: readonly string[]): void {
    for (const id of ids) this.changedIds.add(id);
  }

  /** Writes everything the batch holds, in the consumer's transaction. */
  async write(): Promise<void> {
    await this.payments.writeViews(this.manager, [...this.views.values()]);
    await this.recorder.recordAll(this.manager, this.records);
    await this.outcomes.recordAppliedAll(this.manager, this.applied);
    await ReadModelSignals.notifyChanged(this.manager, [...this.changedIds]);
  }
}
