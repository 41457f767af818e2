import { createEvent, type AnyEventEnvelope } from '@platform/contracts';
import { acceptedPaymentView, evolvePaymentView, isSettled, type PaymentViewState } from './payment-view';

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
      failureCode: null,
      failureMessage: null,
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

describe('isSettled', () => {
  it.each([
    ['processing', false],
    ['requires_capture', true],
    ['requires_action', true],
    ['succeeded', true],
    ['failed', true],
  ] as const)('%s → %s', (status, settled) => expect(isSettled(status)).toBe(settled));
});
