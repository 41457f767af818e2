import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { waitFor } from '@platform/testing';
import { readPlatform, request, webhookReceiverPort, type Reply, type ServiceName } from './platform';

/**
 * Disputes through the gateway against the running platform: test card 4000000000000259 succeeds,
 * then the card network opens a fraudulent dispute; the ledger holds the disputed amount from the
 * merchant's available balance (−merchant_available, +chargebacks_in_flight, both as owed to the
 * merchant); evidence containing winning_evidence wins it back, anything else loses it for good.
 * The merchant sees it all through GET /v1/disputes, GET /v1/balance and signed webhooks.
 */
const platform = readPlatform();
const merchant = { id: platform.demoMerchant.id, key: platform.demoMerchant.apiKey };
const DISPUTED_CARD = '4000000000000259';
const WINNING_EVIDENCE = 'Signed delivery receipt attached. winning_evidence';
const LOSING_EVIDENCE = 'The customer ordered it; we have nothing in writing.';
/** 100.00 at the default 2.90 % + 0.30: 3.20 in fees, 96.80 owed to the merchant once captured. */
const WON_AMOUNT_MINOR = 10_000n;
const WON_NET_MINOR = 9_680n;
/** 50.00 at the default pricing: 1.75 in fees, 48.25 owed to the merchant once captured. */
const LOST_AMOUNT_MINOR = 5_000n;
const LOST_NET_MINOR = 4_825n;
const DISPUTE_LIMIT_MS = 30_000;
const LEDGER_LIMIT_MS = 60_000;
const WEBHOOK_LIMIT_MS = 30_000;

interface Dispute {
  id: string;
  object: 'dispute';
  payment: string;
  amount: number;
  currency: string;
  reason: string;
  status: 'needs_response' | 'under_review' | 'won' | 'lost';
  evidence_submitted: number | null;
  created: number;
}
interface Payment {
  id: string;
  status: string;
  amount: number;
  amount_captured: number;
  amount_refunded: number;
}
interface List<T> {
  object: 'list';
  has_more: boolean;
  data: T[];
}
interface ErrorBody {
  error: { type: string; code: string; message: string; param?: string };
}
interface Balance {
  available: { amount: number; currency: string }[];
  pending: { amount: number; currency: string }[];
}
interface Statement {
  data: { kind: string; payment_id: string | null; amount_minor: string }[];
}
interface Received {
  body: string;
  signature: string;
}
interface WebhookEvent {
  id: string;
  object: 'event';
  type: string;
  data: { object: Dispute };
}

