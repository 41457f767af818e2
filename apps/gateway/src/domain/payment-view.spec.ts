import { createEvent, type AnyEventEnvelope } from '@platform/contracts';
import {
  acceptedPaymentView,
  captureAmountOf,
  checkCancel,
  checkCapture,
  checkRefund,
  checkResolveAction,
  evolvePaymentView,
  isSettled,
  type PaymentViewState,
} from './payment-view';

const PAYMENT_ID = 'pay_0123456789abcdefghijklmn';
const MERCHANT_ID = 'mer_0123456789abcdefghijklmn';
const OUTCOME = {
  paymentId: PAYMENT_ID,
  amountMinor: '1999',
  currency: 'USD',
  paymentMethodType: 'card' as const,
  processor: 'simulator',
  processorReference: 'ref_1',
};

function metadata(aggregateSequence: number) {
  return {
    aggregateId: PAYMENT_ID,
    aggregateSequence,
    merchantId: MERCHANT_ID,
    correlationId: 'corr-1',
    causationId: null,
  };
}

const created = (sequence: number): AnyEventEnvelope =>
  createEvent(
    'payment.created',
    {
      paymentId: PAYMENT_ID,
      merchantId: MERCHANT_ID,
      amountMinor: '1999',
      currency: 'USD',
      captureMethod: 'automatic',
      paymentMethod: {
        type: 'card',
        card: {
          token: 'tok_0123456789abcdefghijklmn',
          brand: 'visa',
          bin: '424242',
          last4: '4242',
          expMonth: 12,
          expYear: 2030,
          fingerprint: 'fingerprint_0123456789abcdef',
        },
      },
    },
    metadata(sequence),
  );
const authorized = (sequence: number): AnyEventEnvelope =>
  createEvent('payment.authorized', OUTCOME, metadata(sequence));
const captured = (sequence: number): AnyEventEnvelope =>
  createEvent(
    'payment.captured',
    { ...OUTCOME, captureId: 'cap_0123456789abcdef', final: true },
    metadata(sequence),
  );
const failed = (sequence: number): AnyEventEnvelope =>
  createEvent(
    'payment.failed',
    { paymentId: PAYMENT_ID, failureCode: 'card_declined', failureMessage: 'The card was declined.' },
    metadata(sequence),
  );

/** Applies events in order, skipping the ones that change nothing, as the consumer does. */
function replay(state: PaymentViewState, events: AnyEventEnvelope[]): PaymentViewState {
  return events.reduce((current, event) => evolvePaymentView(current, event) ?? current, state);
}

