import { randomUUID } from 'node:crypto';
import { waitFor } from '@platform/testing';
import { readPlatform, request, type Reply } from './platform';

/**
 * The money lifecycle through the merchant API: manual capture (whole and partial), cancel and
 * refunds, each sent as a command and answered after the bounded wait. These need the payments
 * service to handle payment.capture, payment.cancel and refund.create.
 */

const platform = readPlatform();
const GATEWAY = platform.services.gateway;
const CARD = '4242424242424242';

interface Payment {
  id: string;
  status: string;
  amount: number;
  amount_captured: number;
  amount_refunded: number;
}
interface Refund {
  id: string;
  object: 'refund';
  payment: string;
  amount: number;
  status: string;
}
interface List<T> {
  has_more: boolean;
  data: T[];
}

function call<T = unknown>(
  path: string,
  options: { method?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  return request<T>(`${GATEWAY}${path}`, { ...options, token: options.key });
}

let key: string;

beforeAll(async () => {
  const created = await call<{ api_key: string }>('/v1/merchants', {
    method: 'POST',
    key: platform.adminToken,
    body: { name: 'Lifecycle Merchant' },
  });
  key = created.body.api_key;
});

async function payment(amount: number, captureMethod: 'automatic' | 'manual'): Promise<Payment> {
  const created = await call<Payment>('/v1/payments', {
    method: 'POST',
    key,
    body: {
      amount,
      currency: 'usd',
      capture_method: captureMethod,
      payment_method: { type: 'card', card: { number: CARD, exp_month: 12, exp_year: 2035, cvc: '123' } },
    },
  });
  expect(created.status).toBe(200);
  const wanted = captureMethod === 'manual' ? 'requires_capture' : 'succeeded';
  return waitFor(`payment ${created.body.id} to reach ${wanted}`, 30_000, async () => {
    const { body } = await call<Payment>(`/v1/payments/${created.body.id}`, { key });
    return body.status === wanted ? body : undefined;
  });
}

async function paymentUntil(id: string, description: string, done: (payment: Payment) => boolean) {
  return waitFor(description, 30_000, async () => {
    const { body } = await call<Payment>(`/v1/payments/${id}`, { key });
    return done(body) ? body : undefined;
  });
}

describe('gateway: capture, cancel and refunds', () => {
  it('captures a manual payment in full', async () => {
    const authorized = await payment(5_000, 'manual');
    const captured = await call<Payment>(`/v1/payments/${authorized.id}/capture`, {
      method: 'POST',
      key,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(captured.status).toBe(200);
    const done = await paymentUntil(authorized.id, 'the capture', (p) => p.status === 'succeeded');
    expect(done.amount_captured).toBe(5_000);
  });

  it('captures part of a manual payment and refuses more than was authorized', async () => {
    const authorized = await payment(5_000, 'manual');
    const tooMuch = await call(`/v1/payments/${authorized.id}/capture`, {
      method: 'POST',
      key,
      body: { amount: 5_001 },
    });
    expect(tooMuch).toMatchObject({
      status: 400,
      body: { error: { code: 'amount_too_large', param: 'amount' } },
    });
    const captured = await call<Payment>(`/v1/payments/${authorized.id}/capture`, {
      method: 'POST',
      key,
      body: { amount: 3_000 },
    });
    expect(captured.status).toBe(200);
    const done = await paymentUntil(authorized.id, 'the partial capture', (p) => p.amount_captured === 3_000);
    expect(done.status).toBe('succeeded');
  });

  it('cancels a manual payment, and then refuses to capture it', async () => {
    const authorized = await payment(2_000, 'manual');
    const canceled = await call<Payment>(`/v1/payments/${authorized.id}/cancel`, {
      method: 'POST',
      key,
      body: { cancellation_reason: 'requested_by_customer' },
    });
    expect(canceled.status).toBe(200);
    await paymentUntil(authorized.id, 'the cancel', (p) => p.status === 'canceled');
    const capture = await call(`/v1/payments/${authorized.id}/capture`, { method: 'POST', key });
    expect(capture).toMatchObject({ status: 409, body: { error: { code: 'payment_unexpected_state' } } });
  });

  it('refunds part, then the rest, and refuses a third refund', async () => {
    const paid = await payment(6_000, 'automatic');
    const partial = await call<Refund>('/v1/refunds', {
      method: 'POST',
      key,
      body: { payment: paid.id, amount: 2_500, reason: 'requested_by_customer' },
    });
    expect(partial.status).toBe(200);
    expect(partial.body).toMatchObject({ object: 'refund', payment: paid.id, amount: 2_500 });
    expect(partial.body.id).toMatch(/^re_/);
    const tooMuch = await call('/v1/refunds', {
      method: 'POST',
      key,
      body: { payment: paid.id, amount: 3_501 },
    });
    expect(tooMuch).toMatchObject({ status: 400, body: { error: { code: 'amount_too_large' } } });
    const rest = await call<Refund>('/v1/refunds', { method: 'POST', key, body: { payment: paid.id } });
    expect(rest.body.amount).toBe(3_500);
    for (const refund of [partial.body, rest.body]) {
      await waitFor(`refund ${refund.id} to succeed`, 30_000, async () => {
        const { body } = await call<Refund>(`/v1/refunds/${refund.id}`, { key });
        return body.status === 'succeeded' ? body : undefined;
      });
    }
    const done = await paymentUntil(
      paid.id,
      'the refunds on the payment',
      (p) => p.amount_refunded === 6_000,
    );
    expect(done.status).toBe('succeeded');
    const again = await call('/v1/refunds', { method: 'POST', key, body: { payment: paid.id } });
    expect(again).toMatchObject({ status: 400, body: { error: { code: 'charge_already_refunded' } } });
    const listed = await call<List<Refund>>(`/v1/refunds?payment=${paid.id}`, { key });
    expect(listed.body.data.map((refund) => refund.id)).toEqual([rest.body.id, partial.body.id]);
  });
});
