import { randomUUID } from 'node:crypto';
import { createEvent, type AnyEventEnvelope, type EventData } from '@platform/contracts';
import { ApiError, type EventConsumers } from '@platform/service-runtime';
import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import { DisputeEntity } from '../disputes/dispute.entity';
import { DisputesRepository } from '../disputes/disputes.repository';
import { MerchantEventEntity } from '../events/merchant-event.entity';
import { MerchantEventRecorder } from '../events/merchant-event-recorder.service';
import { MerchantEventsRepository } from '../events/merchant-events.repository';
import { GATEWAY_ENTITIES } from '../gateway-entities';
import { GATEWAY_MIGRATIONS } from '../migrations';
import { PaymentEntity } from '../read-model/payment.entity';
import { PaymentEventsConsumer } from '../read-model-updater/payment-events.consumer';
import { PaymentsRepository } from '../read-model/payments.repository';
import { PayoutEntity } from '../payouts/payout.entity';
import { PayoutsRepository } from '../payouts/payouts.repository';
import { RefundEntity } from '../refunds/refund.entity';
import { RefundsRepository } from '../refunds/refunds.repository';
import { WebhookEndpointEntity } from '../webhooks/webhook-endpoint.entity';
import { WebhooksRepository } from '../webhooks/webhooks.repository';
import { CommandOutcomes } from './command-outcome.service';
import { CommandOutcomeEntity } from './command-outcome.entity';
import { CommandOutcomesRepository } from './command-outcomes.repository';
import { CommandOutcomesSweeper } from './command-outcomes.sweeper';
import { CommandRedelivery } from './command-redelivery.service';
import type { GatewayConfig } from '../gateway-config';

/**
 * Command outcomes recorded by the gateway's consumer against a real, migrated database: a sent
 * command decided applied by the first event it caused, or rejected by payment.command_rejected
 * (once per command, the row the command left waiting put right, and the 409 a waiting request
 * answers with). The consumer's handle() is called as the consumer runtime calls it, in a
 * transaction of its own.
 */
const MERCHANT = 'mer_rejections0000000001';
const OTHER_MERCHANT = 'mer_rejections0000000002';
const PAYMENT = 'pay_rejections00000000000001';
const DISPUTE = 'dp_rejections000000000001';

let db: MigratedDatabase;
let consumer: PaymentEventsConsumer;
let outcomes: CommandOutcomesRepository;
let disputes: DisputesRepository;
let refunds: RefundsRepository;
let payouts: PayoutsRepository;

beforeAll(async () => {
  db = await createMigratedDatabase('gateway_rejections', {
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
  });
  const source = db.dataSource;
  outcomes = new CommandOutcomesRepository(source.getRepository(CommandOutcomeEntity));
  disputes = new DisputesRepository(source.getRepository(DisputeEntity));
  refunds = new RefundsRepository(source.getRepository(RefundEntity));
  payouts = new PayoutsRepository(source.getRepository(PayoutEntity));
  const recorder = new MerchantEventRecorder(
    new MerchantEventsRepository(source.getRepository(MerchantEventEntity)),
    new WebhooksRepository(source.getRepository(WebhookEndpointEntity)),
  );
  consumer = new PaymentEventsConsumer(
    // Not started here: handle() is what the runtime calls for each event.
    null as unknown as EventConsumers,
    new PaymentsRepository(source.getRepository(PaymentEntity)),
    refunds,
    recorder,
    payouts,
    disputes,
    outcomes,
  );
  for (const id of [MERCHANT, OTHER_MERCHANT]) {
    await source.query(
      `INSERT INTO merchants (id, name, api_key_hash, api_key_last4) VALUES ($1, 'Rejections', md5($1) || md5($1), 'aaaa')`,
      [id],
    );
  }
  // A bank transfer payment: no card to vault.
  await source.query(
    `INSERT INTO payments (id, merchant_id, amount_minor, currency, status, capture_method, payment_method_type, correlation_id)
     VALUES ($1, $2, 5000, 'USD', 'succeeded', 'automatic', 'bank_transfer', 'itest')`,
    [PAYMENT, MERCHANT],
  );
  await source.transaction((manager) =>
    disputes.open(manager, {
      id: DISPUTE,
      merchantId: MERCHANT,
      paymentId: PAYMENT,
      amountMinor: '5000',
      currency: 'USD',
      reason: 'fraudulent',
    }),
  );
});

