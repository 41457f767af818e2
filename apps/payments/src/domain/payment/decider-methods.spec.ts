import { DEFAULT_FX_RATE_TABLE, type FxRateTable } from '../fx-conversion';
import {
  ACTION_EXPIRED_MESSAGE,
  CUSTOMER_DECLINED_MESSAGE,
  FX_UNAVAILABLE_FAILURE_CODE,
  RISK_TIMEOUT_MESSAGE,
  decide,
  handleCommand,
  isRejection,
  replay,
  type CreatePayment,
  type NewPayment,
  type PaymentCommand,
  type PaymentEvent,
  type PendingAction,
  type RejectionCode,
} from '.';

/** Bank transfers, wallets (QR), FX and the risk timeout: given events / when command / then events. */

const PAYMENT_ID = 'pay_AbCdEfGhIjKlMnOpQrStUvWx';
const RATES: FxRateTable = { version: 'test-1', rates: { 'EUR:USD': '1.0842', 'USD:JPY': '151.2' } };

const newPayment = (overrides: Partial<NewPayment> = {}): NewPayment => ({
  paymentId: PAYMENT_ID,
  merchantId: 'mer_TestMerchant01',
  amountMinor: 10_000n,
  currency: 'EUR',
  captureMethod: 'automatic',
  paymentMethod: { type: 'bank_transfer', bankTransfer: { country: 'DE' } },
  ...overrides,
});
const create = (overrides: Partial<NewPayment> = {}, fxRates: FxRateTable = RATES): CreatePayment => ({
  type: 'CreatePayment',
  data: { ...newPayment(overrides), fxRates },
});
const created = (overrides: Partial<NewPayment> = {}): PaymentEvent => ({
  type: 'PaymentCreated',
  data: newPayment(overrides),
});
const wallet = { type: 'wallet', wallet: { provider: 'alipay' } } as const;

const transferAction: PendingAction = {
  type: 'bank_transfer',
  virtualAccountReference: 'VA0123456789ABCDEF',
  expiresAt: '2030-01-04T00:00:00.000Z',
};
const qrAction: PendingAction = {
  type: 'qr_code',
  qrPayload: 'https://qr.simulated-a.example/alipay/pay?nonce=abc',
  expiresAt: '2030-01-01T00:15:00.000Z',
};
const challenge: PendingAction = {
  type: 'three_d_secure',
  challengeId: '3ds_abc',
  expiresAt: '2030-01-01T00:15:00.000Z',
};
const requiresAction = (action: PendingAction): PaymentEvent => ({
  type: 'PaymentRequiresAction',
  data: { paymentId: PAYMENT_ID, processor: 'simulated-a', action },
});
const actionOutcome = (action: PendingAction): PaymentCommand => ({
  type: 'RecordProcessorOutcome',
  data: { outcome: 'requires_action', processor: 'simulated-a', action },
});
const authorizedOutcome: PaymentCommand = {
  type: 'RecordProcessorOutcome',
  data: { outcome: 'authorized', processor: 'simulated-a', processorReference: 'simulated_a_0123' },
};
const authorizedData = {
  paymentId: PAYMENT_ID,
  amountMinor: 10_000n,
  currency: 'EUR',
  paymentMethodType: 'bank_transfer' as const,
  processor: 'simulated-a',
  processorReference: 'simulated_a_0123',
};
const CAPTURE_ID = 'cap_AbCdEfGhIjKlMnOpQrStUvWx';
const capture = (amountMinor?: bigint): PaymentCommand => ({
  type: 'Capture',
  data: { captureId: CAPTURE_ID, final: true, ...(amountMinor === undefined ? {} : { amountMinor }) },
});

function given(history: readonly PaymentEvent[]) {
  const state = replay(history);
  return {
    when: (command: PaymentCommand) => {
      const result = decide(command, state);
      return {
        then: (expected: readonly PaymentEvent[]) => {
          if (isRejection(result)) throw new Error(`expected events, got ${result.code}: ${result.message}`);
          expect(result).toEqual(expected);
        },
        thenRejected: (code: RejectionCode) => {
          if (!isRejection(result)) throw new Error(`expected rejection ${code}, got events`);
          expect(result.code).toBe(code);
        },
      };
    },
  };
}

