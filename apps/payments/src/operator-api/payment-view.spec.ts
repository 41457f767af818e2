import type { PaymentEventEntity } from '../payment-lifecycle/payment-event.entity';
import type { PaymentEntity } from '../payment-lifecycle/payment.entity';
import { toPaymentView } from './payment-view';

describe('toPaymentView', () => {
  const row = {
    id: 'pay_AbCdEfGhIjKlMnOpQrStUvWx',
    merchantId: 'mer_TestMerchant01',
    amountMinor: '999999999999999',
    amountCapturedMinor: '999999999999999',
    amountRefundedMinor: '1000',
    pendingAction: null,
    dispute: { disputeId: 'dp_dispute0001', amountMinor: '5000', status: 'open' },
    currency: 'JPY',
    captureMethod: 'automatic',
    status: 'succeeded',
    paymentMethod: {
      type: 'card',
      card: {
        token: 'tok_abcdefgh12345678',
        brand: 'visa',
        bin: '424242',
        last4: '4242',
        expMonth: 1,
        expYear: 2031,
        fingerprint: 'fp_abcdefghijklmnop',
      },
    },
    customer: { email: 'jane@example.com', ip: '203.0.113.9' },
    processor: 'simulated-a',
    processorReference: 'simulated_a_0123',
    failureCode: null,
    failureMessage: null,
    version: 3,
    createdAt: new Date('2026-01-01T00:00:00Z'),
    updatedAt: new Date('2026-01-01T00:00:01Z'),
  } as PaymentEntity;
  const events = [
    {
      eventId: '00000000-0000-4000-8000-000000000001',
      sequence: 1,
      eventType: 'payment.created',
      occurredAt: new Date('2026-01-01T00:00:00Z'),
    },
  ] as PaymentEventEntity[];

  it('shows the largest amount exactly, lower-case currency, unix times and the history', () => {
    const view = toPaymentView(row, events);
    expect(view).toMatchObject({
      amount: 999_999_999_999_999,
      amount_captured: 999_999_999_999_999,
      amount_refunded: 1_000,
      next_action: null,
      dispute: { id: 'dp_dispute0001', amount: 5_000, status: 'open' },
      currency: 'jpy',
      created: 1_767_225_600,
      updated: 1_767_225_601,
      events: [{ sequence: 1, type: 'payment.created', occurred_at: '2026-01-01T00:00:00.000Z' }],
    });
  });

  it('leaves out the vault token and the customer IP', () => {
    const json = JSON.stringify(toPaymentView(row, events));
    expect(json).not.toContain('tok_');
    expect(json).not.toContain('203.0.113.9');
  });

  it('shows a bank transfer waiting for its virtual account, with its FX conversion', () => {
    const waiting = {
      ...row,
      status: 'requires_action',
      paymentMethod: { type: 'bank_transfer', bankTransfer: { country: 'DE' } },
      pendingAction: {
        type: 'bank_transfer',
        virtualAccountReference: 'VA0123456789ABCDEF01',
        expiresAt: '2026-01-04T00:00:00.000Z',
      },
      settlementCurrency: 'USD',
      fxSettlementCurrency: 'USD',
      fxSettlementAmountMinor: '6614',
      fxRate: '0.00661376',
      fxRateVersion: '2026-11-25',
      riskScreening: 'approve',
    } as PaymentEntity;
    expect(toPaymentView(waiting, events)).toMatchObject({
      payment_method: { type: 'bank_transfer', bank_transfer: { country: 'DE' } },
      next_action: {
        type: 'bank_transfer',
        virtual_account_reference: 'VA0123456789ABCDEF01',
        expires_at: '2026-01-04T00:00:00.000Z',
      },
      settlement_currency: 'usd',
      fx: {
        settlement_currency: 'usd',
        settlement_amount: 6_614,
        rate: '0.00661376',
        rate_version: '2026-11-25',
      },
      risk_screening: 'approve',
    });
  });

  it('shows a wallet QR code to approve, and no FX for a single-currency payment', () => {
    const waiting = {
      ...row,
      paymentMethod: { type: 'wallet', wallet: { provider: 'wechat_pay' } },
      pendingAction: {
        type: 'qr_code',
        qrPayload: 'https://qr.example/x',
        expiresAt: '2026-01-01T00:15:00.000Z',
      },
    } as PaymentEntity;
    expect(toPaymentView(waiting, events)).toMatchObject({
      payment_method: { type: 'wallet', wallet: { provider: 'wechat_pay' } },
      next_action: { type: 'qr_code', qr_payload: 'https://qr.example/x' },
      fx: null,
      risk_screening: null,
    });
  });
});