afterAll(async () => {
  await db.close();
});

function rejected(
  commandType: EventData<'payment.command_rejected'>['commandType'],
  commandId: string,
  options: { merchantId?: string; code?: string } = {},
) {
  const merchantId = options.merchantId ?? MERCHANT;
  return createEvent(
    'payment.command_rejected',
    {
      commandId,
      commandType,
      ...(commandType === 'payout.create' ? {} : { paymentId: PAYMENT }),
      code: options.code ?? 'invalid_state_transition',
      message: 'refused in the test',
    },
    {
      aggregateId: commandType === 'payout.create' ? merchantId : PAYMENT,
      aggregateSequence: 1,
      merchantId,
      correlationId: randomUUID(),
      causationId: commandId,
    },
  );
}

const apply = (event: AnyEventEnvelope) =>
  db.dataSource.transaction((manager) => consumer.handle(event, manager));

async function merchantEventTypes(sourceEventId: string): Promise<string[]> {
  const rows: { type: string }[] = await db.dataSource.query(
    'SELECT type FROM merchant_events WHERE source_event_id = $1',
    [sourceEventId],
  );
  return rows.map((row) => row.type);
}

describe('payment.command_rejected at the gateway', () => {
  it('puts a dispute whose evidence was refused back to needs_response, once', async () => {
    const commandId = randomUUID();
    await db.dataSource.transaction((manager) => disputes.markEvidenceSubmitted(manager, DISPUTE, commandId));
    const stale = rejected('dispute.submit_evidence', randomUUID(), { code: 'dispute_not_open' });
    await apply(stale);
    // A refusal of another evidence command does not touch the evidence under review now.
    expect(await disputes.findForMerchant(MERCHANT, DISPUTE)).toMatchObject({ status: 'under_review' });
    const event = rejected('dispute.submit_evidence', commandId, { code: 'processor_error' });
    await apply(event);
    expect(await disputes.findForMerchant(MERCHANT, DISPUTE)).toMatchObject({
      status: 'needs_response',
      evidenceSubmittedAt: null,
      evidenceCommandId: null,
    });
    expect(await merchantEventTypes(event.id)).toEqual(['dispute.updated']);
    expect(await outcomes.findForMerchant(MERCHANT, commandId)).toMatchObject({
      commandType: 'dispute.submit_evidence',
      code: 'processor_error',
      paymentId: PAYMENT,
      sourceEventId: event.id,
    });
    // The same refusal again (another event id, same command) changes nothing more.
    await apply({ ...rejected('dispute.submit_evidence', commandId) });
    expect(await outcomes.findForMerchant(MERCHANT, commandId)).toMatchObject({ sourceEventId: event.id });
  });

  it('fails the pending refund and the pending payout whose command was refused', async () => {
    const refundCommand = randomUUID();
    const payoutCommand = randomUUID();
    await db.dataSource.transaction(async (manager) => {
      await refunds.insert(manager, {
        id: 're_rejections00000000001',
        merchantId: MERCHANT,
        paymentId: PAYMENT,
        amountMinor: '1000',
        currency: 'USD',
        status: 'pending',
        reason: null,
        failureCode: null,
        commandId: refundCommand,
      });
      await payouts.insert(manager, {
        id: 'po_rejections00000000001',
        merchantId: MERCHANT,
        amountMinor: '700',
        currency: 'USD',
        status: 'pending',
        failureCode: null,
        commandId: payoutCommand,
      });
    });
    const refundRefused = rejected('refund.create', refundCommand, { code: 'payment_not_found' });
    const payoutRefused = rejected('payout.create', payoutCommand, { code: 'payout_refused' });
    await apply(refundRefused);
    await apply(payoutRefused);
    expect(await refunds.findForMerchant(MERCHANT, 're_rejections00000000001')).toMatchObject({
      status: 'failed',
      failureCode: 'payment_not_found',
    });
    expect(await payouts.findForMerchant(MERCHANT, 'po_rejections00000000001')).toMatchObject({
      status: 'failed',
      failureCode: 'payout_refused',
    });
    expect(await merchantEventTypes(refundRefused.id)).toEqual(['refund.failed']);
    expect(await merchantEventTypes(payoutRefused.id)).toEqual(['payout.failed']);
  });

  it('answers the waiting request of that merchant only, with 409 and payments’ code', async () => {
    const commandId = randomUUID();
    await apply(rejected('payment.capture', commandId));
    const progress = new CommandOutcomes(outcomes);
    expect(await progress.of(OTHER_MERCHANT, commandId)()).toEqual({ state: 'pending' });
    expect(await progress.of(MERCHANT, randomUUID())()).toEqual({ state: 'pending' });
    const refusal = await progress.of(MERCHANT, commandId)();
    if (refusal.state !== 'rejected') throw new Error(`expected a refusal, got ${refusal.state}`);
    expect(refusal.error).toBeInstanceOf(ApiError);
    const error = refusal.error as ApiError;
    expect(error.getStatus()).toBe(409);
    expect(error.getResponse()).toEqual({
      error: {
        type: 'invalid_request_error',
        code: 'invalid_state_transition',
        message: 'The capture was refused: refused in the test',
      },
    });
  });

  it("does not let one merchant's refusal repair another merchant's rows", async () => {
    const commandId = randomUUID();
    await db.dataSource.transaction((manager) => disputes.markEvidenceSubmitted(manager, DISPUTE, commandId));
    await apply(rejected('dispute.submit_evidence', commandId, { merchantId: OTHER_MERCHANT }));
    expect(await disputes.findForMerchant(MERCHANT, DISPUTE)).toMatchObject({ status: 'under_review' });
  });
});