describe('payment decider: bank transfers and wallets', () => {
  it('creates a bank transfer and a wallet payment with automatic capture', () => {
    given([]).when(create()).then([created()]);
    given([])
      .when(create({ paymentMethod: wallet }))
      .then([created({ paymentMethod: wallet })]);
  });

  it.each([
    ['bank_transfer', newPayment().paymentMethod],
    ['wallet', wallet],
  ] as const)('refuses manual capture for %s: it is captured when the customer pays', (_type, method) => {
    given([])
      .when(create({ paymentMethod: method, captureMethod: 'manual' }))
      .thenRejected('capture_method_unsupported');
  });

  it('waits for the bank with a virtual account reference after risk approval', () => {
    given([created()])
      .when(actionOutcome(transferAction))
      .then([requiresAction(transferAction)]);
    const state = replay([created(), requiresAction(transferAction)]);
    expect(state).toMatchObject({ status: 'requires_action', pendingAction: transferAction });
  });

  it('waits for the customer with a QR payload for a wallet', () => {
    given([created({ paymentMethod: wallet })])
      .when(actionOutcome(qrAction))
      .then([requiresAction(qrAction)]);
  });

  it.each([
    ['a bank transfer asked for a QR code', created(), qrAction],
    ['a bank transfer asked for 3-D Secure', created(), challenge],
    ['a wallet asked for a bank transfer', created({ paymentMethod: wallet }), transferAction],
  ] as const)('refuses an action of another method: %s', (_case, creation, action) => {
    given([creation]).when(actionOutcome(action)).thenRejected('action_mismatch');
  });

  it('refuses an authorization before the customer acted: there are no funds yet', () => {
    given([created()]).when(authorizedOutcome).thenRejected('action_required');
    given([created({ paymentMethod: wallet })])
      .when(authorizedOutcome)
      .thenRejected('action_required');
  });

  it('emits nothing when the bank reports the funds, then authorizes and captures', () => {
    const waiting = [created(), requiresAction(transferAction)];
    given(waiting)
      .when({ type: 'ResolveAction', data: { outcome: 'approved' } })
      .then([]);
    const authorized: PaymentEvent = { type: 'PaymentAuthorized', data: authorizedData };
    given(waiting).when(authorizedOutcome).then([authorized]);
    given([...waiting, authorized])
      .when(capture())
      .then([{ type: 'PaymentCaptured', data: { ...authorizedData, captureId: CAPTURE_ID, final: true } }]);
  });

  it.each([
    ['bank transfer', created(), transferAction],
    ['QR code', created({ paymentMethod: wallet }), qrAction],
  ] as const)('fails a declined %s with customer_declined', (_case, creation, action) => {
    given([creation, requiresAction(action)])
      .when({ type: 'ResolveAction', data: { outcome: 'declined' } })
      .then([
        {
          type: 'PaymentFailed',
          data: {
            paymentId: PAYMENT_ID,
            failureCode: 'customer_declined',
            failureMessage: CUSTOMER_DECLINED_MESSAGE,
            processor: 'simulated-a',
          },
        },
      ]);
  });

  it.each([
    ['bank transfer', created(), transferAction],
    ['QR code', created({ paymentMethod: wallet }), qrAction],
  ] as const)('fails an expired %s with action_expired', (_case, creation, action) => {
    given([creation, requiresAction(action)])
      .when({ type: 'Expire', data: {} })
      .then([
        {
          type: 'PaymentFailed',
          data: {
            paymentId: PAYMENT_ID,
            failureCode: 'action_expired',
            failureMessage: ACTION_EXPIRED_MESSAGE,
            processor: 'simulated-a',
          },
        },
      ]);
  });

  it('refuses a resolution once the payment expired', () => {
    const expired: PaymentEvent = {
      type: 'PaymentFailed',
      data: {
        paymentId: PAYMENT_ID,
        failureCode: 'action_expired',
        failureMessage: ACTION_EXPIRED_MESSAGE,
        processor: 'simulated-a',
      },
    };
    given([created(), requiresAction(qrAction), expired])
      .when({ type: 'ResolveAction', data: { outcome: 'approved' } })
      .thenRejected('invalid_state_transition');
  });
});