describe('evolvePaymentView', () => {
  it('starts processing with nothing captured', () => {
    expect(acceptedPaymentView('automatic')).toEqual({
      status: 'processing',
      captureMethod: 'automatic',
      amountCapturedMinor: 0n,
      fx: null,
      failureCode: null,
      failureMessage: null,
      cancellationReason: null,
      review: null,
      lastEventSequence: 0,
    });
  });

  it('payment.created keeps it processing and records the sequence', () => {
    expect(evolvePaymentView(acceptedPaymentView('automatic'), created(1))).toMatchObject({
      status: 'processing',
      lastEventSequence: 1,
    });
  });

  it('automatic capture: authorized stays processing, captured succeeds with the amount', () => {
    const afterAuthorization = replay(acceptedPaymentView('automatic'), [created(1), authorized(2)]);
    expect(afterAuthorization.status).toBe('processing');
    expect(isSettled(afterAuthorization.status)).toBe(false);
    const afterCapture = replay(afterAuthorization, [captured(3)]);
    expect(afterCapture).toMatchObject({
      status: 'succeeded',
      amountCapturedMinor: 1999n,
      lastEventSequence: 3,
    });
    expect(isSettled(afterCapture.status)).toBe(true);
  });

  it('manual capture: authorized requires capture', () => {
    const state = replay(acceptedPaymentView('manual'), [created(1), authorized(2)]);
    expect(state).toMatchObject({
      status: 'requires_capture',
      amountCapturedMinor: 0n,
      lastEventSequence: 2,
    });
    expect(isSettled(state.status)).toBe(true);
  });

  it('payment.failed fails it with the code and message', () => {
    const state = replay(acceptedPaymentView('automatic'), [created(1), failed(2)]);
    expect(state).toMatchObject({
      status: 'failed',
      failureCode: 'card_declined',
      failureMessage: 'The card was declined.',
      lastEventSequence: 2,
    });
  });

  it('ignores an event that is not newer than the last one applied', () => {
    const succeeded = replay(acceptedPaymentView('automatic'), [created(1), authorized(2), captured(3)]);
    expect(evolvePaymentView(succeeded, captured(3))).toBeNull();
    expect(evolvePaymentView(succeeded, authorized(2))).toBeNull();
    expect(evolvePaymentView(succeeded, failed(2))).toBeNull();
  });

  it('ends in the same state when an older event arrives after a newer one', () => {
    const inOrder = replay(acceptedPaymentView('manual'), [created(1), authorized(2), captured(3)]);
    const shuffled = replay(acceptedPaymentView('manual'), [created(1), captured(3), authorized(2)]);
    expect(shuffled).toEqual(inOrder);
    expect(shuffled.status).toBe('succeeded');
  });

  it('ignores events that are not about the lifecycle', () => {
    const risk = createEvent(
      'risk.assessed',
      { paymentId: PAYMENT_ID, decision: 'approve', score: 3, reasons: [] },
      metadata(5),
    );
    expect(evolvePaymentView(acceptedPaymentView('automatic'), risk)).toBeNull();
  });
});

describe('evolvePaymentView: partial captures, cancellation and review', () => {
  const capturedPart = (sequence: number, amountMinor: string, final: boolean): AnyEventEnvelope =>
    createEvent(
      'payment.captured',
      { ...OUTCOME, amountMinor, captureId: `cap_0123456789abcd${sequence}f`, final },
      metadata(sequence),
    );
  const canceled = (sequence: number, reason: 'abandoned' | 'expired'): AnyEventEnvelope =>
    createEvent(
      'payment.canceled',
      { paymentId: PAYMENT_ID, reason, releasedAmountMinor: '999', currency: 'USD' },
      metadata(sequence),
    );

  it('adds up non-final captures while requiring capture; the final one succeeds', () => {
    const partly = replay(acceptedPaymentView('manual'), [
      created(1),
      authorized(2),
      capturedPart(3, '500', false),
      capturedPart(4, '500', false),
    ]);
    expect(partly).toMatchObject({ status: 'requires_capture', amountCapturedMinor: 1000n });
    expect(replay(partly, [capturedPart(5, '200', true)])).toMatchObject({
      status: 'succeeded',
      amountCapturedMinor: 1200n,
    });
  });

  it('keeps the cancellation reason; a cancel after a partial capture ends succeeded', () => {
    const manual = replay(acceptedPaymentView('manual'), [created(1), authorized(2)]);
    expect(replay(manual, [canceled(3, 'abandoned')])).toMatchObject({
      status: 'canceled',
      cancellationReason: 'abandoned',
    });
    expect(replay(manual, [capturedPart(3, '1000', false), canceled(4, 'abandoned')])).toMatchObject({
      status: 'succeeded',
      amountCapturedMinor: 1000n,
      cancellationReason: 'abandoned',
    });
    expect(replay(manual, [canceled(3, 'expired')]).cancellationReason).toBe('automatic');
  });

  it('opens a review with its reasons and closes it with the outcome', () => {
    const opened = createEvent(
      'payment.review_opened',
      { paymentId: PAYMENT_ID, reviewId: 'rev_0123456789abcdef', score: 60, reasons: ['amount_above:x'] },
      metadata(2),
    );
    const closed = createEvent(
      'payment.review_closed',
      { paymentId: PAYMENT_ID, reviewId: 'rev_0123456789abcdef', outcome: 'approved' },
      metadata(3),
    );
    const held = replay(acceptedPaymentView('automatic'), [created(1), opened]);
    expect(held).toMatchObject({
      status: 'processing',
      review: {
        id: 'rev_0123456789abcdef',
        reasons: ['amount_above:x'],
        openedAt: opened.occurredAt,
        closedAt: null,
        outcome: null,
      },
    });
    expect(replay(held, [closed]).review).toEqual({
      id: 'rev_0123456789abcdef',
      reasons: ['amount_above:x'],
      openedAt: opened.occurredAt,
      closedAt: closed.occurredAt,
      outcome: 'approved',
    });
  });
});