const MANUAL_PAYMENT = 'pay_outcomes000000000000001';

/** payment.captured (full, final) of MANUAL_PAYMENT, caused by `causationId`. */
function captured(causationId: string | null, merchantId = MERCHANT) {
  return createEvent(
    'payment.captured',
    {
      paymentId: MANUAL_PAYMENT,
      amountMinor: '5000',
      currency: 'USD',
      paymentMethodType: 'card',
      processor: 'simulator',
      processorReference: 'ref_outcomes',
      captureId: 'cap_outcomes000000000000001',
      final: true,
    },
    {
      aggregateId: MANUAL_PAYMENT,
      aggregateSequence: 3,
      merchantId,
      correlationId: randomUUID(),
      causationId,
    },
  );
}

/** A capture as PaymentCommandsService sends it: only its id, merchant and type matter here. */
async function sendCapture(): Promise<string> {
  const commandId = randomUUID();
  await db.dataSource.transaction((manager) =>
    outcomes.recordSent(manager, {
      id: commandId,
      merchantId: MERCHANT,
      type: 'payment.capture',
      paymentId: MANUAL_PAYMENT,
    }),
  );
  return commandId;
}

describe('outcomes of the commands the gateway sent', () => {
  beforeAll(async () => {
    await db.dataSource.query(
      `INSERT INTO payments (id, merchant_id, amount_minor, currency, status, capture_method, payment_method_type,
                             correlation_id, last_event_sequence)
       VALUES ($1, $2, 5000, 'USD', 'requires_capture', 'manual', 'bank_transfer', 'itest', 2)`,
      [MANUAL_PAYMENT, MERCHANT],
    );
  });

  it('decides two concurrent captures by their own outcomes: one applied, one refused', async () => {
    const winner = await sendCapture();
    const loser = await sendCapture();
    const progress = new CommandOutcomes(outcomes);
    expect(await progress.of(MERCHANT, winner)()).toEqual({ state: 'pending' });
    const capture = captured(winner);
    await apply(capture);
    // The read model applied the capture in the transaction that recorded the outcome.
    const rows: unknown[] = await db.dataSource.query(
      'SELECT status, amount_captured_minor FROM payments WHERE id = $1',
      [MANUAL_PAYMENT],
    );
    expect(rows).toEqual([{ status: 'succeeded', amount_captured_minor: '5000' }]);
    // The loser's request sees the payment captured too, but its own command is still pending.
    expect(await progress.of(MERCHANT, winner)()).toEqual({ state: 'applied' });
    expect(await progress.of(MERCHANT, loser)()).toEqual({ state: 'pending' });
    expect(await outcomes.findForMerchant(MERCHANT, winner)).toMatchObject({
      outcome: 'applied',
      commandType: 'payment.capture',
      paymentId: MANUAL_PAYMENT,
      eventType: 'payment.captured',
      sourceEventId: capture.id,
      code: null,
    });
    await apply(rejected('payment.capture', loser));
    const refused = await progress.of(MERCHANT, loser)();
    expect(refused.state).toBe('rejected');
    // The winner's later events and a (forged) refusal of it change nothing: it was decided.
    await apply({ ...captured(winner), id: randomUUID(), aggregateSequence: 4 });
    await apply(rejected('payment.capture', winner));
    expect(await outcomes.findForMerchant(MERCHANT, winner)).toMatchObject({
      outcome: 'applied',
      sourceEventId: capture.id,
    });
  });

  it('records nothing for events caused by what the gateway did not send, or for another merchant', async () => {
    const command = await sendCapture();
    // Caused by an event (a risk decision, say), or by nothing (an expiry): no command of the gateway.
    const notOurs = randomUUID();
    await apply({ ...captured(notOurs), aggregateSequence: 10 });
    await apply({ ...captured(null), aggregateSequence: 11 });
    expect(await outcomes.findForMerchant(MERCHANT, notOurs)).toBeNull();
    // Another merchant's event naming this merchant's command as its cause does not decide it.
    await apply({ ...captured(command, OTHER_MERCHANT), aggregateSequence: 12 });
    expect(await outcomes.findForMerchant(MERCHANT, command)).toMatchObject({
      outcome: 'pending',
      eventType: null,
      decidedAt: null,
    });
  });
});

