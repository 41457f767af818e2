import { waitFor } from '@platform/testing';
import { readPlatform, request, type Reply } from './platform';

/**
 * Each test card through the running platform: created at the gateway (card vaulted there),
 * settled by payments and risk; the outcome read from payments' operator API.
 */
const platform = readPlatform();

interface OperatorPayment {
  id: string;
  status: string;
  failure_code: string | null;
  processor: string | null;
  next_action: { type: string } | null;
  dispute: { status: string } | null;
  events: { type: string }[];
}

function call<T>(url: string, token: string, body?: unknown): Promise<Reply<T>> {
  return request<T>(url, { method: body === undefined ? 'GET' : 'POST', token, body });
}

let merchantKey: string;

beforeAll(async () => {
  const created = await call<{ api_key: string }>(
    `${platform.services.gateway}/v1/merchants`,
    platform.adminToken,
    {
      name: 'Payments Test Cards Merchant',
    },
  );
  expect(created.status).toBeLessThan(300);
  merchantKey = created.body.api_key;
});

async function pay(cardNumber: string, amount = 2_500): Promise<string> {
  const created = await call<{ id: string }>(`${platform.services.gateway}/v1/payments`, merchantKey, {
    amount,
    currency: 'usd',
    payment_method: { type: 'card', card: { number: cardNumber, exp_month: 12, exp_year: 2035, cvc: '123' } },
  });
  expect(created.status).toBe(200);
  return created.body.id;
}

function settled(paymentId: string, done: (payment: OperatorPayment) => boolean): Promise<OperatorPayment> {
  return waitFor(`payment ${paymentId} at payments`, 30_000, async () => {
    const found = await call<OperatorPayment>(
      `${platform.services.payments}/v1/payments/${paymentId}`,
      platform.adminToken,
    );
    return found.status === 200 && done(found.body) ? found.body : undefined;
  });
}

describe('test cards through the running platform', () => {
  it.each([
    ['4242424242424242', 'succeeded', null],
    ['4000000000000002', 'failed', 'card_declined'],
    ['4000000000009995', 'failed', 'insufficient_funds'],
    ['4000000000000119', 'failed', 'processor_error'],
    ['4000000000003220', 'requires_action', null],
  ])('%s ends %s (%s)', async (card, status, failureCode) => {
    const payment = await settled(await pay(card), (found) => found.status !== 'processing');
    expect({ status: payment.status, failure_code: payment.failure_code }).toEqual({
      status,
      failure_code: failureCode,
    });
    if (status === 'requires_action') expect(payment.next_action?.type).toBe('three_d_secure');
  });

  it('4000000000000259 succeeds, then is disputed', async () => {
    const payment = await settled(await pay('4000000000000259'), (found) => found.dispute !== null);
    expect(payment).toMatchObject({ status: 'succeeded', dispute: { status: 'open' } });
  });

  it('the timeout test amount (4.08) fails over to simulated-b and is charged once', async () => {
    const id = await pay('4242424242424242', 408);
    const payment = await settled(id, (found) => found.status !== 'processing');
    expect(payment).toMatchObject({ status: 'succeeded', processor: 'simulated-b' });
    const charges = await call<{ data: { processor: string; status: string; amount_captured: string }[] }>(
      `${platform.services.payments}/v1/simulated-processors/charges/${id}`,
      platform.adminToken,
    );
    expect(charges.body.data.filter((charge) => charge.status === 'authorized')).toEqual([
      expect.objectContaining({ processor: 'simulated-b', amount_captured: '408' }),
    ]);
  });
});
