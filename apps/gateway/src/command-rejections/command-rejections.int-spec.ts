import { randomUUID } from 'node:crypto';
import { createEvent, type EventData } from '@platform/contracts';
import type { EventConsumers } from '@platform/service-runtime';
import { createMigratedDatabase, type MigratedDatabase } from '@platform/testing';
import { DisputeEntity } from '../disputes/dispute.entity';
import { DisputesRepository } from '../disputes/disputes.repository';
import { MerchantEventEntity } from '../events/merchant-event.entity';
import { MerchantEventRecorder } from '../events/merchant-event-recorder.service';
import { MerchantEventsRepository } from '../events/merchant-events.repository';
import { GATEWAY_ENTITIES } from '../gateway-entities';
import { GATEWAY_MIGRATIONS } from '../migrations';
import { PaymentEntity } from '../payments/payment.entity';
import { PaymentEventsConsumer } from '../payments/payment-events.consumer';
import { PaymentsRepository } from '../payments/payments.repository';
import { PayoutEntity } from '../payouts/payout.entity';
import { PayoutsRepository } from '../payouts/payouts.repository';
import { RefundEntity } from '../refunds/refund.entity';
import { RefundsRepository } from '../refunds/refunds.repository';
import { WebhookEndpointEntity } from '../webhooks/webhook-endpoint.entity';
import { WebhooksRepository } from '../webhooks/webhooks.repository';
import { CommandRefusals } from './command-refusal.service';
import { CommandRejectionEntity } from './command-rejection.entity';
import { CommandRejectionsRepository } from './command-rejections.repository';

/**
 * payment.command_rejected applied by the gateway's consumer against a real, migrated database:
 * recorded once per command, the row the command left waiting put right, and the 409 a waiting
 * request answers with. The consumer's handle() is called as the consumer runtime calls it, in a
 * transaction of its own.
 */
const MERCHANT = 'mer_rejections0000000001';
const OTHER_MERCHANT = 'mer_rejections0000000002';
const PAYMENT = 'pay_rejections00000000000001';
const DISPUTE = 'dp_rejections000000000001';

let db: MigratedDatabase;
let consumer: PaymentEventsConsumer;
let rejections: CommandRejectionsRepository;
let disputes: DisputesRepository;
let refunds: RefundsRepository;
let payouts: PayoutsRepository;

beforeAll(async () => {
  db = await createMigratedDatabase('gateway_rejections', {
    entities: GATEWAY_ENTITIES,
    migrations: GATEWAY_MIGRATIONS,
  });
  const source = db.dataSource;
  rejections = new CommandRejectionsRepository(source.getRepository(CommandRejectionEntity));
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
    rejections,
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

const apply = (event: ReturnType<typeof rejected>) =>
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
    expect(await rejections.findForMerchant(MERCHANT, commandId)).toMatchObject({
      commandType: 'dispute.submit_evidence',
      code: 'processor_error',
      paymentId: PAYMENT,
      sourceEventId: event.id,
    });
    // The same refusal again (another event id, same command) changes nothing more.
    await apply({ ...rejected('dispute.submit_evidence', commandId) });
    expect(await rejections.findForMerchant(MERCHANT, commandId)).toMatchObject({ sourceEventId: event.id });
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
    const refusals = new CommandRefusals(rejections);
    expect(await refusals.of(OTHER_MERCHANT, commandId)()).toBeNull();
    expect(await refusals.of(MERCHANT, randomUUID())()).toBeNull();
    const refusal = await refusals.of(MERCHANT, commandId)();
    expect(refusal?.getStatus()).toBe(409);
    expect(refusal?.getResponse()).toEqual({
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
