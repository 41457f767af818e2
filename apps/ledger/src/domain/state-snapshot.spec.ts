import type { CaptureRecord, PaymentPosition, RefundRecord } from './ledger-state';
import { StateSnapshot, mergeStateKeys } from './state-snapshot';

const position: PaymentPosition = {
  paymentId: 'pay_snapshot0001',
  merchantId: 'mer_snapshot0001',
  processor: 'simulated-a',
  paymentMethodType: 'card',
  currency: 'USD',
  authorizedMinor: 1_000n,
  holdOpenMinor: 1_000n,
  holdStatus: 'open',
  capturedMinor: 0n,
  refundedMinor: 0n,
  merchantCurrency: 'USD',
  merchantCapturedMinor: 0n,
  merchantRefundedMinor: 0n,
};

const capture = (captureId: string): CaptureRecord => ({
  captureId,
  paymentId: position.paymentId,
  merchantId: position.merchantId,
  processor: 'simulated-a',
  currency: 'USD',
  grossMinor: 500n,
  merchantCurrency: 'USD',
  netMinor: 470n,
  settlementId: null,
});

const empty = { positions: [], captures: [], refunds: [], payouts: [], disputes: [], pricing: [] };

describe('the state a batch is decided against', () => {
  it('shows each change to the events after it and writes each changed record once, as it ends', () => {
    const snapshot = new StateSnapshot({ ...empty, positions: [position] });
    snapshot.apply({ positions: [{ ...position, capturedMinor: 500n }] });
    expect(snapshot.position(position.paymentId)?.capturedMinor).toBe(500n);
    snapshot.apply({ positions: [{ ...position, capturedMinor: 800n }] });
    expect(snapshot.writes().positions).toEqual([{ ...position, capturedMinor: 800n }]);
  });

  it('writes nothing that did not change', () => {
    const snapshot = new StateSnapshot({
      ...empty,
      positions: [position],
      captures: [capture('cap_snapshot0001')],
    });
    expect(snapshot.writes()).toEqual({
      positions: [],
      newCaptures: [],
      settledCaptures: [],
      newRefunds: [],
      settledRefunds: [],
      payouts: [],
      disputes: [],
    });
  });

  it('tells captures posted in the batch from stored captures it settles', () => {
    const stored = capture('cap_snapshot0001');
    const snapshot = new StateSnapshot({ ...empty, captures: [stored] });
    const fresh = capture('cap_snapshot0002');
    snapshot.apply({ captures: [fresh] });
    expect(snapshot.capturesOf(['cap_snapshot0001', 'cap_snapshot0002', 'cap_unknown00001'])).toEqual(
      new Map([
        [stored.captureId, stored],
        [fresh.captureId, fresh],
      ]),
    );
    snapshot.apply({
      captures: [
        { ...stored, settlementId: 'stl_snapshot0001' },
        { ...fresh, settlementId: 'stl_snapshot0001' },
      ],
    });
    const writes = snapshot.writes();
    expect(writes.newCaptures).toEqual([{ ...fresh, settlementId: 'stl_snapshot0001' }]);
    expect(writes.settledCaptures).toEqual([{ ...stored, settlementId: 'stl_snapshot0001' }]);
  });

  it('tells refunds posted in the batch from stored refunds it settles', () => {
    const refund = (refundId: string): RefundRecord => ({
      refundId,
      paymentId: position.paymentId,
      merchantId: position.merchantId,
      processor: 'simulated-a',
      currency: 'USD',
      amountMinor: 100n,
      settlementId: null,
    });
    const stored = refund('re_snapshot0001');
    const snapshot = new StateSnapshot({ ...empty, refunds: [stored] });
    const fresh = refund('re_snapshot0002');
    snapshot.apply({ refunds: [fresh] });
    expect(snapshot.refundsOf(['re_snapshot0001', 're_snapshot0002', 're_unknown00001'])).toEqual(
      new Map([
        [stored.refundId, stored],
        [fresh.refundId, fresh],
      ]),
    );
    snapshot.apply({ refunds: [{ ...stored, settlementId: 'stl_snapshot0001' }] });
    const writes = snapshot.writes();
    expect(writes.newRefunds).toEqual([fresh]);
    expect(writes.settledRefunds).toEqual([{ ...stored, settlementId: 'stl_snapshot0001' }]);
  });

  it('answers a merchant pricing by merchant and currency, null for the default', () => {
    const snapshot = new StateSnapshot({
      ...empty,
      pricing: [
        { merchantId: 'mer_snapshot0001', currency: 'EUR', pricing: { basisPoints: 100n, fixedMinor: 5n } },
      ],
    });
    expect(snapshot.pricingFor('mer_snapshot0001', 'EUR')).toEqual({ basisPoints: 100n, fixedMinor: 5n });
    expect(snapshot.pricingFor('mer_snapshot0001', 'USD')).toBeNull();
    expect(snapshot.pricingFor('mer_snapshot0002', 'EUR')).toBeNull();
  });

  it('merges the keys of several events, each once', () => {
    const merged = mergeStateKeys([
      {
        paymentIds: ['pay_a0000001'],
        captureIds: ['cap_a0000001'],
        refundIds: ['re_a0000001'],
        payoutIds: [],
        disputeIds: [],
        pricing: [{ merchantId: 'mer_a0000001', currency: 'USD' }],
      },
      {
        paymentIds: ['pay_a0000001', 'pay_b0000001'],
        captureIds: [],
        refundIds: ['re_a0000001'],
        payoutIds: ['po_a0000001'],
        disputeIds: ['dp_a0000001'],
        pricing: [{ merchantId: 'mer_a0000001', currency: 'USD' }],
      },
    ]);
    expect(merged).toEqual({
      paymentIds: ['pay_a0000001', 'pay_b0000001'],
      captureIds: ['cap_a0000001'],
      refundIds: ['re_a0000001'],
      payoutIds: ['po_a0000001'],
      disputeIds: ['dp_a0000001'],
      pricing: [{ merchantId: 'mer_a0000001', currency: 'USD' }],
    });
  });
});
