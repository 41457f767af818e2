import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { TOPICS, type EventData, type EventEnvelope, type EventType } from '@platform/contracts';
import {
  TestNamespace,
  startServiceWithDatabase,
  vaultedTestCard,
  type ServiceWithDatabase,
} from '@platform/testing';

/**
 * payment.command_rejected against the real broker and Postgres: the payments service runs as a
 * process in a namespace of its own; the test plays the gateway (commands on payments.commands)
 * and risk (risk.assessed), and reads payments.events.
 */
const PAYMENTS = join(__dirname, '..', 'dist', 'main.js');
const PORT = 3950;
const ADMIN_TOKEN = 'payments-rejections-int-admin-token';
const MERCHANT_ID = `mer_rej${randomBytes(6).toString('hex')}`;
const SETTLE_LIMIT_MS = 20_000;

interface Running {
  readonly bus: TestNamespace;
  readonly payments: ServiceWithDatabase;
}

async function startPayments(): Promise<Running> {
  const bus = await TestNamespace.create({
    name: 'itest-rej',
    read: [TOPICS.paymentsEvents.name],
    eventLimitMs: SETTLE_LIMIT_MS,
  });
  const payments = await startServiceWithDatabase({
    name: 'payments',
    main: PAYMENTS,
    port: PORT,
    databasePrefix: 'itest_rejections_payments',
    env: { ...bus.serviceEnv, ADMIN_TOKEN, LOG_LEVEL: 'warn' },
  }).catch(async (error: unknown) => {
    await bus.close();
    throw error;
  });
  return { bus, payments };
}

const newPaymentId = () => `pay_${randomBytes(12).toString('hex')}`;

describe('payment.command_rejected from the payments service', () => {
  let running: Running | undefined;
  const platform = (): Running => {
    if (running === undefined) throw new Error('payments did not start');
    return running;
  };

  beforeAll(async () => {
    running = await startPayments();
  });

  afterAll(async () => {
    if (running === undefined) return;
    await running.payments.stop();
    await running.bus.close();
  });

  function send<T extends EventType>(
    type: T,
    data: EventData<T>,
    paymentId: string,
  ): Promise<EventEnvelope<T>> {
    return platform().bus.send(type, data, { aggregateId: paymentId, merchantId: MERCHANT_ID });
  }

  function waitForEvent<T extends EventType>(paymentId: string, type: T, nth = 1) {
    return platform().bus.waitForEvent(paymentId, type, { nth });
  }

  async function authorizedManualPayment(): Promise<string> {
    const paymentId = newPaymentId();
    await send(
      'payment.create',
      {
        paymentId,
        merchantId: MERCHANT_ID,
        amountMinor: '2500',
        currency: 'USD',
        captureMethod: 'manual',
        paymentMethod: vaultedTestCard(),
        metadata: {},
      },
      paymentId,
    );
    await waitForEvent(paymentId, 'payment.created');
    await send('risk.assessed', { paymentId, decision: 'approve', score: 1, reasons: [] }, paymentId);
    await waitForEvent(paymentId, 'payment.authorized');
    return paymentId;
  }

  it('answers a capture of a canceled payment with payment.command_rejected, caused by the capture', async () => {
    const paymentId = await authorizedManualPayment();
    const cancel = await send('payment.cancel', { paymentId }, paymentId);
    const capture = await send('payment.capture', { paymentId }, paymentId);
    const rejected = await waitForEvent(paymentId, 'payment.command_rejected');
    const canceled = await waitForEvent(paymentId, 'payment.canceled');
    expect(canceled.causationId).toBe(cancel.id);
    expect(rejected).toMatchObject({
      aggregateId: paymentId,
      merchantId: MERCHANT_ID,
      correlationId: capture.correlationId,
      causationId: capture.id,
      data: {
        commandId: capture.id,
        commandType: 'payment.capture',
        paymentId,
        code: 'invalid_state_transition',
      },
    });
    // Nothing was captured: the canceled payment's events end with payment.canceled.
    const types = platform()
      .bus.eventsOf(paymentId)
      .map((event) => event.type);
    expect(types).toEqual([
      'payment.created',
      'payment.authorized',
      'payment.canceled',
      'payment.command_rejected',
    ]);
  });

  it('sends one rejection per command: a redelivered command is skipped, not refused again', async () => {
    const paymentId = await authorizedManualPayment();
    await send('payment.cancel', { paymentId }, paymentId);
    const capture = await send('payment.capture', { paymentId }, paymentId);
    await waitForEvent(paymentId, 'payment.command_rejected');
    // The same envelope again, then a second capture as a marker: its rejection comes after the redelivery's.
    await platform().bus.publish(capture);
    const marker = await send('payment.capture', { paymentId }, paymentId);
    const second = await waitForEvent(paymentId, 'payment.command_rejected', 2);
    expect(second.causationId).toBe(marker.id);
    const refusalsOfCapture = platform().bus.events.filter(
      (event) => event.type === 'payment.command_rejected' && event.causationId === capture.id,
    );
    expect(refusalsOfCapture).toHaveLength(1);
  });

  it('refuses a command about an unknown payment as payment_not_found', async () => {
    const paymentId = newPaymentId();
    const refund = await send(
      'refund.create',
      { refundId: `re_${randomBytes(10).toString('hex')}`, paymentId },
      paymentId,
    );
    const rejected = await waitForEvent(paymentId, 'payment.command_rejected');
    expect(rejected).toMatchObject({
      causationId: refund.id,
      data: { commandId: refund.id, commandType: 'refund.create', code: 'payment_not_found' },
    });
  });
});
