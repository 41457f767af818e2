import { PaymentEntity } from './payment.entity';
import { merchantEventOf, toPaymentResource } from './payment-resource';

function payment(overrides: Partial<PaymentEntity> = {}): PaymentEntity {
  return Object.assign(new PaymentEntity(), {
    id: 'pay_0123456789abcdefghijklmn',
    merchantId: 'mer_0123456789abcdefghijklmn',
    amountMinor: '999999999999',
    currency: 'JPY',
    status: 'succeeded',
    captureMethod: 'automatic',
    amountCapturedMinor: '999999999999',
    amountRefundedMinor: '250',
    commandsSent: 1,
    paymentMethodType: 'card',
    paymentMethodDetails: null,
    nextAction: null,
    fxSettlementCurrency: null,
    fxRate: null,
    fxRateVersion: null,
    fxAuthorizedSettlementMinor: null,
    fxCapturedSettlementMinor: '0',
    cardToken: 'tok_0123456789abcdefghijklmn',
    cardBrand: 'visa',
    cardLast4: '4242',
    cardExpMonth: 12,
    cardExpYear: 2030,
    cardFingerprint: 'fingerprint_0123456789abcdefghij',
    customer: null,
    description: null,
    metadata: {},
    failureCode: null,
    failureMessage: null,
    cancellationReason: null,
    review: null,
    correlationId: 'corr-1',
    lastEventSequence: 3,
    createdAt: new Date('2026-03-15T12:00:00.900Z'),
    updatedAt: new Date('2026-03-15T12:00:01Z'),
    ...overrides,
  });
}

describe('toPaymentResource', () => {
  it('shows the payment as the API documents it', () => {
    expect(toPaymentResource(payment())).toEqual({
      id: 'pay_0123456789abcdefghijklmn',
      object: 'payment',
      amount: 999_999_999_999,
      currency: 'jpy',
      status: 'succeeded',
      capture_method: 'automatic',
      amount_captured: 999_999_999_999,
      amount_capturable: 0,
      amount_refunded: 250,
      payment_method: { type: 'card', card: { brand: 'visa', last4: '4242', exp_month: 12, exp_year: 2030 } },
      next_action: null,
      fx: null,
      customer: null,
      description: null,
      metadata: {},
      failure_code: null,
      failure_message: null,
      cancellation_reason: null,
      review: null,
      created: 1_773_576_000,
      livemode: false,
    });
  });

  it('never shows the vault token, the fingerprint or internal bookkeeping', () => {
    const shown = JSON.stringify(toPaymentResource(payment()));
    for (const hidden of ['tok_', 'fingerprint_', 'corr-1', 'mer_', 'lastEventSequence']) {
      expect(shown).not.toContain(hidden);
    }
  });

  it('shows a wallet payment and its next action while it waits for the customer', () => {
    const shown = toPaymentResource(
      payment({
        status: 'requires_action',
        paymentMethodType: 'wallet',
        paymentMethodDetails: { provider: 'alipay' },
        nextAction: { type: 'qr_code', qrPayload: 'qr://pay', expiresAt: '2026-03-15T12:15:00Z' },
        cardToken: null,
        cardBrand: null,
        cardLast4: null,
        cardExpMonth: null,
        cardExpYear: null,
        cardFingerprint: null,
      }),
    );
    expect(shown.payment_method).toEqual({ type: 'wallet', wallet: { provider: 'alipay' } });
    expect(shown.next_action).toEqual({
      type: 'display_qr_code',
      display_qr_code: { data: 'qr://pay', expires_at: 1_773_576_900 },
    });
    const done = payment({
      nextAction: { type: 'qr_code', qrPayload: 'qr://pay', expiresAt: '2026-03-15T12:15:00Z' },
    });
    expect(toPaymentResource(done).next_action).toBeNull();
  });

  it('shows the FX conversion: the authorized amount converted, then the captured one', () => {
    const converted = {
      currency: 'USD',
      amountMinor: '10000',
      fxSettlementCurrency: 'EUR',
      fxRate: '0.9213',
      fxRateVersion: '2026-11-25',
      fxAuthorizedSettlementMinor: '9213',
    };
    expect(
      toPaymentResource(payment({ ...converted, status: 'requires_capture', fxCapturedSettlementMinor: '0' }))
        .fx,
    ).toEqual({ settlement_currency: 'eur', settlement_amount: 9_213, exchange_rate: '0.9213' });
    expect(toPaymentResource(payment({ ...converted, fxCapturedSettlementMinor: '4607' })).fx).toEqual({
      settlement_currency: 'eur',
      settlement_amount: 4_607,
      exchange_rate: '0.9213',
    });
  });

  it('shows what is left to capture only while the payment requires capture', () => {
    const partly = { amountMinor: '10000', amountCapturedMinor: '3500' };
    expect(toPaymentResource(payment({ ...partly, status: 'requires_capture' }))).toMatchObject({
      amount_captured: 3_500,
      amount_capturable: 6_500,
    });
    // Canceled after the partial capture: the rest was released.
    const released = payment({ ...partly, status: 'succeeded', cancellationReason: 'abandoned' });
    expect(toPaymentResource(released)).toMatchObject({
      amount_captured: 3_500,
      amount_capturable: 0,
      cancellation_reason: 'abandoned',
    });
  });

  it('shows a review as Stripe does: rule while open, then the outcome; review events show the review', () => {
    const open = payment({
      status: 'processing',
      review: {
        id: 'rev_0123456789abcdefghijklmn',
        reasons: ['amount_above:global-high-amount'],
        openedAt: '2026-03-15T12:00:02.500Z',
        closedAt: null,
        outcome: null,
      },
    });
    const shownOpen = {
      id: 'rev_0123456789abcdefghijklmn',
      object: 'review',
      payment: 'pay_0123456789abcdefghijklmn',
      open: true,
      reason: 'rule',
      rules: ['amount_above:global-high-amount'],
      opened_at: 1_773_576_002,
      closed_at: null,
      outcome: null,
    };
    expect(toPaymentResource(open).review).toEqual(shownOpen);
    expect(merchantEventOf('payment.review_opened', open)).toEqual({
      type: 'review.opened',
      object: shownOpen,
    });
    const closed = payment({
      review: { ...open.review!, closedAt: '2026-03-15T12:01:00Z', outcome: 'declined' },
    });
    expect(merchantEventOf('payment.review_closed', closed)).toEqual({
      type: 'review.closed',
      object: {
        ...shownOpen,
        open: false,
        reason: 'declined',
        closed_at: 1_773_576_060,
        outcome: 'declined',
      },
    });
    expect(merchantEventOf('payment.captured', closed)).toEqual({
      type: 'payment.captured',
      object: toPaymentResource(closed),
    });
  });

  it('refuses to show an amount a JSON number cannot hold exactly', () => {
    expect(() => toPaymentResource(payment({ amountMinor: '9007199254740993' }))).toThrow(
      /safe JSON integer/,
    );
  });
});
