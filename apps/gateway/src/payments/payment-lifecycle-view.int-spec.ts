import { randomUUID } from 'node:crypto';
import { createEvent, type AnyEventEnvelope, type EventData, type EventType } from '@platform/contracts';
import type { EventConsumers } from '@platform/service-runtime';
import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import { CommandOutcomeEntity } from '../command-outcomes/command-outcome.entity';
import { CommandOutcomesRepository } from '../command-outcomes/command-outcomes.repository';
import { DisputeEntity } from '../disputes/dispute.entity';
import { DisputesRepository } from '../disputes/disputes.repository';
import { MerchantEventEntity } from '../events/merchant-event.entity';
import { MerchantEventRecorder } from '../events/merchant-event-recorder.service';
import { MerchantEventsRepository } from '../events/merchant-events.repository';
import { GATEWAY_ENTITIES } from '../gateway-entities';
import { GATEWAY_MIGRATIONS } from '../migrations';
import { PayoutEntity } from '../payouts/payout.entity';
import { PayoutsRepository } from '../payouts/payouts.repository';
import { PaymentEntity } from '../read-model/payment.entity';
import { toPaymentResource } from '../read-model/payment-resource';
import { PaymentsRepository } from '../read-model/payments.repository';
import { PaymentEventsConsumer } from '../read-model-updater/payment-events.consumer';
import { RefundEntity } from '../refunds/refund.entity';
import { RefundsRepository } from '../refunds/refunds.repository';
import { WebhookEndpointEntity } from '../webhooks/webhook-endpoint.entity';
import { WebhooksRepository } from '../webhooks/webhooks.repository';

/**
 * The payment read model against a real, migrated database, fed by the consumer as the runtime
 * feeds it: partial captures and what is left capturable, the cancellation reason, and a manual
 * review shown on the payment and recorded as review.opened / review.closed for the merchant.
 */
const MERCHANT = 'mer_lifecycleview00000001';

let db: MigratedDatabase;
let consumer: PaymentEventsConsumer;
let payments: PaymentsRepository;

beforeAll(async () => {
  db = await createMigratedDatabase('gateway_lifecycle_view', {
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
  });
  const source = db.dataSource;
  payments = new PaymentsRepository(source.getRepository(PaymentEntity));
  consumer = new PaymentEventsConsumer(
    // Not started here: handle() is what the runtime calls for each event.
    null as unknown as EventConsumers,
    payments,
    new RefundsRepository(source.getRepository(RefundEntity)),
    new MerchantEventRecorder(
      new MerchantEventsRepository(source.getRepository(MerchantEventEntity)),
      new WebhooksRepository(source.getRepository(WebhookEndpointEntity)),
    ),
    new PayoutsRepository(source.getRepository(PayoutEntity)),
    new DisputesRepository(source.getRepository(DisputeEntity)),
    new CommandOutcomesRepository(source.getRepository(CommandOutcomeEntity)),
  );
  await source.query(
    `INSERT INTO merchants (id, name, api_key_hash, api_key_last4) VALUES ($1, 'Lifecycle', md5($1) || md5($1), 'aaaa')`,
    [MERCHANT],
  );
});

afterAll(async () => {
  await db.close();
});

const paymentIdOf = (n: number) => `pay_lifecycleview${String(n).padStart(10, '0')}`;

async function insertPayment(id: string, captureMethod: 'automatic' | 'manual'): Promise<void> {
  await db.dataSource.query(
    `INSERT INTO payments (id, merchant_id, amount_minor, currency, status, capture_method, payment_method_type,
                           correlation_id, last_event_sequence)
     VALUES ($1, $2, 10000, 'USD', 'processing', $3, 'bank_transfer', 'itest', 1)`,
    [id, MERCHANT, captureMethod],
  );
}

async function apply<T extends EventType>(paymentId: string, sequence: number, type: T, data: EventData<T>) {
  const event = createEvent(type, data, {
    aggregateId: paymentId,
    aggregateSequence: sequence,
    merchantId: MERCHANT,
    correlationId: randomUUID(),
    causationId: null,
  });
  await db.dataSource.transaction((manager) => consumer.handle(event as AnyEventEnvelope, manager));
  return event;
}

async function shown(paymentId: string) {
  const payment = await payments.findForMerchant(MERCHANT, paymentId);
  if (payment === null) throw new Error(`no payment ${paymentId}`);
  return toPaymentResource(payment);
}

async function merchantEvents(
  paymentId: string,
): Promise<{ type: string; object: Record<string, unknown> }[]> {
  const rows: { type: string; data: { object: Record<string, unknown> } }[] = await db.dataSource.query(
    `SELECT type, data FROM merchant_events
      WHERE merchant_id = $1 AND (data -> 'object' ->> 'id' IN ($2, $3) OR data -> 'object' ->> 'payment' = $2)
      ORDER BY created_at, id`,
    [MERCHANT, paymentId, `rev_${paymentId.slice(4)}`],
  );
  return rows.map((row) => ({ type: row.type, object: row.data.object }));
}

