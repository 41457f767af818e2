import { onboardMerchant, waitFor, type Reply } from './platform';

/**
 * Each waiting request answers with the outcome of its own command: two full captures of one
 * manual payment sent at the same moment both pass the gateway's check (its read model has not
 * seen either yet), both see the payment captured, but only the one whose command payments
 * applied answers 200; the other answers 409 (payments' refusal, or the gateway's own check when
 * the winner's capture was in the read model already). Before outcomes were recorded per command,
 * this could answer 200 twice.
 */
const CARD = '4242424242424242';
const AMOUNT = 4_200;
/**
 * Races run: each must end 200/409; at least one must have reached the payments service. Waiting
 * for the payment to look captured instead answered 200 twice within the first few races.
 */
const RACES = 10;
const SETTLE_LIMIT_MS = 30_000;

interface Payment {
  id: string;
  status: string;
  amount_captured: number;
}
interface ErrorBody {
  error: { type: string; code: string; message: string; param?: string };
}

let call: Awaited<ReturnType<typeof onboardMerchant>>['call'];

beforeAll(async () => {
  ({ call } = await onboardMerchant('Outcomes Merchant'));
});

async function authorizedPayment(): Promise<Payment> {
  const created = await call<Payment>('/v1/payments', {
    method: 'POST',
    body: {
      amount: AMOUNT,
      currency: 'usd',
      capture_method: 'manual',
      payment_method: { type: 'card', card: { number: CARD, exp_month: 12, exp_year: 2035, cvc: '123' } },
    },
  });
  expect(created.status).toBe(200);
  return waitFor(`payment ${created.body.id} to await its capture`, SETTLE_LIMIT_MS, async () => {
    const { body } = await call<Payment>(`/v1/payments/${created.body.id}`);
    return body.status === 'requires_capture' ? body : undefined;
  });
}

describe('gateway: a request answers with the outcome of its own command', () => {
  it('answers two concurrent full captures of one payment with exactly one 200 and one 409', async () => {
    let refusedByPayments = 0;
    for (let race = 1; race <= RACES; race += 1) {
      const payment = await authorizedPayment();
      const captures = await Promise.all(
        [1, 2].map(() =>
          call(`/v1/payments/${payment.id}/capture`, { method: 'POST', body: { amount: AMOUNT } }),
        ),
      );
      expect(captures.map((reply) => reply.status).sort()).toEqual([200, 409]);
      const won = captures.find((reply) => reply.status === 200) as Reply<Payment>;
      const refused = captures.find((reply) => reply.status === 409) as Reply<ErrorBody>;
      expect(won.body).toMatchObject({ id: payment.id, status: 'succeeded', amount_captured: AMOUNT });
      expect(refused.body.error.type).toBe('invalid_request_error');
      // payments' refusal when both passed the gateway's check; the gateway's own when it came late.
      expect(['invalid_state_transition', 'payment_unexpected_state']).toContain(refused.body.error.code);
      if (refused.body.error.message.startsWith('The capture was refused: ')) refusedByPayments += 1;
      const read = await call<Payment>(`/v1/payments/${payment.id}`);
      expect(read.body).toMatchObject({ status: 'succeeded', amount_captured: AMOUNT });
    }
    // The race this is about: both captures sent to payments, the loser told by its own refusal.
    expect(refusedByPayments).toBeGreaterThanOrEqual(1);
  });
});
