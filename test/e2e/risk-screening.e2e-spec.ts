import { randomBytes } from 'node:crypto';
import { waitFor } from '@platform/testing';
import { readPlatform, request, restartService, type Reply, type ServiceName } from './platform';

/**
 * Fraud screening through the running platform: rules and block lists changed through risk's
 * admin API, payments made at the gateway with a merchant's key, their outcome read from payments'
 * operator API, the processors' charges and the ledger's accounts. Each test has merchants of its
 * own, so its rules and lists touch no other test's payments.
 */
const platform = readPlatform();
const SUCCEEDING_CARD = '4242424242424242';
const SETTLE_LIMIT_MS = 30_000;

interface OperatorPayment {
  id: string;
  status: string;
  failure_code: string | null;
  events: { type: string }[];
}

function call<T = unknown>(
  service: ServiceName,
  path: string,
  options: { method?: string; token?: string; body?: unknown } = {},
): Promise<Reply<T>> {
  return request<T>(`${platform.services[service]}${path}`, { token: platform.adminToken, ...options });
}

async function newMerchant(): Promise<{ id: string; key: string }> {
  const created = await call<{ id: string; api_key: string }>('gateway', '/v1/merchants', {
    method: 'POST',
    body: { name: `Risk Screening ${randomBytes(3).toString('hex')}` },
  });
  expect(created.status).toBeLessThan(300);
  return { id: created.body.id, key: created.body.api_key };
}

async function pay(merchantKey: string, amount = 2_500): Promise<string> {
  const created = await call<{ id: string }>('gateway', '/v1/payments', {
    method: 'POST',
    token: merchantKey,
    body: {
      amount,
      currency: 'usd',
      payment_method: {
        type: 'card',
        card: { number: SUCCEEDING_CARD, exp_month: 12, exp_year: 2035, cvc: '123' },
      },
    },
  });
  expect(created.status).toBe(200);
  return created.body.id;
}

/** The payment at payments once done(payment) holds. */
function paymentAt(paymentId: string, done: (payment: OperatorPayment) => boolean): Promise<OperatorPayment> {
  return waitFor(`payment ${paymentId} at payments`, SETTLE_LIMIT_MS, async () => {
    const found = await call<OperatorPayment>('payments', `/v1/payments/${paymentId}`);
    return found.status === 200 && done(found.body) ? found.body : undefined;
  });
}

const settled = (paymentId: string) =>
  paymentAt(paymentId, (payment) => payment.status === 'succeeded' || payment.status === 'failed');

async function putMerchantRules(merchantId: string, rules: unknown[]): Promise<void> {
  const put = await call(`risk`, `/v1/merchants/${merchantId}/rules`, {
    method: 'PUT',
    body: { rules },
  });
  expect(put.status).toBe(200);
}

describe('risk screening through the running platform', () => {
  it('fails a payment of a blocked card with risk_declined: no processor charge, nothing in the ledger', async () => {
    // The gateway computes the card's fingerprint: read it from risk's assessment of a first payment.
    const known = await newMerchant();
    const first = await pay(known.key);
    expect(await settled(first)).toMatchObject({ status: 'succeeded' });
    const assessment = await call<{ screened_keys: { card_fingerprint?: string } }>(
      'risk',
      `/v1/assessments/${first}`,
    );
    const fingerprint = assessment.body.screened_keys.card_fingerprint;
    expect(fingerprint).toEqual(expect.any(String));

    // Blocked for one merchant only, so the other e2e files keep paying with the same test card.
    const merchant = await newMerchant();
    const listed = await call('risk', `/v1/merchants/${merchant.id}/lists`, {
      method: 'POST',
      body: { kind: 'card_fingerprint', value: fingerprint },
    });
    expect(listed.status).toBe(201);

    const blocked = await pay(merchant.key);
    const failed = await settled(blocked);
    expect(failed).toMatchObject({ status: 'failed', failure_code: 'risk_declined' });
    expect(failed.events.map((event) => event.type)).not.toContain('payment.authorized');
    const charges = await call<{ data: unknown[] }>(
      'payments',
      `/v1/simulated-processors/charges/${blocked}`,
    );
    expect(charges).toMatchObject({ status: 200, body: { data: [] } });
    const declined = await call<{ decision: string; reasons: string[] }>(
      'risk',
      `/v1/assessments/${blocked}`,
    );
    expect(declined.body).toMatchObject({
      decision: 'decline',
      reasons: ['blocked_card_fingerprint:global-blocked-cards'],
    });
    // The known merchant's capture reached the ledger; the blocked merchant has no account there.
    const trialBalance = await waitFor('the first capture to reach the ledger', SETTLE_LIMIT_MS, async () => {
      const { body } = await call<{ accounts: { code: string }[] }>('ledger', '/v1/ledger/trial-balance');
      return body.accounts.some((account) => account.code.includes(known.id)) ? body : undefined;
    });
    expect(trialBalance.accounts.filter((account) => account.code.includes(merchant.id))).toEqual([]);
  });

  it("keeps a merchant's velocity count across a restart of risk: the payment after the limit is declined", async () => {
    const merchant = await newMerchant();
    await putMerchantRules(merchant.id, [
      {
        id: 'two-per-card-hourly',
        kind: 'velocity',
        action: 'block',
        weight: 80,
        params: { key: 'card_fingerprint', window_seconds: 3600, max_count: 2 },
      },
    ]);
    for (let i = 0; i < 2; i++) {
      expect(await settled(await pay(merchant.key))).toMatchObject({ status: 'succeeded' });
    }
    await restartService('risk');
    const third = await pay(merchant.key);
    expect(await settled(third)).toMatchObject({ status: 'failed', failure_code: 'risk_declined' });
    const assessment = await call<{ reasons: string[] }>('risk', `/v1/assessments/${third}`);
    expect(assessment.body.reasons).toEqual(['velocity:two-per-card-hourly']);
  });

  it('holds a payment a merchant rule sends to review, and completes it once an analyst approves', async () => {
    const merchant = await newMerchant();
    await putMerchantRules(merchant.id, [
      {
        id: 'review-above-50',
        kind: 'amount_above',
        action: 'review',
        weight: 50,
        params: { amount_minor: '5000' },
      },
    ]);
    const held = await pay(merchant.key, 6_000);
    const review = await waitFor(`payment ${held} in the review queue`, SETTLE_LIMIT_MS, async () => {
      const { body } = await call<{ data: { payment_id: string; reasons: string[] }[] }>(
        'risk',
        '/v1/reviews?limit=100',
      );
      return body.data.find((pending) => pending.payment_id === held);
    });
    expect(review.reasons).toEqual(['amount_above:review-above-50']);
    expect((await call<OperatorPayment>('payments', `/v1/payments/${held}`)).body.status).toBe('processing');

    const approved = await call('risk', `/v1/reviews/${held}/approve`, { method: 'POST' });
    expect(approved).toMatchObject({ status: 200, body: { decision: 'approve' } });
    expect(await settled(held)).toMatchObject({ status: 'succeeded' });
  });

  it('answers a bad rule with a 400 in the documented shape', async () => {
    const merchant = await newMerchant();
    const bad = await call<{ error: { type: string; code: string; param: string } }>(
      'risk',
      `/v1/merchants/${merchant.id}/rules`,
      { method: 'PUT', body: { rules: [{ id: 'x', kind: 'astrology', action: 'block', weight: 10 }] } },
    );
    expect(bad).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error', code: 'parameter_invalid', param: 'rules[0][kind]' } },
    });
  });
});
