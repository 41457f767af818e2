import { onboardMerchant, waitFor, type Reply } from './platform';

/**
 * payment.command_rejected through the running platform: the gateway checks a command against its
 * read model, but two requests at once both pass that check; the payments service takes the first
 * and refuses the second, and the gateway answers the refused one at once with 409 and payments'
 * code. Evidence the processor does not take (test trigger: evidence containing
 * processor_unavailable) puts the gateway's dispute back to needs_response, so it can be sent again.
 */
const CARD = '4242424242424242';
const DISPUTED_CARD = '4000000000000259';
const UNAVAILABLE_EVIDENCE = 'Signed receipt attached. processor_unavailable';
const WINNING_EVIDENCE = 'Signed receipt attached. winning_evidence';
/** Races tried until both requests pass the gateway's own check; one pass is what this needs. */
const RACE_ATTEMPTS_MAX = 5;
const SETTLE_LIMIT_MS = 30_000;

interface Payment {
  id: string;
  status: string;
  amount: number;
  amount_captured: number;
}
interface Dispute {
  id: string;
  payment: string;
  status: 'needs_response' | 'under_review' | 'won' | 'lost';
  evidence_submitted: number | null;
}
interface List<T> {
  data: T[];
}
interface ErrorBody {
  error: { type: string; code: string; message: string; param?: string };
}

let call: Awaited<ReturnType<typeof onboardMerchant>>['call'];

beforeAll(async () => {
  ({ call } = await onboardMerchant('Rejections Merchant'));
});

async function paymentIn(
  card: string,
  captureMethod: 'automatic' | 'manual',
  wanted: string,
): Promise<Payment> {
  const created = await call<Payment>('/v1/payments', {
    method: 'POST',
    body: {
      amount: 4_200,
      currency: 'usd',
      capture_method: captureMethod,
      payment_method: { type: 'card', card: { number: card, exp_month: 12, exp_year: 2035, cvc: '123' } },
    },
  });
  expect(created.status).toBe(200);
  return waitFor(`payment ${created.body.id} to reach ${wanted}`, SETTLE_LIMIT_MS, async () => {
    const { body } = await call<Payment>(`/v1/payments/${created.body.id}`);
    return body.status === wanted ? body : undefined;
  });
}

describe('gateway: commands the payments service refuses', () => {
  it('answers a capture and a cancel sent at once with one 200 and one 409 carrying payments’ code', async () => {
    let raced: { payment: Payment; capture: Reply<unknown>; cancel: Reply<unknown> } | undefined;
    for (let attempt = 1; attempt <= RACE_ATTEMPTS_MAX && raced === undefined; attempt += 1) {
      const payment = await paymentIn(CARD, 'manual', 'requires_capture');
      const [capture, cancel] = await Promise.all([
        call(`/v1/payments/${payment.id}/capture`, { method: 'POST' }),
        call(`/v1/payments/${payment.id}/cancel`, { method: 'POST' }),
      ]);
      const statuses = [capture.status, cancel.status].sort();
      expect(statuses).toEqual([200, 409]);
      const refused = (capture.status === 409 ? capture : cancel) as Reply<ErrorBody>;
      // The gateway's own check answered first when the winner's event was in already: race again.
      if (refused.body.error.code !== 'invalid_state_transition') continue;
      raced = { payment, capture, cancel };
    }
    if (raced === undefined)
      throw new Error(`no race in ${RACE_ATTEMPTS_MAX} attempts reached the payments service`);
    const { payment, capture, cancel } = raced;
    const captureWon = capture.status === 200;
    const [won, refused] = captureWon ? [capture, cancel] : [cancel, capture];
    expect(refused.body).toMatchObject({
      error: {
        type: 'invalid_request_error',
        code: 'invalid_state_transition',
        message: expect.stringMatching(
          captureWon ? /^The cancellation was refused: / : /^The capture was refused: /,
        ),
      },
    });
    // The winner answered with its own outcome, and the read model agrees with it afterwards.
    const expected = captureWon
      ? { status: 'succeeded', amount_captured: 4_200 }
      : { status: 'canceled', amount_captured: 0 };
    expect(won.body).toMatchObject({ id: payment.id, ...expected });
    const read = await call<Payment>(`/v1/payments/${payment.id}`);
    expect(read.body).toMatchObject(expected);
  });

  it('reopens a dispute whose evidence the processor did not take, and takes it when sent again', async () => {
    const payment = await paymentIn(DISPUTED_CARD, 'automatic', 'succeeded');
    const dispute = await waitFor(`the dispute of ${payment.id}`, SETTLE_LIMIT_MS, async () => {
      const list = await call<List<Dispute>>('/v1/disputes?limit=100');
      return list.body.data.find((item) => item.payment === payment.id);
    });
    const submitted = await call<Dispute>(`/v1/disputes/${dispute.id}/evidence`, {
      method: 'POST',
      body: { evidence: UNAVAILABLE_EVIDENCE },
    });
    expect(submitted.status).toBe(200);
    expect(submitted.body.status).toBe('under_review');
    const reopened = await waitFor(
      `dispute ${dispute.id} to need a response again`,
      SETTLE_LIMIT_MS,
      async () => {
        const read = await call<Dispute>(`/v1/disputes/${dispute.id}`);
        return read.body.status === 'needs_response' ? read.body : undefined;
      },
    );
    expect(reopened.evidence_submitted).toBeNull();
    const again = await call<Dispute>(`/v1/disputes/${dispute.id}/evidence`, {
      method: 'POST',
      body: { evidence: WINNING_EVIDENCE },
    });
    expect(again.status).toBe(200);
    expect(again.body.status).toBe('under_review');
    const won = await waitFor(`dispute ${dispute.id} to be won`, SETTLE_LIMIT_MS, async () => {
      const read = await call<Dispute>(`/v1/disputes/${dispute.id}`);
      return read.body.status === 'won' ? read.body : undefined;
    });
    expect(won.evidence_submitted).not.toBeNull();
  });
});