function call<T = unknown>(
  path: string,
  options: { method?: string; key?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  return request<T>(`${platform.services.gateway}${path}`, {
    ...options,
    token: options.key ?? merchant.key,
  });
}

function operator<T = unknown>(service: ServiceName, path: string): Promise<Reply<T>> {
  return request<T>(`${platform.services[service]}${path}`, { token: platform.adminToken });
}

function expectError(reply: Reply<unknown>, status: number, error: Partial<ErrorBody['error']>): void {
  expect({ status: reply.status, body: reply.body }).toMatchObject({ status, body: { error } });
}

function submitEvidence(
  disputeId: string,
  evidence: unknown,
  options: { key?: string; idempotencyKey?: string } = {},
): Promise<Reply<Dispute>> {
  return call<Dispute>(`/v1/disputes/${disputeId}/evidence`, {
    method: 'POST',
    key: options.key,
    body: { evidence },
    headers: options.idempotencyKey === undefined ? {} : { 'idempotency-key': options.idempotencyKey },
  });
}

/** What the platform owes the merchant on one of its USD accounts, per the ledger (0 before its first posting). */
async function ledgerOwed(
  kind: 'merchant_pending' | 'merchant_available' | 'chargebacks_in_flight',
  merchantId = merchant.id,
) {
  const read = await operator<{ balance_minor: string }>(
    'ledger',
    `/v1/ledger/accounts/${kind}:${merchantId}:USD/balance`,
  );
  if (read.status === 404) return 0n;
  expect(read.status).toBe(200);
  return -BigInt(read.body.balance_minor);
}

interface Books {
  pendingMinor: bigint;
  availableMinor: bigint;
  chargebacksMinor: bigint;
}

async function ledgerBooks(): Promise<Books> {
  return {
    pendingMinor: await ledgerOwed('merchant_pending'),
    availableMinor: await ledgerOwed('merchant_available'),
    chargebacksMinor: await ledgerOwed('chargebacks_in_flight'),
  };
}

/** The merchant's USD balance as the gateway shows it (it has no chargebacks line). */
async function gatewayBalance(): Promise<Omit<Books, 'chargebacksMinor'>> {
  const read = await call<Balance>('/v1/balance');
  expect(read.status).toBe(200);
  const usd = (amounts: { amount: number; currency: string }[]) =>
    BigInt(amounts.find((amount) => amount.currency === 'usd')?.amount ?? 0);
  return { pendingMinor: usd(read.body.pending), availableMinor: usd(read.body.available) };
}

function shifted(from: Books, by: Books): Books {
  return {
    pendingMinor: from.pendingMinor + by.pendingMinor,
    availableMinor: from.availableMinor + by.availableMinor,
    chargebacksMinor: from.chargebacksMinor + by.chargebacksMinor,
  };
}

/** Waits until the ledger and then the gateway's balance (fed by ledger.entry_posted) show `expected`. */
async function expectBooks(description: string, expected: Books): Promise<void> {
  await waitFor(`${description} in the ledger`, LEDGER_LIMIT_MS, async () => {
    const books = await ledgerBooks();
    return books.chargebacksMinor === expected.chargebacksMinor &&
      books.availableMinor === expected.availableMinor &&
      books.pendingMinor === expected.pendingMinor
      ? books
      : undefined;
  }).catch(async (error: unknown) => {
    // Says which account differs instead of only that the wait ran out.
    expect(await ledgerBooks()).toEqual(expected);
    throw error;
  });
  const gatewayExpected = { pendingMinor: expected.pendingMinor, availableMinor: expected.availableMinor };
  await waitFor(`${description} in the gateway balance`, LEDGER_LIMIT_MS, async () => {
    const balance = await gatewayBalance();
    return balance.availableMinor === gatewayExpected.availableMinor &&
      balance.pendingMinor === gatewayExpected.pendingMinor
      ? balance
      : undefined;
  }).catch(async (error: unknown) => {
    expect(await gatewayBalance()).toEqual(gatewayExpected);
    throw error;
  });
  const trial = await operator<{ currencies: { net_minor: string }[] }>('ledger', '/v1/ledger/trial-balance');
  for (const currency of trial.body.currencies) expect(currency.net_minor).toBe('0');
}

async function chargebackStatement(): Promise<Statement['data']> {
  const statement = await operator<Statement>(
    'ledger',
    `/v1/ledger/accounts/chargebacks_in_flight:${merchant.id}:USD/statement`,
  );
  expect(statement.status).toBe(200);
  return statement.body.data;
}

/** A 4000000000000259 payment: succeeded at once, then the dispute the gateway lists for it. */
async function disputedPayment(
  amountMinor: bigint,
  key = merchant.key,
): Promise<{ payment: Payment; dispute: Dispute }> {
  const created = await call<Payment>('/v1/payments', {
    method: 'POST',
    key,
    body: {
      amount: Number(amountMinor),
      currency: 'usd',
      payment_method: {
        type: 'card',
        card: { number: DISPUTED_CARD, exp_month: 12, exp_year: 2035, cvc: '123' },
      },
    },
  });
  expect(created.status).toBe(200);
  const payment = await waitFor(
    `payment ${created.body.id} to leave processing`,
    DISPUTE_LIMIT_MS,
    async () => {
      const read = await call<Payment>(`/v1/payments/${created.body.id}`, { key });
      return read.body.status === 'processing' ? undefined : read.body;
    },
  );
  expect(payment).toMatchObject({ status: 'succeeded', amount_captured: Number(amountMinor) });
  const dispute = await waitFor(`the dispute of ${payment.id} at the gateway`, DISPUTE_LIMIT_MS, async () => {
    const list = await call<List<Dispute>>('/v1/disputes?limit=100', { key });
    return list.body.data.find((item) => item.payment === payment.id);
  });
  return { payment, dispute };
}

async function disputeEnds(disputeId: string, status: 'won' | 'lost'): Promise<Dispute> {
  return waitFor(`dispute ${disputeId} to be ${status}`, DISPUTE_LIMIT_MS, async () => {
    const read = await call<Dispute>(`/v1/disputes/${disputeId}`);
    expect(read.status).toBe(200);
    return read.body.status === 'won' || read.body.status === 'lost' ? read.body : undefined;
  });
}

describe('gateway: disputes through the platform', () => {
  let receiver: Server;
  let endpoint: { id: string; secret: string };
  const received: Received[] = [];
  let before: Books;
  let won: Dispute;
  let wonPayment: Payment;
  let lost: Dispute;

  /** The receiver's side, written from the documented scheme (t= and v1=), not from the gateway's code. */
  function verified(item: Received): boolean {
    const fields = Object.fromEntries(
      item.signature.split(',').map((part) => part.split('=') as [string, string]),
    );
    const expected = createHmac('sha256', endpoint.secret).update(`${fields.t}.${item.body}`).digest();
    const given = Buffer.from(fields.v1 ?? '', 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  function webhook(type: string, disputeId: string): Promise<WebhookEvent> {
    return waitFor(`the ${type} webhook of ${disputeId}`, WEBHOOK_LIMIT_MS, () => {
      const item = received.find((one) => {
        const event = JSON.parse(one.body) as WebhookEvent;
        return event.type === type && event.data.object.id === disputeId;
      });
      if (item === undefined) return undefined;
      expect(verified(item)).toBe(true);
      return JSON.parse(item.body) as WebhookEvent;
    });
  }

  beforeAll(async () => {
    receiver = createServer((incoming: IncomingMessage, response) => {
      const chunks: Buffer[] = [];
      incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
      incoming.on('end', () => {
        received.push({
          body: Buffer.concat(chunks).toString('utf8'),
          signature: String(incoming.headers['platform-signature'] ?? ''),
        });
        response.writeHead(200).end();
      });
    });
    const port = webhookReceiverPort(3);
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', resolve));
    const created = await call<{ id: string; secret: string }>('/v1/webhook_endpoints', {
      method: 'POST',
      body: {
        url: `http://127.0.0.1:${port}/disputes`,
        enabled_events: ['dispute.opened', 'dispute.closed'],
      },
    });
    expect(created.status).toBe(201);
    endpoint = created.body;
    before = await ledgerBooks();
    expect(await gatewayBalance()).toEqual({
      pendingMinor: before.pendingMinor,
      availableMinor: before.availableMinor,
    });
  });

  afterAll(async () => {
    if (endpoint !== undefined) {
      await call(`/v1/webhook_endpoints/${endpoint.id}`, { method: 'DELETE' });
    }
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('opens a fraudulent dispute once the 4000000000000259 payment succeeds, holding its amount from available', async () => {
    ({ payment: wonPayment, dispute: won } = await disputedPayment(WON_AMOUNT_MINOR));
    expect(won).toEqual({
      id: expect.stringMatching(/^dp_[A-Za-z0-9]+$/),
      object: 'dispute',
      payment: wonPayment.id,
      amount: Number(WON_AMOUNT_MINOR),
      currency: 'usd',
      reason: 'fraudulent',
      status: 'needs_response',
      evidence_submitted: null,
      created: expect.any(Number),
    });
    expect((await call<Dispute>(`/v1/disputes/${won.id}`)).body).toEqual(won);
    // The payment resource has no dispute field: the payment itself stays succeeded and captured.
    const payment = await call<Payment>(`/v1/payments/${wonPayment.id}`);
    expect(payment.body).toMatchObject({
      status: 'succeeded',
      amount_captured: Number(WON_AMOUNT_MINOR),
      amount_refunded: 0,
    });
    const atPayments = await operator<{ dispute: { id: string; amount: number; status: string } | null }>(
      'payments',
      `/v1/payments/${wonPayment.id}`,
    );
    expect(atPayments.body.dispute).toEqual({ id: won.id, amount: Number(WON_AMOUNT_MINOR), status: 'open' });

    // The capture owes the merchant the net in pending; the dispute holds the whole disputed amount
    // from available (which may go negative) into chargebacks_in_flight.
    await expectBooks(
      'the capture and the dispute hold',
      shifted(before, {
        pendingMinor: WON_NET_MINOR,
        availableMinor: -WON_AMOUNT_MINOR,
        chargebacksMinor: WON_AMOUNT_MINOR,
      }),
    );
    expect(await chargebackStatement()).toEqual([
      expect.objectContaining({
        kind: 'dispute_hold',
        payment_id: wonPayment.id,
        amount_minor: (-WON_AMOUNT_MINOR).toString(),
      }),
    ]);

    const opened = await webhook('dispute.opened', won.id);
    expect(opened).toMatchObject({ object: 'event', data: { object: { ...won, status: 'needs_response' } } });
    const events = await call<List<{ id: string; type: string }>>('/v1/events?limit=100');
    expect(events.body.data).toContainEqual(
      expect.objectContaining({ id: opened.id, type: 'dispute.opened' }),
    );
  });

  it('refuses malformed evidence in the error shape, and the dispute still needs a response', async () => {
    const path = `/v1/disputes/${won.id}/evidence`;
    expectError(await call(path, { method: 'POST', body: {} }), 400, {
      type: 'invalid_request_error',
      param: 'evidence',
    });
    expectError(await submitEvidence(won.id, ''), 400, { type: 'invalid_request_error', param: 'evidence' });
    expectError(await submitEvidence(won.id, 42), 400, { type: 'invalid_request_error', param: 'evidence' });
    expectError(await submitEvidence(won.id, 'x'.repeat(10_001)), 400, {
      type: 'invalid_request_error',
      param: 'evidence',
    });
    expectError(
      await call(path, { method: 'POST', body: { evidence: WINNING_EVIDENCE, outcome: 'won' } }),
      400,
      { code: 'parameter_unknown', param: 'outcome' },
    );
    expectError(await submitEvidence('dp_doesnotexist000000000', WINNING_EVIDENCE), 404, {
      code: 'resource_missing',
    });
    expectError(await submitEvidence('not-a-dispute', WINNING_EVIDENCE), 404, { code: 'resource_missing' });
    expect((await call<Dispute>(`/v1/disputes/${won.id}`)).body).toMatchObject({
      status: 'needs_response',
      evidence_submitted: null,
    });
  });

  it('hides the dispute from another merchant: 404 to read it or to submit evidence', async () => {
    const created = await call<{ id: string; api_key: string }>('/v1/merchants', {
      method: 'POST',
      key: platform.adminToken,
      body: { name: 'Disputes Other Merchant' },
    });
    expect(created.status).toBe(201);
    const other = created.body.api_key;
    expectError(await call(`/v1/disputes/${won.id}`, { key: other }), 404, {
      type: 'invalid_request_error',
      code: 'resource_missing',
    });
    expectError(await submitEvidence(won.id, WINNING_EVIDENCE, { key: other }), 404, {
      type: 'invalid_request_error',
      code: 'resource_missing',
    });
    expect((await call<List<Dispute>>('/v1/disputes', { key: other })).body).toMatchObject({
      object: 'list',
      data: [],
      has_more: false,
    });
    expect((await call<Dispute>(`/v1/disputes/${won.id}`)).body).toMatchObject({
      status: 'needs_response',
      evidence_submitted: null,
    });
  });

  it('wins with evidence containing winning_evidence: the held amount returns to available', async () => {
    const idempotencyKey = `evidence-${randomUUID()}`;
    const submitted = await submitEvidence(won.id, WINNING_EVIDENCE, { idempotencyKey });
    expect(submitted.status).toBe(200);
    expect(submitted.body).toEqual({
      ...won,
      status: 'under_review',
      evidence_submitted: expect.any(Number),
    });

    expect(await disputeEnds(won.id, 'won')).toEqual({ ...submitted.body, status: 'won' });
    await expectBooks(
      'the dispute won',
      shifted(before, { pendingMinor: WON_NET_MINOR, availableMinor: 0n, chargebacksMinor: 0n }),
    );
    expect((await chargebackStatement()).map((line) => [line.kind, line.amount_minor])).toEqual([
      ['dispute_hold', (-WON_AMOUNT_MINOR).toString()],
      ['dispute_won', WON_AMOUNT_MINOR.toString()],
    ]);
    const atPayments = await operator<{ dispute: { status: string } | null }>(
      'payments',
      `/v1/payments/${wonPayment.id}`,
    );
    expect(atPayments.body.dispute).toMatchObject({ status: 'won' });
    const closed = await webhook('dispute.closed', won.id);
    expect(closed.data.object).toMatchObject({ id: won.id, status: 'won', payment: wonPayment.id });

    // The same key replays the first answer (under_review), not the dispute's state now, and sends nothing.
    const replay = await submitEvidence(won.id, WINNING_EVIDENCE, { idempotencyKey });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual(submitted.body);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expectError(await submitEvidence(won.id, LOSING_EVIDENCE, { idempotencyKey }), 400, {
      type: 'idempotency_error',
      code: 'idempotency_key_reused',
    });
    // Without the key, evidence on a closed dispute is refused.
    expectError(await submitEvidence(won.id, WINNING_EVIDENCE), 409, {
      type: 'invalid_request_error',
      code: 'dispute_unexpected_state',
    });
    expect((await call<Dispute>(`/v1/disputes/${won.id}`)).body.status).toBe('won');
  });

  it('loses with any other evidence: the amount stays taken from available', async () => {
    const opened = await disputedPayment(LOST_AMOUNT_MINOR);
    lost = opened.dispute;
    expect(lost).toMatchObject({
      payment: opened.payment.id,
      amount: Number(LOST_AMOUNT_MINOR),
      reason: 'fraudulent',
      status: 'needs_response',
    });
    const afterWon = shifted(before, {
      pendingMinor: WON_NET_MINOR,
      availableMinor: 0n,
      chargebacksMinor: 0n,
    });
    await expectBooks(
      'the second dispute hold',
      shifted(afterWon, {
        pendingMinor: LOST_NET_MINOR,
        availableMinor: -LOST_AMOUNT_MINOR,
        chargebacksMinor: LOST_AMOUNT_MINOR,
      }),
    );
    const list = await call<List<Dispute>>('/v1/disputes');
    expect(list.body.data.map((dispute) => [dispute.id, dispute.status])).toEqual([
      [lost.id, 'needs_response'],
      [won.id, 'won'],
    ]);

    // Two submissions at once: the dispute's row lock lets exactly one through.
    const replies = await Promise.all([
      submitEvidence(lost.id, LOSING_EVIDENCE),
      submitEvidence(lost.id, LOSING_EVIDENCE),
    ]);
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 409]);
    const submitted = replies.find((reply) => reply.status === 200);
    expect(submitted?.body.status).toBe('under_review');
    expectError(replies.find((reply) => reply.status === 409) as Reply<unknown>, 409, {
      code: 'dispute_unexpected_state',
    });
    expect(await disputeEnds(lost.id, 'lost')).toMatchObject({ id: lost.id, status: 'lost' });
    // Lost: the chargeback goes to the processor; the merchant's available stays short by the amount.
    await expectBooks(
      'the dispute lost',
      shifted(afterWon, {
        pendingMinor: LOST_NET_MINOR,
        availableMinor: -LOST_AMOUNT_MINOR,
        chargebacksMinor: 0n,
      }),
    );
    const statement = await chargebackStatement();
    expect(
      statement
        .filter((line) => line.payment_id === opened.payment.id)
        .map((line) => [line.kind, line.amount_minor]),
    ).toEqual([
      ['dispute_hold', (-LOST_AMOUNT_MINOR).toString()],
      ['dispute_lost', LOST_AMOUNT_MINOR.toString()],
    ]);
    const closed = await webhook('dispute.closed', lost.id);
    expect(closed.data.object).toMatchObject({ id: lost.id, status: 'lost' });

    expectError(await submitEvidence(lost.id, WINNING_EVIDENCE), 409, {
      type: 'invalid_request_error',
      code: 'dispute_unexpected_state',
    });
    expect((await call<Dispute>(`/v1/disputes/${lost.id}`)).body.status).toBe('lost');
  });

  it('sent the webhook endpoint exactly the dispute events it asked for, each once and signed', async () => {
    const wanted = [
      ['dispute.opened', won.id],
      ['dispute.closed', won.id],
      ['dispute.opened', lost.id],
      ['dispute.closed', lost.id],
    ];
    for (const [type = '', disputeId = ''] of wanted) await webhook(type, disputeId);
    // Deliveries are queued in the transaction that records the event, so the payment events
    // recorded before these would be in the log by now had the filter let them through.
    const log = await call<List<{ event: string; status: string }>>(
      `/v1/webhook_endpoints/${endpoint.id}/deliveries`,
    );
    expect(log.body.data).toHaveLength(wanted.length);
    const events = received.map((item) => JSON.parse(item.body) as WebhookEvent);
    expect(new Set(events.map((event) => event.id)).size).toBe(wanted.length);
    expect(events.map((event) => [event.type, event.data.object.id]).sort()).toEqual([...wanted].sort());
    expect(received.every((item) => verified(item))).toBe(true);
  });
});

describe('gateway: refunds of a disputed payment', () => {
  /**
   * A refund of a disputed payment would pay the customer twice (refund and chargeback): the
   * gateway refuses it with charge_disputed, as Stripe does (payments refuses it too).
   */
  it('refuses to refund a payment whose dispute is open, so the merchant never pays twice', async () => {
    const created = await call<{ id: string; api_key: string }>('/v1/merchants', {
      method: 'POST',
      key: platform.adminToken,
      body: { name: 'Disputed Refund Merchant' },
    });
    expect(created.status).toBe(201);
    const other = { id: created.body.id, key: created.body.api_key };
    const { payment, dispute } = await disputedPayment(WON_AMOUNT_MINOR, other.key);
    expect(dispute.status).toBe('needs_response');
    await waitFor('the dispute hold in the ledger', LEDGER_LIMIT_MS, async () =>
      (await ledgerOwed('chargebacks_in_flight', other.id)) === WON_AMOUNT_MINOR ? true : undefined,
    );

    const refund = await call('/v1/refunds', {
      method: 'POST',
      key: other.key,
      body: { payment: payment.id },
    });
    expect({ status: refund.status, body: refund.body }).toEqual({
      status: 400,
      body: {
        error: {
          type: 'invalid_request_error',
          code: 'charge_disputed',
          message: expect.any(String) as unknown,
          param: 'payment',
        },
      },
    });
    const refunds = await call<{ data: unknown[] }>('/v1/refunds', { key: other.key });
    expect(refunds.body.data).toEqual([]);
    // What the ledger took from available: only the dispute hold, no refund entry on top of it.
    const statement = await operator<Statement>(
      'ledger',
      `/v1/ledger/accounts/merchant_available:${other.id}:USD/statement`,
    );
    expect({
      availableKinds: statement.body.data.map((line) => line.kind),
      availableOwedMinor: await ledgerOwed('merchant_available', other.id),
    }).toEqual({ availableKinds: ['dispute_hold'], availableOwedMinor: -WON_AMOUNT_MINOR });
  });
});