describe('captureAmountOf', () => {
  it('takes amount_to_capture or amount, and both when they agree', () => {
    expect(captureAmountOf({})).toEqual({ ok: true, amountMinor: null });
    expect(captureAmountOf({ amount: 300 })).toEqual({ ok: true, amountMinor: 300n });
    expect(captureAmountOf({ amount_to_capture: 400 })).toEqual({ ok: true, amountMinor: 400n });
    expect(captureAmountOf({ amount: 400, amount_to_capture: 400 })).toEqual({ ok: true, amountMinor: 400n });
  });

  it('names the parameter the amount came in when it is too large', () => {
    const authorized = { status: 'requires_capture' as const, amountMinor: 1000n, amountCapturedMinor: 400n };
    expect(checkCapture(authorized, 601n, 'amount_to_capture')).toMatchObject({
      ok: false,
      refusal: { status: 400, code: 'amount_too_large', param: 'amount_to_capture' },
    });
    expect(checkCapture(authorized, 600n, 'amount_to_capture')).toEqual({ ok: true, amountMinor: 600n });
  });

  it('refuses two different amounts with a 400 naming amount_to_capture', () => {
    expect(captureAmountOf({ amount: 300, amount_to_capture: 400 })).toEqual({
      ok: false,
      refusal: {
        status: 400,
        code: 'parameters_exclusive',
        message: 'amount (300) and amount_to_capture (400) differ; give one of them.',
        param: 'amount_to_capture',
      },
    });
  });
});

describe('evolvePaymentView: actions and FX', () => {
  const fx = (settlementAmountMinor: string) => ({
    settlementCurrency: 'EUR',
    settlementAmountMinor,
    rate: '0.9213',
    rateVersion: '2026-11-25',
  });
  const requiresAction = (sequence: number): AnyEventEnvelope =>
    createEvent(
      'payment.requires_action',
      {
        paymentId: PAYMENT_ID,
        action: { type: 'qr_code', qrPayload: 'alipay://qr' },
        expiresAt: '2026-11-25T21:00:00Z',
      },
      metadata(sequence),
    );

  it('an approved action goes back to processing until the capture, then succeeds', () => {
    const waiting = replay(acceptedPaymentView('automatic'), [created(1), requiresAction(2)]);
    expect(waiting.status).toBe('requires_action');
    const approved = replay(waiting, [authorized(3)]);
    expect(approved.status).toBe('processing');
    expect(replay(approved, [captured(4)]).status).toBe('succeeded');
  });

  it('keeps the conversion of the authorization, then adds up the converted captures', () => {
    const authorizedWithFx = createEvent('payment.authorized', { ...OUTCOME, fx: fx('1842') }, metadata(2));
    const afterAuthorization = replay(acceptedPaymentView('manual'), [created(1), authorizedWithFx]);
    expect(afterAuthorization.fx).toEqual({
      settlementCurrency: 'EUR',
      rate: '0.9213',
      rateVersion: '2026-11-25',
      authorizedSettlementMinor: 1842n,
      capturedSettlementMinor: 0n,
    });
    const partial = (sequence: number, amountMinor: string, final: boolean) =>
      createEvent(
        'payment.captured',
        {
          ...OUTCOME,
          amountMinor,
          captureId: `cap_0123456789abcde${sequence}`,
          final,
          fx: fx('921'),
        },
        metadata(sequence),
      );
    const state = replay(afterAuthorization, [partial(3, '1000', false), partial(4, '999', true)]);
    expect(state.fx).toMatchObject({ authorizedSettlementMinor: 1842n, capturedSettlementMinor: 1842n });
    expect(state.status).toBe('succeeded');
  });

  it('shows no FX for a payment in its settlement currency', () => {
    const state = replay(acceptedPaymentView('automatic'), [created(1), authorized(2), captured(3)]);
    expect(state.fx).toBeNull();
  });
});

