import { randomUUID } from 'node:crypto';
import { waitFor } from '@platform/testing';
import { onboardMerchant, readPlatform, request, type Reply, type ServiceName } from './platform';

/**
 * The money lifecycle through the merchant API: manual capture (whole and partial), cancel and
 * refunds, each sent as a command and answered after the bounded wait. These need the payments
 * service to handle payment.capture, payment.cancel and refund.create. Then multi-part capture
 * (final_capture: false) with the ledger's books read back, cancellation reasons, and a payment
 * held for manual review made visible on the payment and as review events.
 */

const platform = readPlatform();
const GATEWAY = platform.services.gateway;
const CARD = '4242424242424242';

interface Payment {
  id: string;
  status: string;
  amount: number;
  amount_captured: number;
  amount_capturable: number;
  amount_refunded: number;
  cancellation_reason: string | null;
  next_action: unknown;
  review: {
    id: string;
    object: 'review';
    payment: string;
    open: boolean;
    reason: string;
    rules: string[];
    opened_at: number;
    closed_at: number | null;
    outcome: string | null;
  } | null;
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

/** An operator's read of another service (admin token). */
function operator<T = unknown>(service: ServiceName, path: string, method = 'GET'): Promise<Reply<T>> {
  return request<T>(`${platform.services[service]}${path}`, { method, token: platform.adminToken });
}

interface StatementLine {
  entry_id: string;
  sequence: string;
  kind: string;
  amount_minor: string;
  balance_after_minor: string;
}

/** An account's statement in posting order, once it has `lines` lines. */
async function statementOf(account: string, lines: number): Promise<StatementLine[]> {
  return waitFor(`${lines} lines on ${account}`, 60_000, async () => {
    const read = await operator<{ data: StatementLine[] }>(
      'ledger',
      `/v1/ledger/accounts/${account}/statement`,
    );
    if (read.status !== 200 || read.body.data.length < lines) return undefined;
    return [...read.body.data].sort((a, b) => (BigInt(a.sequence) < BigInt(b.sequence) ? -1 : 1));
  });
}

describe('gateway: multi-part capture, cancellation reasons and manual review', () => {
  let merchant: Awaited<ReturnType<typeof onboardMerchant>>;

  beforeAll(async () => {
    // A merchant of its own: its hold and pending accounts hold only this block's payments.
    merchant = await onboardMerchant('Multi-capture Merchant');
  });

  async function authorizedFor(amount: number): Promise<Payment> {
    const created = await merchant.call<Payment>('/v1/payments', {
      method: 'POST',
      body: {
        amount,
        currency: 'usd',
        capture_method: 'manual',
        payment_method: { type: 'card', card: { number: CARD, exp_month: 12, exp_year: 2035, cvc: '123' } },
      },
    });
    expect(created.status).toBe(200);
    return waitFor(`payment ${created.body.id} to require capture`, 30_000, async () => {
      const { body } = await merchant.call<Payment>(`/v1/payments/${created.body.id}`);
      return body.status === 'requires_capture' ? body : undefined;
    });
  }

  const capture = (id: string, body: Record<string, unknown>) =>
    merchant.call<Payment>(`/v1/payments/${id}/capture`, {
      method: 'POST',
      body,
      headers: { 'idempotency-key': randomUUID() },
    });

  it('captures in three parts up to the authorization, and the ledger releases the hold as it goes', async () => {
    const authorized = await authorizedFor(10_000);
    expect(authorized).toMatchObject({ amount_captured: 0, amount_capturable: 10_000 });

    const first = await capture(authorized.id, { amount_to_capture: 3_000, final_capture: false });
    expect(first).toMatchObject({
      status: 200,
      body: { status: 'requires_capture', amount_captured: 3_000, amount_capturable: 7_000 },
    });
    const conflicting = await capture(authorized.id, { amount: 2_000, amount_to_capture: 2_500 });
    expect(conflicting).toMatchObject({
      status: 400,
      body: {
        error: { type: 'invalid_request_error', code: 'parameters_exclusive', param: 'amount_to_capture' },
      },
    });
    const notBoolean = await capture(authorized.id, { amount: 2_000, final_capture: 'no' });
    expect(notBoolean).toMatchObject({ status: 400, body: { error: { param: 'final_capture' } } });
    const second = await capture(authorized.id, {
      amount: 2_000,
      amount_to_capture: 2_000,
      final_capture: false,
    });
    expect(second.body).toMatchObject({
      status: 'requires_capture',
      amount_captured: 5_000,
      amount_capturable: 5_000,
    });
    const tooMuch = await capture(authorized.id, { amount_to_capture: 5_001, final_capture: false });
    expect(tooMuch).toMatchObject({
      status: 400,
      body: { error: { code: 'amount_too_large', param: 'amount_to_capture' } },
    });
    // The last capture is final by default: the 4,000 never captured is released with it.
    const last = await capture(authorized.id, { amount_to_capture: 1_000 });
    expect(last.body).toMatchObject({ status: 'succeeded', amount_captured: 6_000, amount_capturable: 0 });
    const again = await capture(authorized.id, { amount_to_capture: 1 });
    expect(again).toMatchObject({ status: 409, body: { error: { code: 'payment_unexpected_state' } } });
    const overRefund = await merchant.call('/v1/refunds', {
      method: 'POST',
      body: { payment: authorized.id, amount: 6_001 },
    });
    expect(overRefund).toMatchObject({ status: 400, body: { error: { code: 'amount_too_large' } } });

    // The books: the hold opened for 10,000 and was released 3,000, 2,000, then 1,000 + 4,000.
    const hold = await statementOf(`merchant_hold:${merchant.id}:USD`, 4);
    expect(hold.map((l) => [l.kind, l.amount_minor])).toEqual([
      ['authorization_hold', '-10000'],
      ['capture', '3000'],
      ['capture', '2000'],
      ['capture', '5000'],
    ]);
    expect(hold[3]?.balance_after_minor).toBe('0');
    const pending = await statementOf(`merchant_pending:${merchant.id}:USD`, 3);
    expect(pending.map((l) => l.kind)).toEqual(['capture', 'capture', 'capture']);
    const captureIds = new Set<string>();
    for (const line of pending) {
      const entry = await operator<{
        payment_id: string;
        details: Record<string, string>;
        postings: { currency: string; amount_minor: string }[];
      }>('ledger', `/v1/ledger/entries/${line.entry_id}`);
      expect(entry.body.payment_id).toBe(authorized.id);
      expect(entry.body.postings.reduce((sum, p) => sum + BigInt(p.amount_minor), 0n)).toBe(0n);
      captureIds.add(entry.body.details.captureId ?? '');
    }
    expect(captureIds.size).toBe(3);
    const finals = await Promise.all(
      pending.map(async (l) => {
        const entry = await operator<{ details: Record<string, string> }>(
          'ledger',
          `/v1/ledger/entries/${l.entry_id}`,
        );
        return entry.body.details.final;
      }),
    );
    expect(finals).toEqual(['false', 'false', 'true']);
    const trial = await operator<{ currencies: { currency: string; net_minor: string }[] }>(
      'ledger',
      '/v1/ledger/trial-balance',
    );
    for (const currency of trial.body.currencies) expect(currency.net_minor).toBe('0');
  });

  it('cancels after a partial capture: the rest is released, the payment succeeded with its reason', async () => {
    const authorized = await authorizedFor(8_000);
    await capture(authorized.id, { amount_to_capture: 2_500, final_capture: false });
    const badReason = await merchant.call(`/v1/payments/${authorized.id}/cancel`, {
      method: 'POST',
      body: { cancellation_reason: 'changed_my_mind' },
    });
    expect(badReason).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error', param: 'cancellation_reason' } },
    });
    const canceled = await merchant.call<Payment>(`/v1/payments/${authorized.id}/cancel`, {
      method: 'POST',
      body: { cancellation_reason: 'abandoned' },
    });
    expect(canceled).toMatchObject({
      status: 200,
      body: {
        status: 'succeeded',
        amount_captured: 2_500,
        amount_capturable: 0,
        cancellation_reason: 'abandoned',
      },
    });
    // Refunds stay limited to what was captured.
    const refund = await merchant.call<{ status: string; amount: number }>('/v1/refunds', {
      method: 'POST',
      body: { payment: authorized.id },
    });
    expect(refund.body.amount).toBe(2_500);
    const releases = await waitFor('the remainder released in the ledger', 60_000, async () => {
      const read = await operator<{ data: (StatementLine & { entry_id: string })[] }>(
        'ledger',
        `/v1/ledger/accounts/merchant_hold:${merchant.id}:USD/statement`,
      );
      const release = read.body.data.find((l) => l.kind === 'hold_release');
      return release;
    });
    expect(releases.amount_minor).toBe('5500');
    const events =
      await merchant.call<List<{ type: string; data: { object: Payment } }>>('/v1/events?limit=100');
    const canceledEvent = events.body.data.find(
      (e) => e.type === 'payment.canceled' && e.data.object.id === authorized.id,
    );
    expect(canceledEvent?.data.object).toMatchObject({
      status: 'succeeded',
      cancellation_reason: 'abandoned',
    });
  });

