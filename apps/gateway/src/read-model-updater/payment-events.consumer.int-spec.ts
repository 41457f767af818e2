import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { createEvent, type AnyEventEnvelope } from '@platform/contracts';
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
import { PaymentsRepository } from '../read-model/payments.repository';
import { RefundEntity } from '../refunds/refund.entity';
import { RefundsRepository } from '../refunds/refunds.repository';
import { WebhookEndpointEntity } from '../webhooks/webhook-endpoint.entity';
import { WebhooksRepository } from '../webhooks/webhooks.repository';
import { PaymentEventsConsumer } from './payment-events.consumer';

/**
 * The read model applied a batch at a time (one transaction, set-based writes) against a real,
 * migrated database must end exactly where the same events applied one by one end: same rows,
 * same merchant events in the same order, same webhook deliveries, same command outcomes; and
 * the waiting requests are woken for everything the batch changed.
 */
const MERCHANT = 'mer_batchview000000000001';
const ENDPOINT = 'we_batchview0000000000000';

let db: MigratedDatabase;
let consumer: PaymentEventsConsumer;
let outcomes: CommandOutcomesRepository;
let refunds: RefundsRepository;

beforeAll(async () => {
  db = await createMigratedDatabase('gateway_batch_view', {
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
  });
  const source = db.dataSource;
  outcomes = new CommandOutcomesRepository(source.getRepository(CommandOutcomeEntity));
  refunds = new RefundsRepository(source.getRepository(RefundEntity));
  consumer = new PaymentEventsConsumer(
    // Not started here: applyAll() and handle() are what the runtime calls.
    null as unknown as EventConsumers,
    new PaymentsRepository(source.getRepository(PaymentEntity)),
    refunds,
    new MerchantEventRecorder(
      new MerchantEventsRepository(source.getRepository(MerchantEventEntity)),
      new WebhooksRepository(source.getRepository(WebhookEndpointEntity)),
    ),
    new PayoutsRepository(source.getRepository(PayoutEntity)),
    new DisputesRepository(source.getRepository(DisputeEntity)),
    outcomes,
  );
  await source.query(
    `INSERT INTO merchants (id, name, api_key_hash, api_key_last4) VALUES ($1, 'Batch', md5($1) || md5($1), 'aaaa')`,
    [MERCHANT],
  );
  await source.query(
    `INSERT INTO webhook_endpoints (id, merchant_id, url, enabled_events, secret_key_id, secret_iv, secret_ciphertext, secret_auth_tag)
     VALUES ($1, $2, 'http://127.0.0.1:9/hooks', ARRAY['payment.captured', 'refund.succeeded'], 'k1', '\\x00', '\\x00', '\\x00')`,
    [ENDPOINT, MERCHANT],
  );
});

afterAll(async () => {
  await db.close();
});

/** A bank transfer payment's whole life, with the command that created it and a refund. */
async function lifeOf(paymentId: string, refundId: string) {
  const createCommand = randomUUID();
  const refundCommand = randomUUID();
  await db.dataSource.query(
    `INSERT INTO payments (id, merchant_id, amount_minor, currency, status, capture_method, payment_method_type, correlation_id)
     VALUES ($1, $2, 5000, 'USD', 'processing', 'automatic', 'bank_transfer', 'itest')`,
    [paymentId, MERCHANT],
  );
  await db.dataSource.transaction(async (manager) => {
    for (const [id, type] of [
      [createCommand, 'payment.create'],
      [refundCommand, 'refund.create'],
    ] as const) {
      await outcomes.recordSent(manager, { id, merchantId: MERCHANT, type, paymentId });
    }
    await refunds.insert(manager, {
      id: refundId,
      merchantId: MERCHANT,
      paymentId,
      amountMinor: '1200',
      currency: 'USD',
      status: 'pending',
      reason: null,
      failureCode: null,
      commandId: refundCommand,
    });
  });
  const meta = (aggregateSequence: number, causationId: string | null) => ({
    aggregateId: paymentId,
    aggregateSequence,
    merchantId: MERCHANT,
    correlationId: randomUUID(),
    causationId,
  });
  const outcome = {
    paymentId,
    amountMinor: '5000',
    currency: 'USD',
    paymentMethodType: 'bank_transfer',
    processor: 'simulator',
    processorReference: `ref-${paymentId}`,
  } as const;
  const fx = { settlementCurrency: 'EUR', settlementAmountMinor: '4600', rate: '0.92', rateVersion: 'v1' };
  const events: AnyEventEnvelope[] = [
    createEvent(
      'payment.created',
      {
        paymentId,
        merchantId: MERCHANT,
        amountMinor: '5000',
        currency: 'USD',
        captureMethod: 'automatic',
        paymentMethod: { type: 'bank_transfer', bankTransfer: { country: 'DE' } },
      },
      meta(1, createCommand),
    ),
    createEvent(
      'payment.requires_action',
      {
        paymentId,
        action: { type: 'bank_transfer', virtualAccountReference: `va-${paymentId}` },
        expiresAt: '2030-01-01T00:00:00.000Z',
      },
      // Caused by the same command: only the first event decides its outcome.
      meta(2, createCommand),
    ),
    createEvent('payment.authorized', { ...outcome, fx }, meta(3, randomUUID())),
    createEvent(
      'payment.captured',
      { ...outcome, captureId: `cap_${paymentId.slice(4)}`, final: true, fx },
      meta(4, randomUUID()),
    ),
    // A replay of an older event changes nothing.
    createEvent('payment.authorized', { ...outcome, fx }, meta(3, randomUUID())),
    createEvent(
      'refund.succeeded',
      {
        refundId,
        paymentId,
        amountMinor: '1200',
        currency: 'USD',
        paymentMethodType: 'bank_transfer',
        processor: 'simulator',
      },
      meta(5, refundCommand),
    ),
  ];
  return { events, createCommand, refundCommand };
}

