import { randomBytes } from 'node:crypto';
import { ContractViolationError, type AnyEventEnvelope } from '@platform/contracts';
import { nthEventOf, testEvent, topicsOfNamespace } from './test-namespace';

const MERCHANT_ID = 'mer_unit0000001';
const PAY_ONE = `pay_${'1'.repeat(24)}`;
const PAY_TWO = `pay_${'2'.repeat(24)}`;
const PAY_THREE = `pay_${'3'.repeat(24)}`;

function assessed(paymentId: string, decision: 'approve' | 'decline'): AnyEventEnvelope {
  return testEvent(
    'risk.assessed',
    { paymentId, decision, score: 0, reasons: [] },
    { aggregateId: paymentId, merchantId: MERCHANT_ID },
  );
}

describe('testEvent', () => {
  it('opens the aggregate with a correlation of its own and no cause', () => {
    const paymentId = `pay_${randomBytes(12).toString('hex')}`;
    const first = testEvent(
      'payment.cancel',
      { paymentId },
      { aggregateId: paymentId, merchantId: MERCHANT_ID },
    );
    const second = testEvent(
      'payment.cancel',
      { paymentId },
      { aggregateId: paymentId, merchantId: MERCHANT_ID },
    );
    expect(first).toMatchObject({
      type: 'payment.cancel',
      aggregateId: paymentId,
      aggregateSequence: 1,
      merchantId: MERCHANT_ID,
      causationId: null,
      data: { paymentId },
    });
    expect(second.correlationId).not.toBe(first.correlationId);
    expect(second.id).not.toBe(first.id);
  });

  it('keeps a sequence it is given', () => {
    const paymentId = `pay_${randomBytes(12).toString('hex')}`;
    const event = testEvent(
      'risk.assessed',
      { paymentId, decision: 'approve', score: 0, reasons: [] },
      { aggregateId: paymentId, merchantId: MERCHANT_ID, aggregateSequence: 2 },
    );
    expect(event.aggregateSequence).toBe(2);
  });

  it('refuses data its contract refuses', () => {
    expect(() =>
      testEvent('payment.cancel', { paymentId: '' }, { aggregateId: 'pay_x', merchantId: MERCHANT_ID }),
    ).toThrow(ContractViolationError);
  });
});

describe('topicsOfNamespace', () => {
  it("keeps the namespace's topics only, not another's that starts with the same name", () => {
    const topics = [
      'itest-a.payments.events',
      'itest-a.payments.events.dlq',
      'itest-ab.payments.events',
      'payments.events',
      'other.itest-a.risk.events',
    ];
    expect(topicsOfNamespace('itest-a', topics)).toEqual([
      'itest-a.payments.events',
      'itest-a.payments.events.dlq',
    ]);
  });
});

describe('nthEventOf', () => {
  const events = [assessed(PAY_ONE, 'approve'), assessed(PAY_TWO, 'decline'), assessed(PAY_ONE, 'decline')];

  it('finds the nth event of a type about an aggregate, in arrival order', () => {
    expect(nthEventOf(events, PAY_ONE, 'risk.assessed')?.data.decision).toBe('approve');
    expect(nthEventOf(events, PAY_ONE, 'risk.assessed', 2)?.data.decision).toBe('decline');
  });

  it('finds nothing beyond what arrived, of another type or about another aggregate', () => {
    expect(nthEventOf(events, PAY_ONE, 'risk.assessed', 3)).toBeUndefined();
    expect(nthEventOf(events, PAY_ONE, 'payment.created')).toBeUndefined();
    expect(nthEventOf(events, PAY_THREE, 'risk.assessed')).toBeUndefined();
  });
});