  it('keeps the cancellation reason of an uncaptured payment', async () => {
    const authorized = await authorizedFor(1_500);
    const canceled = await merchant.call<Payment>(`/v1/payments/${authorized.id}/cancel`, {
      method: 'POST',
      body: { cancellation_reason: 'fraudulent' },
    });
    expect(canceled.body).toMatchObject({
      status: 'canceled',
      cancellation_reason: 'fraudulent',
      amount_capturable: 0,
    });
  });

  it('shows a payment held for review with its open review, then the decision, as review events', async () => {
    // Above risk's global review threshold (1,000,000 minor units).
    const created = await merchant.call<Payment>('/v1/payments', {
      method: 'POST',
      body: {
        amount: 2_000_000,
        currency: 'usd',
        payment_method: { type: 'card', card: { number: CARD, exp_month: 12, exp_year: 2035, cvc: '123' } },
      },
    });
    expect(created.status).toBe(200);
    const id = created.body.id;
    const held = await waitFor(`payment ${id} under review`, 30_000, async () => {
      const { body } = await merchant.call<Payment>(`/v1/payments/${id}`);
      return body.review !== null ? body : undefined;
    });
    expect(held).toMatchObject({
      status: 'processing',
      next_action: null,
      review: {
        id: `rev_${id.slice(4)}`,
        object: 'review',
        payment: id,
        open: true,
        reason: 'rule',
        outcome: null,
      },
    });
    expect(held.review?.rules.length).toBeGreaterThan(0);
    const reviewId = `rev_${id.slice(4)}`;
    const openReviews = async () =>
      (await merchant.call<List<{ id: string; open: boolean }>>('/v1/reviews?limit=100')).body.data;
    expect(await openReviews()).toContainEqual(expect.objectContaining({ id: reviewId, open: true }));
    const approved = await operator('risk', `/v1/reviews/${id}/approve`, 'POST');
    expect(approved.status).toBe(200);
    const done = await waitFor(`payment ${id} to succeed`, 30_000, async () => {
      const { body } = await merchant.call<Payment>(`/v1/payments/${id}`);
      return body.status === 'succeeded' ? body : undefined;
    });
    expect(done.review).toMatchObject({ open: false, reason: 'approved', outcome: 'approved' });
    expect(done.review?.closed_at).toEqual(expect.any(Number));
    // Decided: no longer among the open reviews, still readable by id.
    expect((await openReviews()).map((review) => review.id)).not.toContain(reviewId);
    const read = await merchant.call<{ id: string; outcome: string }>(`/v1/reviews/${reviewId}`);
    expect(read.body).toMatchObject({ id: reviewId, outcome: 'approved' });
    const events =
      await merchant.call<List<{ type: string; data: { object: { id: string; payment?: string } } }>>(
        '/v1/events?limit=100',
      );
    const reviewEvents = events.body.data
      .filter((e) => e.data.object.payment === id)
      .map((e) => [e.type, e.data.object.id]);
    expect(reviewEvents.sort()).toEqual([
      ['review.closed', `rev_${id.slice(4)}`],
      ['review.opened', `rev_${id.slice(4)}`],
    ]);
  });
});