interface Outcome {
  payment: Record<string, unknown>;
  merchantEvents: { type: string; object: Record<string, unknown> }[];
  deliveries: number;
  outcomes: { outcome: string; event_type: string | null; source_event_id: string | null }[];
}

async function outcomeOf(paymentId: string, events: readonly AnyEventEnvelope[], commands: string[]) {
  const [payment] = await db.dataSource.query<Record<string, unknown>[]>(
    `SELECT status, amount_captured_minor, amount_refunded_minor, last_event_sequence, next_action,
            fx_settlement_currency, fx_rate, fx_rate_version, fx_authorized_settlement_minor,
            fx_captured_settlement_minor, failure_code
       FROM payments WHERE id = $1`,
    [paymentId],
  );
  const ids = events.map((event) => event.id);
  const merchantEvents = await db.dataSource.query<{ type: string; data: { object: object } }[]>(
    `SELECT type, data FROM merchant_events WHERE source_event_id = ANY($1::uuid[])
      ORDER BY array_position($1::uuid[], source_event_id)`,
    [ids],
  );
  const [{ count }] = await db.dataSource.query<[{ count: string }]>(
    `SELECT count(*) FROM webhook_deliveries AS delivery JOIN merchant_events AS event ON event.id = delivery.event_id
      WHERE event.source_event_id = ANY($1::uuid[])`,
    [ids],
  );
  const decided = await db.dataSource.query<Outcome['outcomes']>(
    `SELECT outcome, event_type, source_event_id FROM command_outcomes WHERE command_id = ANY($1::uuid[])
      ORDER BY array_position($1::uuid[], command_id)`,
    [commands],
  );
  // Ids and creation times differ between the twin payments; everything else must not.
  const anonymous = (value: unknown) =>
    JSON.parse(
      JSON.stringify(value)
        .replaceAll(paymentId, 'pay_X')
        .replaceAll(/re_batch\w+/g, 're_X')
        .replaceAll(/"created":\d+/g, '"created":0'),
    ) as Record<string, unknown>;
  return {
    payment: anonymous(payment),
    merchantEvents: merchantEvents.map((row) => ({ type: row.type, object: anonymous(row.data.object) })),
    deliveries: Number(count),
    outcomes: decided.map((row) => ({
      ...row,
      source_event_id: row.source_event_id === null ? null : String(ids.indexOf(row.source_event_id)),
    })),
  } satisfies Outcome;
}

describe('the read model applied a batch at a time', () => {
  it('ends where the same events applied one by one end, and wakes the waiters on commit', async () => {
    const single = await lifeOf('pay_batchviewsingle000001', 're_batchviewsingle01');
    for (const event of single.events) {
      await db.dataSource.transaction((manager) => consumer.handle(event, manager));
    }

    const batched = await lifeOf('pay_batchviewbatched00001', 're_batchviewbatched1');
    const listener = new Client({ connectionString: db.database.url });
    await listener.connect();
    const woken: string[] = [];
    listener.on('notification', (message) => woken.push(message.payload ?? ''));
    await listener.query('LISTEN gateway_read_model');
    await db.dataSource.transaction((manager) =>
      consumer.applyAll(
        batched.events.map((event) => ({ event, inSpan: (work) => work() })),
        manager,
      ),
    );
    // A round trip on the listening connection delivers what the commit notified.
    await listener.query('SELECT 1');
    await listener.end();

    const expected = await outcomeOf('pay_batchviewsingle000001', single.events, [
      single.createCommand,
      single.refundCommand,
    ]);
    const actual = await outcomeOf('pay_batchviewbatched00001', batched.events, [
      batched.createCommand,
      batched.refundCommand,
    ]);
    expect(actual).toEqual(expected);
    // What the test compares is a whole life, not two empty answers.
    expect(expected.payment).toMatchObject({
      status: 'succeeded',
      amount_captured_minor: '5000',
      amount_refunded_minor: '1200',
      last_event_sequence: 4,
      fx_captured_settlement_minor: '4600',
    });
    expect(expected.merchantEvents.map((event) => event.type)).toEqual([
      'payment.created',
      'payment.requires_action',
      'payment.authorized',
      'payment.captured',
      'refund.succeeded',
    ]);
    expect(expected.deliveries).toBe(2);
    expect(expected.outcomes).toEqual([
      { outcome: 'applied', event_type: 'payment.created', source_event_id: '0' },
      { outcome: 'applied', event_type: 'refund.succeeded', source_event_id: '5' },
    ]);
    expect(woken).toEqual(
      expect.arrayContaining([
        'pay_batchviewbatched00001',
        're_batchviewbatched1',
        batched.createCommand,
        batched.refundCommand,
      ]),
    );
  });
});