describe('payment decider: FX', () => {
  const fx = {
    settlementCurrency: 'USD',
    rate: '1.0842',
    rateVersion: 'test-1',
    settlementAmountMinor: 10_842n,
  };
  const card = {
    type: 'card',
    card: {
      token: 'tok_abcdefgh12345678',
      brand: 'visa',
      bin: '424242',
      last4: '4242',
      expMonth: 12,
      expYear: 2030,
      fingerprint: 'fp_abcdefghijklmnop',
    },
  } as const;
  const cardData = { ...authorizedData, paymentMethodType: 'card' as const };

  it('fixes the rate and the settled amount at create', () => {
    given([])
      .when(create({ paymentMethod: card, settlementCurrency: 'USD' }))
      .then([
        {
          type: 'PaymentCreated',
          data: { ...newPayment({ paymentMethod: card, settlementCurrency: 'USD' }), fx },
        },
      ]);
  });

  it('converts nothing when the settlement currency is the payment currency', () => {
    given([])
      .when(create({ paymentMethod: card, settlementCurrency: 'EUR' }))
      .then([created({ paymentMethod: card, settlementCurrency: 'EUR' })]);
  });

  it('fails a payment whose currency pair the table lacks, before anything else', () => {
    given([])
      .when(create({ paymentMethod: card, settlementCurrency: 'GBP' }))
      .then([
        created({ paymentMethod: card, settlementCurrency: 'GBP' }),
        {
          type: 'PaymentFailed',
          data: {
            paymentId: PAYMENT_ID,
            failureCode: FX_UNAVAILABLE_FAILURE_CODE,
            failureMessage: 'The payment cannot settle in GBP: the FX rate table test-1 has no EUR:GBP rate.',
          },
        },
      ]);
  });

  it('carries the conversion on the authorization and converts each capture at the same rate', () => {
    const withFx: PaymentEvent = {
      type: 'PaymentCreated',
      data: { ...newPayment({ paymentMethod: card, settlementCurrency: 'USD' }), fx },
    };
    const authorized: PaymentEvent = { type: 'PaymentAuthorized', data: { ...cardData, fx } };
    given([withFx]).when(authorizedOutcome).then([authorized]);
    // 33.33 EUR × 1.0842 = 36.136386 USD → 3614 cents.
    given([withFx, authorized])
      .when(capture(3_333n))
      .then([
        {
          type: 'PaymentCaptured',
          data: {
            ...cardData,
            amountMinor: 3_333n,
            captureId: CAPTURE_ID,
            final: true,
            fx: { ...fx, settlementAmountMinor: 3_614n },
          },
        },
      ]);
  });

  it('converts with the default table too (JPY has no minor unit)', () => {
    const result = handleCommand(
      create({ currency: 'USD', paymentMethod: card, settlementCurrency: 'JPY' }, DEFAULT_FX_RATE_TABLE),
      replay([]),
    );
    if (isRejection(result)) throw new Error(result.message);
    expect(result.state).toMatchObject({
      fx: {
        settlementCurrency: 'JPY',
        settlementAmountMinor: 15_120n,
        rate: '151.2',
        rateVersion: '2026-11-25',
      },
    });
  });
});

describe('payment decider: risk timeout', () => {
  const timeout = (policy: 'open' | 'closed'): PaymentCommand => ({
    type: 'TimeOutRiskAssessment',
    data: { policy },
  });

  it('fails closed with risk_unavailable', () => {
    given([created()])
      .when(timeout('closed'))
      .then([
        {
          type: 'PaymentFailed',
          data: {
            paymentId: PAYMENT_ID,
            failureCode: 'risk_unavailable',
            failureMessage: RISK_TIMEOUT_MESSAGE,
          },
        },
      ]);
  });

  it('fails open with nothing: the caller asks the processor next', () => {
    given([created()]).when(timeout('open')).then([]);
  });

  it('refuses a timeout once the payment moved on', () => {
    given([created(), requiresAction(transferAction)])
      .when(timeout('closed'))
      .thenRejected('invalid_state_transition');
  });

  it('ignores a late risk decision after either timeout decision', () => {
    const failedClosed: PaymentEvent = {
      type: 'PaymentFailed',
      data: { paymentId: PAYMENT_ID, failureCode: 'risk_unavailable', failureMessage: RISK_TIMEOUT_MESSAGE },
    };
    const late: PaymentCommand = {
      type: 'ApplyRiskDecision',
      data: { decision: 'approve', score: 0, reasons: [] },
    };
    given([created(), failedClosed]).when(late).thenRejected('invalid_state_transition');
    // Failed open: the processor was asked, so the payment no longer waits for risk.
    given([created(), requiresAction(transferAction)])
      .when(late)
      .thenRejected('invalid_state_transition');
  });
});