describe('checkResolveAction', () => {
  it('allows resolving only while an action is pending', () => {
    expect(checkResolveAction({ status: 'requires_action' })).toBeNull();
    for (const status of ['processing', 'succeeded', 'failed', 'requires_capture', 'canceled'] as const) {
      expect(checkResolveAction({ status })).toMatchObject({
        status: 409,
        code: 'payment_unexpected_state',
      });
    }
  });
});

describe('isSettled', () => {
  it.each([
    ['processing', false],
    ['requires_capture', true],
    ['requires_action', true],
    ['succeeded', true],
    ['failed', true],
  ] as const)('%s → %s', (status, settled) => expect(isSettled(status)).toBe(settled));
});

describe('checks before a command', () => {
  const authorizedManual = {
    status: 'requires_capture' as const,
    amountMinor: 1000n,
    amountCapturedMinor: 0n,
  };

  it('captures all or part of an authorization, never more', () => {
    expect(checkCapture(authorizedManual, null)).toEqual({ ok: true, amountMinor: null });
    expect(checkCapture(authorizedManual, 400n)).toEqual({ ok: true, amountMinor: 400n });
    expect(checkCapture(authorizedManual, 1001n)).toMatchObject({
      ok: false,
      refusal: { status: 400, code: 'amount_too_large', param: 'amount' },
    });
  });

  it('refuses to capture a payment that is not waiting for a capture', () => {
    for (const status of ['processing', 'succeeded', 'failed', 'canceled', 'requires_action'] as const) {
      expect(checkCapture({ ...authorizedManual, status }, null)).toMatchObject({
        ok: false,
        refusal: { status: 409, code: 'payment_unexpected_state' },
      });
    }
  });

  it('cancels only uncaptured payments', () => {
    expect(checkCancel({ status: 'requires_capture' })).toBeNull();
    expect(checkCancel({ status: 'requires_action' })).toBeNull();
    expect(checkCancel({ status: 'succeeded' })).toMatchObject({ code: 'payment_unexpected_state' });
    expect(checkCancel({ status: 'canceled' })).toMatchObject({ code: 'payment_unexpected_state' });
  });

  it('refunds what remains by default and never more than remains', () => {
    const paid = { status: 'succeeded' as const, amountCapturedMinor: 1000n, disputed: false };
    expect(checkRefund(paid, 0n, null)).toEqual({ ok: true, amountMinor: 1000n });
    expect(checkRefund(paid, 300n, null)).toEqual({ ok: true, amountMinor: 700n });
    expect(checkRefund(paid, 300n, 700n)).toEqual({ ok: true, amountMinor: 700n });
    expect(checkRefund(paid, 300n, 701n)).toMatchObject({ ok: false, refusal: { code: 'amount_too_large' } });
    expect(checkRefund(paid, 1000n, null)).toMatchObject({
      ok: false,
      refusal: { code: 'charge_already_refunded' },
    });
    expect(
      checkRefund({ status: 'requires_capture', amountCapturedMinor: 0n, disputed: false }, 0n, null),
    ).toMatchObject({
      ok: false,
      refusal: { code: 'charge_not_captured' },
    });
    expect(checkRefund({ ...paid, disputed: true }, 0n, 1n)).toMatchObject({
      ok: false,
      refusal: { status: 400, code: 'charge_disputed', param: 'payment' },
    });
  });
});