describe('command outcome sweep', () => {
  it('deletes outcomes older than the retention, in batches, and keeps recent ones', async () => {
    const old = await sendCapture();
    const recent = await sendCapture();
    await db.dataSource.query(
      "UPDATE command_outcomes SET sent_at = now() - interval '25 hours' WHERE command_id = $1",
      [old],
    );
    const sweeper = new CommandOutcomesSweeper(outcomes);
    expect(await sweeper.sweepOnce(24)).toBeGreaterThanOrEqual(1);
    expect(await outcomes.findForMerchant(MERCHANT, old)).toBeNull();
    expect(await outcomes.findForMerchant(MERCHANT, recent)).toMatchObject({ outcome: 'pending' });
  });
});

describe('command redelivery', () => {
  it('sends a command payments never answered again, with backoff, and leaves answered ones alone', async () => {
    const config = { COMMAND_REDELIVERY_AFTER_SECONDS: 30, COMMAND_REDELIVERY_INTERVAL_SECONDS_MAX: 600 };
    const redelivery = new CommandRedelivery(db.dataSource, config as GatewayConfig, outcomes);
    const unanswered = randomUUID();
    const answered = randomUUID();
    const recent = randomUUID();
    for (const [commandId, sentSecondsAgo, outcome] of [
      [unanswered, 120, 'pending'],
      [answered, 120, 'applied'],
      [recent, 5, 'pending'],
    ] as const) {
      await db.dataSource.query(
        `INSERT INTO outbox (event_id, event_type, topic, message_key, payload, published_at)
         VALUES ($1, 'payment.create', 'payments.commands', 'pay_x', '{}'::jsonb, now())`,
        [commandId],
      );
      await db.dataSource.query(
        `INSERT INTO command_outcomes (command_id, merchant_id, command_type, payment_id, outcome, sent_at)
         VALUES ($1, $2, 'payment.create', NULL, $3, now() - make_interval(secs => $4))`,
        [commandId, MERCHANT, outcome, sentSecondsAgo],
      );
    }
    expect(await redelivery.redeliverOnce()).toEqual([unanswered]);
    const unpublished = await db.dataSource.query<{ event_id: string }[]>(
      `SELECT event_id FROM outbox WHERE published_at IS NULL AND event_id = ANY($1::uuid[])`,
      [[unanswered, answered, recent]],
    );
    expect(unpublished.map((row) => row.event_id)).toEqual([unanswered]);
    // Published again by the relay; not due again until its backoff (30 s, then doubling) passed.
    await db.dataSource.query('UPDATE outbox SET published_at = now() WHERE event_id = $1', [unanswered]);
    expect(await redelivery.redeliverOnce()).toEqual([]);
    await db.dataSource.query(
      `UPDATE command_outcomes SET redelivered_at = now() - interval '61 seconds' WHERE command_id = $1`,
      [unanswered],
    );
    expect(await redelivery.redeliverOnce()).toEqual([unanswered]);
    const [row] = await db.dataSource.query<{ redeliveries: number }[]>(
      'SELECT redeliveries FROM command_outcomes WHERE command_id = $1',
      [unanswered],
    );
    expect(row?.redeliveries).toBe(2);
  });
});
