import { PaymentRowError, toPaymentState, toStoredPaymentMethod } from './payment.repository';
import type { PaymentEntity } from './payment.entity';

const row = (overrides: Partial<PaymentEntity> = {}): PaymentEntity =>
  ({
    id: 'pay_AbCdEfGhIjKlMnOpQrStUvWx',
    merchantId: 'mer_TestMerchant01',
    amountMinor: '9007199254740993',
    amountCapturedMinor: '0',
    amountRefundedMinor: '0',
    captureCount: 0,
    pendingAction: null,
    dispute: null,
    authorizedAt: null,
    actionExpiresAt: null,
    currency: 'USD',
    captureMethod: 'automatic',
    status: 'requires_capture',
    paymentMethod: {
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
    },
    customer: null,
    processor: 'simulated-a',
    processorReference: 'simulated_a_0123',
    failureCode: null,
    failureMessage: null,
    settlementCurrency: null,
    fxSettlementCurrency: null,
    fxSettlementAmountMinor: null,
    fxRate: null,
    fxRateVersion: null,
    riskDeadlineAt: null,
    riskScreening: null,
    version: 2,
    createdAt: new Date(),
    updatedAt: new Date(),
    ...overrides,
  }) as PaymentEntity;

describe('toPaymentState', () => {
  it('reads bigint amounts exactly and keeps the version', () => {
    expect(toPaymentState(row())).toMatchObject({
      status: 'requires_capture',
      version: 2,
      amountMinor: 9_007_199_254_740_993n,
      amountCapturedMinor: 0n,
      processorReference: 'simulated_a_0123',
    });
  });

  it('reads the FX conversion fixed at create, and none when the columns are empty', () => {
    expect(toPaymentState(row()).fx).toBeNull();
    const converted = row({
      settlementCurrency: 'EUR',
      fxSettlementCurrency: 'EUR',
      fxSettlementAmountMinor: '9223',
      fxRate: '0.922339',
      fxRateVersion: '2026-11-25',
    });
    expect(toPaymentState(converted).fx).toEqual({
      settlementCurrency: 'EUR',
      settlementAmountMinor: 9223n,
      rate: '0.922339',
      rateVersion: '2026-11-25',
    });
  });

  it('reads bank transfers and wallets as their method type', () => {
    const transfer = row({ paymentMethod: { type: 'bank_transfer', bankTransfer: { country: 'DE' } } });
    expect(toPaymentState(transfer).paymentMethodType).toBe('bank_transfer');
    const wallet = row({ paymentMethod: { type: 'wallet', wallet: { provider: 'alipay' } } });
    expect(toPaymentState(wallet).paymentMethodType).toBe('wallet');
  });

  it('refuses a status, capture method or failure code the domain does not know', () => {
    expect(() => toPaymentState(row({ status: 'pending' }))).toThrow(PaymentRowError);
    expect(() => toPaymentState(row({ captureMethod: 'later' }))).toThrow(PaymentRowError);
    expect(() => toPaymentState(row({ failureCode: 'oops' }))).toThrow(PaymentRowError);
  });
});

describe('toStoredPaymentMethod', () => {
  it('keeps only the known card fields, so a stray card number is never stored', () => {
    const method = row().paymentMethod;
    if (method.type !== 'card') throw new Error('the fixture is a card');
    const withNumber = { ...method, card: { ...method.card, number: '4242424242424242' } };
    const stored = toStoredPaymentMethod(withNumber);
    expect(stored).toEqual(method);
    expect(JSON.stringify(stored)).not.toMatch(/[0-9]{13,19}/);
  });

  it('keeps only the country of a bank transfer and the provider of a wallet', () => {
    const transfer = {
      type: 'bank_transfer',
      bankTransfer: { country: 'DE', iban: 'DE89370400440532013000' },
    };
    expect(toStoredPaymentMethod(transfer as never)).toEqual({
      type: 'bank_transfer',
      bankTransfer: { country: 'DE' },
    });
    const wallet = { type: 'wallet', wallet: { provider: 'wechat_pay', openId: 'o123' } };
    expect(toStoredPaymentMethod(wallet as never)).toEqual({
      type: 'wallet',
      wallet: { provider: 'wechat_pay' },
    });
  });
});
