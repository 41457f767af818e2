import { randomBytes } from 'node:crypto';
import { TOPICS, createEvent, encodeEvent, physicalTopicName } from '@platform/contracts';
import { testKafka, waitFor } from '@platform/testing';
import { onboardMerchant, readPlatform, request } from './platform';

/**
 * Control totals through the running platform: payments reports what it captured and refunded,
 * the ledger finds all of it booked; a capture the ledger never got (here: a report naming one) is
 * flagged with its ids. global-setup shortens the windows and grace periods to seconds.
 */
const platform = readPlatform();

interface Control {
  reports_received: number;
  reports_unchecked: number;
  reports_with_differences: number;
  differences: { kind: string; item_id: string; payment_id: string | null; reported_minor: string }[];
}

const control = (merchantId: string) =>
  request<Control>(`${platform.services.ledger}/v1/ledger/control?merchant=${merchantId}`, {
    token: platform.adminToken,
  });

describe('control totals: the ledger checks what payments captured and refunded', () => {
  it('finds every capture and refund booked, and names a capture the books lack', async () => {
    const merchant = await onboardMerchant('Control Totals Merchant');
    const payments: string[] = [];
    for (const amount of [1_200, 3_400]) {
      const paid = await merchant.call<{ id: string; status: string }>('/v1/payments', {
        method: 'POST',
        body: {
          amount,
          currency: 'usd',
          payment_method: {
            type: 'card',
            card: { number: '4242424242424242', exp_month: 12, exp_year: 2030, cvc: '123' },
          },
        },
      });
      expect(paid.body.status).toBe('succeeded');
      payments.push(paid.body.id);
    }
    const refund = await merchant.call<{ status: string }>('/v1/refunds', {
      method: 'POST',
      body: { payment: payments[0], amount: 200 },
    });
    expect(refund.body.status).toBe('succeeded');

    // A report checked before the ledger consumed its movements is checked again: wait for clean.
    let lastRead: unknown;
    const clean = await waitFor(
      'the control reports of both payments to be checked clean',
      90_000,
      async () => {
        const read = await control(merchant.id);
        const { body } = read;
        lastRead = { status: read.status, body };
        return body.reports_received > 0 && body.reports_unchecked === 0 && body.differences.length === 0
          ? body
          : undefined;
      },
    ).catch((error: unknown) => {
      throw new Error(`${(error as Error).message}; last read ${JSON.stringify(lastRead)}`);
    });
    expect(clean.reports_with_differences).toBe(0);

    // What a lost payment.captured looks like from the ledger's side: payments reports a capture
    // that never reached it.
    const lostCapture = `cap_lost${randomBytes(8).toString('hex')}`;
    const lostPayment = `pay_lost${randomBytes(8).toString('hex')}`;
    const now = new Date();
    const report = createEvent(
      'control_totals.reported',
      {
        merchantId: merchant.id,
        currency: 'USD',
        windowStart: new Date(now.getTime() - 60_000).toISOString(),
        windowEnd: now.toISOString(),
        part: 1,
        parts: 1,
        captures: [{ captureId: lostCapture, paymentId: lostPayment, amountMinor: '19623' }],
        refunds: [],
        payouts: [],
      },
      {
        aggregateId: merchant.id,
        aggregateSequence: 1,
        merchantId: merchant.id,
        correlationId: 'e2e',
        causationId: null,
      },
    );
    const producer = testKafka().producer();
    await producer.connect();
    try {
      await producer.send({
        topic: physicalTopicName(platform.namespace, TOPICS.paymentsControl.name),
        messages: [{ key: merchant.id, value: encodeEvent(report) }],
      });
    } finally {
      await producer.disconnect();
    }
    const flagged = await waitFor('the ledger to flag the capture it never booked', 90_000, async () => {
      const read = await control(merchant.id);
      return read.body.differences.find((difference) => difference.item_id === lostCapture);
    });
    expect(flagged).toEqual(
      expect.objectContaining({ kind: 'capture_missing', payment_id: lostPayment, reported_minor: '19623' }),
    );
    const metrics = await request<string>(`${platform.services.ledger}/metrics`, {
      token: platform.metricsToken,
    });
    expect(metrics.text).toMatch(/ledger_control_differences\{[^}]*kind="capture_missing"[^}]*\} [1-9]/);
  });
});