const outcome = (paymentId: string) => ({
  paymentId,
  currency: 'USD',
  paymentMethodType: 'card' as const,
  processor: 'simulated-a',
  processorReference: 'sim_a_lifecycleview',
});

describe('the payment read model over a multi-part capture', () => {
  it('adds up non-final captures, shows what is left, and ends succeeded on a cancel with its reason', async () => {
    const id = paymentIdOf(1);
    await insertPayment(id, 'manual');
    await apply(id, 2, 'payment.authorized', { ...outcome(id), amountMinor: '10000' });
    expect(await shown(id)).toMatchObject({ status: 'requires_capture', amount_capturable: 10_000 });
    const capture = (n: number, amountMinor: string) => ({
      ...outcome(id),
      amountMinor,
      captureId: `cap_lifecycleview0000${n}`,
      final: false,
    });
    await apply(id, 3, 'payment.captured', capture(1, '2500'));
    await apply(id, 4, 'payment.captured', capture(2, '1500'));
    expect(await shown(id)).toMatchObject({
      status: 'requires_capture',
      amount_captured: 4_000,
      amount_capturable: 6_000,
      cancellation_reason: null,
    });
    await apply(id, 5, 'payment.canceled', {
      paymentId: id,
      reason: 'abandoned',
      releasedAmountMinor: '6000',
      currency: 'USD',
    });
    expect(await shown(id)).toMatchObject({
      status: 'succeeded',
      amount_captured: 4_000,
      amount_capturable: 0,
      cancellation_reason: 'abandoned',
    });
    const events = await merchantEvents(id);
    expect(events.map((e) => e.type)).toEqual([
      'payment.authorized',
      'payment.captured',
      'payment.captured',
      'payment.canceled',
    ]);
    // The webhook's object carries the reason too.
    expect(events[3]?.object).toMatchObject({ id, cancellation_reason: 'abandoned', status: 'succeeded' });
  });

  it('shows an expired authorization canceled with reason automatic', async () => {
    const id = paymentIdOf(2);
    await insertPayment(id, 'manual');
    await apply(id, 2, 'payment.authorized', { ...outcome(id), amountMinor: '10000' });
    await apply(id, 3, 'payment.canceled', {
      paymentId: id,
      reason: 'expired',
      releasedAmountMinor: '10000',
      currency: 'USD',
    });
    expect(await shown(id)).toMatchObject({ status: 'canceled', cancellation_reason: 'automatic' });
  });
});

describe('a payment held for manual review', () => {
  it('shows the open review, then the closed one, each recorded as a review event', async () => {
    const id = paymentIdOf(3);
    const reviewId = `rev_${id.slice(4)}`;
    await insertPayment(id, 'automatic');
    const opened = await apply(id, 2, 'payment.review_opened', {
      paymentId: id,
      reviewId,
      score: 60,
      reasons: ['amount_above:global-high-amount'],
    });
    const openedAt = Math.floor(new Date(opened.occurredAt).getTime() / 1000);
    expect(await shown(id)).toMatchObject({
      status: 'processing',
      next_action: null,
      review: {
        id: reviewId,
        object: 'review',
        payment: id,
        open: true,
        reason: 'rule',
        rules: ['amount_above:global-high-amount'],
        opened_at: openedAt,
        closed_at: null,
        outcome: null,
      },
    });
    const closed = await apply(id, 3, 'payment.review_closed', {
      paymentId: id,
      reviewId,
      outcome: 'declined',
    });
    await apply(id, 4, 'payment.failed', {
      paymentId: id,
      failureCode: 'risk_declined',
      failureMessage: 'The payment was declined by risk screening.',
    });
    const closedReview = {
      id: reviewId,
      open: false,
      reason: 'declined',
      opened_at: openedAt,
      closed_at: Math.floor(new Date(closed.occurredAt).getTime() / 1000),
      outcome: 'declined',
    };
    expect(await shown(id)).toMatchObject({ status: 'failed', review: closedReview });
    const events = await merchantEvents(id);
    expect(events.map((e) => e.type)).toEqual(['review.opened', 'review.closed', 'payment.failed']);
    expect(events[0]?.object).toMatchObject({ id: reviewId, object: 'review', open: true });
    expect(events[1]?.object).toMatchObject(closedReview);
    // A redelivered review event changes nothing and is not shown twice.
    await db.dataSource.transaction((manager) => consumer.handle(opened, manager));
    expect((await merchantEvents(id)).length).toBe(3);
  });
});
