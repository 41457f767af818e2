import fc from 'fast-check';
import { sumByCurrency } from './journal-entry';
import type {
  CaptureRecord,
  DisputeRecord,
  DisputeStatus,
  PaymentPosition,
  RefundRecord,
} from './ledger-state';
import {
  postAuthorization,
  postCancel,
  postCapture,
  postDisputeClosed,
  postDisputeOpened,
  postPayoutOutcome,
  postPayoutRequested,
  postRefund,
  postReversal,
  postSettlement,
  type CaptureFacts,
  type Decision,
  type Posted,
  type SettlementFacts,
  type SettlementItems,
} from './posting-rules';
import { defaultPricing } from './pricing';

const occurredAt = new Date('2025-11-20T10:00:00.000Z');
const MERCHANT = 'mer_abcdefgh';
const PAYMENT = 'pay_abcdefghijklmnopqrstuvwx';

function posted<S>(decision: Decision<S>): Posted<S> {
  if (decision.outcome !== 'post') throw new Error(`expected a posting, got ${JSON.stringify(decision)}`);
  return decision;
}

function lines(decision: Decision<unknown>): [string, bigint][] {
  return posted(decision).entry.postings.map((p): [string, bigint] => [p.account.code, p.amountMinor]);
}

function captureFacts(
  currency: string,
  grossAmountMinor: bigint,
  overrides: Partial<CaptureFacts> = {},
): CaptureFacts {
  return {
    merchantId: MERCHANT,
    paymentId: PAYMENT,
    captureId: 'cap_0000000001',
    final: true,
    processor: 'simulated-a',
    paymentMethodType: 'card',
    currency,
    grossAmountMinor,
    fx: null,
    pricing: defaultPricing(currency),
    occurredAt,
    ...overrides,
  };
}

function authorized(amountMinor: bigint, currency = 'USD'): PaymentPosition {
  return posted(
    postAuthorization(null, {
      merchantId: MERCHANT,
      paymentId: PAYMENT,
      processor: 'simulated-a',
      paymentMethodType: 'card',
      currency,
      amountMinor,
      occurredAt,
    }),
  ).state;
}

describe('postAuthorization', () => {
  it('opens a hold: +authorization_pending, −merchant_hold', () => {
    const decision = postAuthorization(null, {
      merchantId: MERCHANT,
      paymentId: PAYMENT,
      processor: 'simulated-a',
      paymentMethodType: 'card',
      currency: 'USD',
      amountMinor: 10_000n,
      occurredAt,
    });
    expect(lines(decision)).toEqual([
      ['authorization_pending:simulated-a:USD', 10_000n],
      ['merchant_hold:mer_abcdefgh:USD', -10_000n],
    ]);
    expect(posted(decision).entry.kind).toBe('authorization_hold');
    expect(posted(decision).state).toMatchObject({ holdStatus: 'open', holdOpenMinor: 10_000n });
  });

  it('refuses a second hold on the same payment and a zero amount', () => {
    const position = authorized(100n);
    expect(
      postAuthorization(position, {
        merchantId: MERCHANT,
        paymentId: PAYMENT,
        processor: 'simulated-a',
        paymentMethodType: 'card',
        currency: 'USD',
        amountMinor: 100n,
        occurredAt,
      }),
    ).toMatchObject({ outcome: 'reject', reason: 'hold_already_resolved' });
    expect(
      postAuthorization(null, {
        merchantId: MERCHANT,
        paymentId: PAYMENT,
        processor: 'simulated-a',
        paymentMethodType: 'card',
        currency: 'USD',
        amountMinor: 0n,
        occurredAt,
      }),
    ).toMatchObject({ outcome: 'reject', reason: 'invalid_amount' });
  });
});

describe('postCapture', () => {
  it('posts the DESIGN.md example without a hold: 100.00 USD with a 3.20 fee', () => {
    const decision = postCapture(null, null, captureFacts('USD', 10_000n));
    expect(lines(decision)).toEqual([
      ['processor_receivable:simulated-a:USD', 10_000n],
      ['merchant_pending:mer_abcdefgh:USD', -9_680n],
      ['fee_revenue:USD', -320n],
    ]);
    expect(posted(decision).context.feeAmountMinor).toBe(320n);
    expect(posted(decision).state.capture).toMatchObject({ netMinor: 9_680n, settlementId: null });
  });

  it('a final partial capture releases the whole hold: 60.00 of 100.00', () => {
    const decision = postCapture(authorized(10_000n), null, captureFacts('USD', 6_000n));
    expect(lines(decision)).toEqual([
      ['merchant_hold:mer_abcdefgh:USD', 10_000n],
      ['authorization_pending:simulated-a:USD', -10_000n],
      ['processor_receivable:simulated-a:USD', 6_000n],
      ['merchant_pending:mer_abcdefgh:USD', -5_796n], // 174 + 30 = 204 fee
      ['fee_revenue:USD', -204n],
    ]);
    expect(posted(decision).state.position).toMatchObject({ holdStatus: 'resolved', holdOpenMinor: 0n });
  });

  it('a non-final capture releases only what it takes; the next capture resolves the hold', () => {
    const first = posted(
      postCapture(authorized(10_000n), null, captureFacts('USD', 4_000n, { final: false })),
    );
    expect(first.entry.postings[0]).toMatchObject({ amountMinor: 4_000n });
    expect(first.state.position).toMatchObject({ holdStatus: 'open', holdOpenMinor: 6_000n });
    const second = posted(
      postCapture(first.state.position, null, captureFacts('USD', 6_000n, { captureId: 'cap_0000000002' })),
    );
    expect(second.state.position).toMatchObject({ holdStatus: 'resolved', capturedMinor: 10_000n });
  });

  it('refuses a capture above the open hold, on a resolved hold, twice, or in another currency', () => {
    expect(postCapture(authorized(100n), null, captureFacts('USD', 101n))).toMatchObject({
      reason: 'invalid_amount',
    });
    const resolved = posted(postCapture(authorized(100n), null, captureFacts('USD', 50n))).state;
    expect(
      postCapture(resolved.position, null, captureFacts('USD', 10n, { captureId: 'cap_0000000002' })),
    ).toMatchObject({ reason: 'hold_already_resolved' });
    expect(postCapture(null, resolved.capture, captureFacts('USD', 50n))).toMatchObject({
      reason: 'invalid_amount',
    });
    expect(postCapture(authorized(100n, 'EUR'), null, captureFacts('USD', 50n))).toMatchObject({
      reason: 'invalid_amount',
    });
  });

  it('posts JPY with no fixed fee and KWD with a 0.300 fixed fee', () => {
    expect(lines(postCapture(null, null, captureFacts('JPY', 1_234n)))).toEqual([
      ['processor_receivable:simulated-a:JPY', 1_234n],
      ['merchant_pending:mer_abcdefgh:JPY', -1_198n],
      ['fee_revenue:JPY', -36n],
    ]);
    expect(lines(postCapture(null, null, captureFacts('KWD', 12_345n)))).toEqual([
      ['processor_receivable:simulated-a:KWD', 12_345n],
      ['merchant_pending:mer_abcdefgh:KWD', -11_687n],
      ['fee_revenue:KWD', -658n],
    ]);
  });

  it('uses the merchant pricing it is given and drops zero lines', () => {
    expect(
      lines(
        postCapture(
          null,
          null,
          captureFacts('EUR', 2_500n, { pricing: { basisPoints: 150n, fixedMinor: 25n } }),
        ),
      ),
    ).toEqual([
      ['processor_receivable:simulated-a:EUR', 2_500n],
      ['merchant_pending:mer_abcdefgh:EUR', -2_437n],
      ['fee_revenue:EUR', -63n],
    ]);
    expect(lines(postCapture(null, null, captureFacts('USD', 20n)))).toEqual([
      ['processor_receivable:simulated-a:USD', 20n],
      ['fee_revenue:USD', -20n],
    ]);
  });

  it('converts through FX accounts, one balanced leg per currency, with the rate recorded', () => {
    // 100.00 EUR presented, 108.50 USD to the merchant at 1.085; fees in USD.
    const decision = posted(
      postCapture(
        authorized(10_000n, 'EUR'),
        null,
        captureFacts('EUR', 10_000n, {
          fx: { settlementCurrency: 'USD', settlementAmountMinor: 10_850n, rate: '1.085', rateVersion: 'v7' },
          pricing: defaultPricing('USD'),
        }),
      ),
    );
    expect(decision.entry.postings.map((p) => [p.account.code, p.amountMinor])).toEqual([
      ['merchant_hold:mer_abcdefgh:EUR', 10_000n],
      ['authorization_pending:simulated-a:EUR', -10_000n],
      ['processor_receivable:simulated-a:EUR', 10_000n],
      ['fx_position:EUR', -10_000n],
      ['fx_position:USD', 10_850n],
      ['merchant_pending:mer_abcdefgh:USD', -10_505n], // 315 + 30 = 345 fee
      ['fee_revenue:USD', -345n],
    ]);
    expect(decision.entry.details).toMatchObject({ fxRate: '1.085', fxRateVersion: 'v7' });
    for (const sum of sumByCurrency(decision.entry.postings).values()) expect(sum).toBe(0n);
    expect(decision.state.capture).toMatchObject({ merchantCurrency: 'USD', netMinor: 10_505n });
  });

  it('property: random captures balance and the fee never exceeds the gross', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('USD', 'EUR', 'JPY', 'KWD', 'CLF'),
        fc.bigInt({ min: 1n, max: 999_999_999_999_999n }),
        fc.bigInt({ min: 0n, max: 10_000n }),
        fc.bigInt({ min: 0n, max: 1_000_000n }),
        (currency, gross, basisPoints, fixedMinor) => {
          const decision = posted(
            postCapture(null, null, captureFacts(currency, gross, { pricing: { basisPoints, fixedMinor } })),
          );
          expect(decision.context.feeAmountMinor <= gross).toBe(true);
          for (const sum of sumByCurrency(decision.entry.postings).values()) expect(sum).toBe(0n);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('postCancel', () => {
  it('releases what the hold still holds, once', () => {
    const partly = posted(
      postCapture(authorized(10_000n), null, captureFacts('USD', 3_000n, { final: false })),
    ).state.position;
    const cancel = { paymentId: PAYMENT, reason: 'expired', releasedAmountMinor: 7_000n, occurredAt };
    const released = posted(postCancel(partly, cancel));
    expect(released.entry.kind).toBe('hold_release');
    expect(released.entry.postings.map((p) => [p.account.code, p.amountMinor])).toEqual([
      ['merchant_hold:mer_abcdefgh:USD', 7_000n],
      ['authorization_pending:simulated-a:USD', -7_000n],
    ]);
    expect(postCancel(released.state, cancel)).toMatchObject({ reason: 'hold_already_resolved' });
    expect(postCancel(null, cancel)).toMatchObject({ reason: 'unknown_hold' });
  });
});

describe('multi-part capture', () => {
  it('two non-final captures and a final one: the memo accounts net to zero, refunds stop at the captured total', () => {
    const totals = new Map<string, bigint>();
    const book = <S>(decision: Decision<S>): Posted<S> => {
      const entry = posted(decision);
      for (const p of entry.entry.postings) {
        totals.set(p.account.code, (totals.get(p.account.code) ?? 0n) + p.amountMinor);
      }
      return entry;
    };
    let position = authorized(10_000n);
    totals.set('authorization_pending:simulated-a:USD', 10_000n);
    totals.set('merchant_hold:mer_abcdefgh:USD', -10_000n);
    const parts: [bigint, boolean, string][] = [
      [2_000n, false, 'cap_0000000001'],
      [3_000n, false, 'cap_0000000002'],
      [1_000n, true, 'cap_0000000003'],
    ];
    for (const [amountMinor, final, captureId] of parts) {
      position = book(postCapture(position, null, captureFacts('USD', amountMinor, { final, captureId })))
        .state.position;
    }
    // The final capture of 1,000 released the 4,000 never captured along with its own.
    expect(position).toMatchObject({ holdStatus: 'resolved', holdOpenMinor: 0n, capturedMinor: 6_000n });
    expect(totals.get('authorization_pending:simulated-a:USD')).toBe(0n);
    expect(totals.get('merchant_hold:mer_abcdefgh:USD')).toBe(0n);
    expect(totals.get('processor_receivable:simulated-a:USD')).toBe(6_000n);
    expect([...totals.values()].reduce((a, b) => a + b, 0n)).toBe(0n);
    const refund = { refundId: 're_0000000001', paymentId: PAYMENT, currency: 'USD', occurredAt };
    expect(postRefund(position, null, { ...refund, amountMinor: 6_001n })).toMatchObject({
      reason: 'refund_exceeds_captured',
    });
    expect(postRefund(position, null, { ...refund, amountMinor: 6_000n }).outcome).toBe('post');
  });
});

describe('postRefund', () => {
  const captured = posted(postCapture(authorized(10_000n), null, captureFacts('USD', 10_000n))).state
    .position;
  const refund = (amountMinor: bigint, refundId = 're_0000000001') => ({
    refundId,
    paymentId: PAYMENT,
    currency: 'USD',
    amountMinor,
    occurredAt,
  });

  it('takes the refund from the merchant available balance and the processor receivable', () => {
    const decision = postRefund(captured, null, refund(2_500n));
    expect(lines(decision)).toEqual([
      ['merchant_available:mer_abcdefgh:USD', 2_500n],
      ['processor_receivable:simulated-a:USD', -2_500n],
    ]);
    // Remembered until a settlement deducts it.
    expect(posted(decision).state.refund).toEqual({
      refundId: 're_0000000001',
      paymentId: PAYMENT,
      merchantId: MERCHANT,
      processor: 'simulated-a',
      currency: 'USD',
      amountMinor: 2_500n,
      settlementId: null,
    });
  });

  it('refuses a refund id posted before', () => {
    const first = posted(postRefund(captured, null, refund(1_000n))).state;
    expect(postRefund(first.position, first.refund, refund(1_000n))).toMatchObject({
      reason: 'invalid_amount',
    });
  });

  it('allows several partial refunds up to the captured total, never beyond', () => {
    const first = posted(postRefund(captured, null, refund(6_000n))).state.position;
    const second = posted(postRefund(first, null, refund(4_000n, 're_0000000002'))).state.position;
    expect(second.refundedMinor).toBe(10_000n);
    expect(postRefund(second, null, refund(1n, 're_0000000003'))).toMatchObject({
      reason: 'refund_exceeds_captured',
    });
    expect(postRefund(first, null, refund(4_001n, 're_0000000003'))).toMatchObject({
      reason: 'refund_exceeds_captured',
    });
    expect(postRefund(null, null, refund(1n))).toMatchObject({ reason: 'refund_exceeds_captured' });
  });

  it('converts an FX refund at the payment ratio and makes the last one exact', () => {
    const fxCaptured = posted(
      postCapture(
        null,
        null,
        captureFacts('EUR', 1_000n, {
          fx: { settlementCurrency: 'USD', settlementAmountMinor: 1_085n, rate: '1.085', rateVersion: 'v1' },
          pricing: defaultPricing('USD'),
        }),
      ),
    ).state.position;
    const eur = (amountMinor: bigint) => ({ ...refund(amountMinor), currency: 'EUR' });
    const first = posted(postRefund(fxCaptured, null, eur(333n)));
    expect(first.entry.postings.map((p) => [p.account.code, p.amountMinor])).toEqual([
      ['merchant_available:mer_abcdefgh:USD', 361n], // 333 × 1.085 = 361.3
      ['processor_receivable:simulated-a:EUR', -333n],
      ['fx_position:USD', -361n],
      ['fx_position:EUR', 333n],
    ]);
    const last = posted(postRefund(first.state.position, null, { ...eur(667n), refundId: 're_0000000002' }));
    expect(last.state.position.merchantRefundedMinor).toBe(1_085n);
  });
});

describe('postSettlement', () => {
  const capture = (id: string, merchantId: string, netMinor: bigint): CaptureRecord => ({
    captureId: id,
    paymentId: PAYMENT,
    merchantId,
    processor: 'simulated-a',
    currency: 'USD',
    grossMinor: netMinor + 100n,
    merchantCurrency: 'USD',
    netMinor,
    settlementId: null,
  });
  const refundRecord = (id: string, amountMinor: bigint): RefundRecord => ({
    refundId: id,
    paymentId: PAYMENT,
    merchantId: 'mer_aaaaaaaa',
    processor: 'simulated-a',
    currency: 'USD',
    amountMinor,
    settlementId: null,
  });
  const disputeRecord = (id: string, amountMinor: bigint, status: DisputeStatus): DisputeRecord => ({
    disputeId: id,
    paymentId: PAYMENT,
    merchantId: 'mer_bbbbbbbb',
    processor: 'simulated-a',
    currency: 'USD',
    amountMinor,
    merchantCurrency: 'USD',
    merchantAmountMinor: amountMinor,
    status,
    settlementId: null,
  });
  const items: SettlementItems = {
    captures: new Map([
      ['cap_0000000001', capture('cap_0000000001', 'mer_aaaaaaaa', 900n)],
      ['cap_0000000002', capture('cap_0000000002', 'mer_aaaaaaaa', 400n)],
      ['cap_0000000003', capture('cap_0000000003', 'mer_bbbbbbbb', 1_900n)],
    ]),
    refunds: new Map([
      ['re_0000000001', refundRecord('re_0000000001', 300n)],
      ['re_0000000002', refundRecord('re_0000000002', 200n)],
    ]),
    disputes: new Map([
      ['dp_0000000001', disputeRecord('dp_0000000001', 700n, 'lost')],
      ['dp_0000000002', disputeRecord('dp_0000000002', 600n, 'open')],
      ['dp_0000000003', disputeRecord('dp_0000000003', 500n, 'won')],
    ]),
  };
  const facts: SettlementFacts = {
    settlementId: 'stl_0000000001',
    processor: 'simulated-a',
    currency: 'USD',
    settlementDate: '2025-11-21',
    grossAmountMinor: 3_500n,
    refundedAmountMinor: 0n,
    chargebackAmountMinor: 0n,
    processorFeeAmountMinor: 50n,
    netAmountMinor: 3_450n,
    captureIds: ['cap_0000000001', 'cap_0000000002', 'cap_0000000003'],
    refundIds: [],
    disputeIds: [],
    occurredAt,
  };
  /** The captures less both refunds and the lost dispute: 3 500 − 500 − 700 − 50 = 2 250. */
  const netted: SettlementFacts = {
    ...facts,
    refundedAmountMinor: 500n,
    chargebackAmountMinor: 700n,
    netAmountMinor: 2_250n,
    refundIds: ['re_0000000001', 're_0000000002'],
    disputeIds: ['dp_0000000001'],
  };

  it('pays the bank less the processor fee and moves each merchant net from pending to available', () => {
    const decision = posted(postSettlement(items, facts));
    expect(decision.entry.postings.map((p) => [p.account.code, p.amountMinor])).toEqual([
      ['platform_bank:USD', 3_450n],
      ['processor_fees:USD', 50n],
      ['processor_receivable:simulated-a:USD', -3_500n],
      ['merchant_pending:mer_aaaaaaaa:USD', 1_300n],
      ['merchant_available:mer_aaaaaaaa:USD', -1_300n],
      ['merchant_pending:mer_bbbbbbbb:USD', 1_900n],
      ['merchant_available:mer_bbbbbbbb:USD', -1_900n],
    ]);
    expect(decision.state.captures.every((c) => c.settlementId === 'stl_0000000001')).toBe(true);
    expect(decision.entry).toMatchObject({
      merchantId: null,
      paymentId: null,
      aggregateId: 'stl_0000000001',
    });
  });

  it('nets out refunds and lost chargebacks: the receivable goes down only by what is left of it', () => {
    const decision = posted(postSettlement(items, netted));
    expect(decision.entry.postings.slice(0, 3).map((p) => [p.account.code, p.amountMinor])).toEqual([
      ['platform_bank:USD', 2_250n],
      ['processor_fees:USD', 50n],
      ['processor_receivable:simulated-a:USD', -2_300n],
    ]);
    expect(decision.state.refunds.map((r) => [r.refundId, r.settlementId])).toEqual([
      ['re_0000000001', 'stl_0000000001'],
      ['re_0000000002', 'stl_0000000001'],
    ]);
    expect(decision.state.disputes).toEqual([
      { ...disputeRecord('dp_0000000001', 700n, 'lost'), settlementId: 'stl_0000000001' },
    ]);
    expect(decision.entry.details).toMatchObject({ refunds: '2', chargebacks: '1' });
  });

  it('books a day of deductions only as a debit of the bank: negative net, receivable back up', () => {
    const decision = posted(
      postSettlement(items, {
        ...facts,
        grossAmountMinor: 0n,
        refundedAmountMinor: 300n,
        chargebackAmountMinor: 700n,
        processorFeeAmountMinor: 0n,
        netAmountMinor: -1_000n,
        captureIds: [],
        refundIds: ['re_0000000001'],
        disputeIds: ['dp_0000000001'],
      }),
    );
    expect(decision.entry.postings.map((p) => [p.account.code, p.amountMinor])).toEqual([
      ['platform_bank:USD', -1_000n],
      ['processor_receivable:simulated-a:USD', 1_000n],
    ]);
  });

  it('refuses an item the ledger never booked', () => {
    for (const unknown of [
      { captureIds: ['cap_9999999999'] },
      { refundIds: ['re_9999999999'] },
      { disputeIds: ['dp_9999999999'] },
    ]) {
      expect(postSettlement(items, { ...facts, ...unknown })).toMatchObject({
        reason: 'unknown_settlement_item',
      });
    }
  });

  it('refuses an item already settled: a capture, a refund or a chargeback settles once', () => {
    const settledBefore = { settlementId: 'stl_x0000000' };
    const capture1 = items.captures.get('cap_0000000001') as CaptureRecord;
    const refund1 = items.refunds.get('re_0000000001') as RefundRecord;
    const dispute1 = items.disputes.get('dp_0000000001') as DisputeRecord;
    const stamped: SettlementItems[] = [
      {
        ...items,
        captures: new Map([...items.captures, [capture1.captureId, { ...capture1, ...settledBefore }]]),
      },
      {
        ...items,
        refunds: new Map([...items.refunds, [refund1.refundId, { ...refund1, ...settledBefore }]]),
      },
      {
        ...items,
        disputes: new Map([...items.disputes, [dispute1.disputeId, { ...dispute1, ...settledBefore }]]),
      },
    ];
    for (const settled of stamped) {
      expect(postSettlement(settled, netted)).toMatchObject({
        reason: 'already_settled',
        message: expect.stringContaining('stl_x0000000') as unknown,
      });
    }
  });

  it('refuses an item of another processor or currency', () => {
    expect(postSettlement(items, { ...facts, processor: 'simulated-b' })).toMatchObject({
      reason: 'settlement_item_mismatch',
    });
    const eurRefund = { ...refundRecord('re_0000000001', 300n), currency: 'EUR' };
    expect(
      postSettlement(
        { ...items, refunds: new Map([['re_0000000001', eurRefund]]) },
        { ...netted, refundIds: ['re_0000000001'], refundedAmountMinor: 300n, netAmountMinor: 2_450n },
      ),
    ).toMatchObject({ reason: 'settlement_item_mismatch' });
    const otherProcessor = { ...disputeRecord('dp_0000000001', 700n, 'lost'), processor: 'simulated-b' };
    expect(
      postSettlement({ ...items, disputes: new Map([['dp_0000000001', otherProcessor]]) }, netted),
    ).toMatchObject({ reason: 'settlement_item_mismatch' });
  });

  it('refuses to deduct a dispute that is open or was won', () => {
    for (const disputeId of ['dp_0000000002', 'dp_0000000003']) {
      expect(postSettlement(items, { ...netted, disputeIds: [disputeId] })).toMatchObject({
        reason: 'dispute_not_lost',
      });
    }
  });

  it('refuses totals that are not the sums of what the ledger booked', () => {
    const mismatched: Partial<SettlementFacts>[] = [
      // The gross claimed is not the captures' gross (the net follows it, so only the sum is off).
      { grossAmountMinor: 3_600n, netAmountMinor: 2_350n },
      { refundedAmountMinor: 400n, netAmountMinor: 2_350n },
      { chargebackAmountMinor: 600n, netAmountMinor: 2_350n },
      // The net is not gross − refunded − chargebacks − fee.
      { netAmountMinor: 2_249n },
      { processorFeeAmountMinor: 51n },
    ];
    for (const wrong of mismatched) {
      expect(postSettlement(items, { ...netted, ...wrong })).toMatchObject({
        reason: 'settlement_totals_mismatch',
      });
    }
  });

  it('refuses an empty or repeated list and negative amounts', () => {
    expect(
      postSettlement(items, { ...facts, captureIds: [], grossAmountMinor: 0n, netAmountMinor: -50n }),
    ).toMatchObject({ reason: 'invalid_amount' });
    expect(
      postSettlement(items, { ...facts, captureIds: ['cap_0000000001', 'cap_0000000001'] }),
    ).toMatchObject({ reason: 'invalid_amount' });
    expect(postSettlement(items, { ...facts, refundedAmountMinor: -1n })).toMatchObject({
      reason: 'invalid_amount',
    });
  });
});

describe('payouts', () => {
  const request = {
    payoutId: 'po_0000000001',
    merchantId: MERCHANT,
    currency: 'USD',
    amountMinor: 5_000n,
    occurredAt,
  };

  it('reserves from available, guarded against going below zero', () => {
    const decision = posted(postPayoutRequested(null, request));
    expect(decision.entry.postings.map((p) => [p.account.code, p.amountMinor])).toEqual([
      ['merchant_available:mer_abcdefgh:USD', 5_000n],
      ['payouts_in_flight:mer_abcdefgh:USD', -5_000n],
    ]);
    expect(decision.guards).toEqual([{ accountCode: 'merchant_available:mer_abcdefgh:USD' }]);
    expect(postPayoutRequested(decision.state, request)).toMatchObject({ reason: 'invalid_amount' });
  });

  it('completes to the bank or reverses to available, once', () => {
    const reserved = posted(postPayoutRequested(null, request)).state;
    const paid = posted(postPayoutOutcome(reserved, { ...request, outcome: 'paid' }));
    expect(paid.entry.postings.map((p) => [p.account.code, p.amountMinor])).toEqual([
      ['payouts_in_flight:mer_abcdefgh:USD', 5_000n],
      ['platform_bank:USD', -5_000n],
    ]);
    const failed = posted(postPayoutOutcome(reserved, { ...request, outcome: 'failed' }));
    expect(failed.entry.postings.map((p) => [p.account.code, p.amountMinor])).toEqual([
      ['payouts_in_flight:mer_abcdefgh:USD', 5_000n],
      ['merchant_available:mer_abcdefgh:USD', -5_000n],
    ]);
    expect(postPayoutOutcome(paid.state, { ...request, outcome: 'failed' })).toMatchObject({
      reason: 'hold_already_resolved',
    });
    expect(postPayoutOutcome(null, { ...request, outcome: 'failed' })).toMatchObject({ outcome: 'ignore' });
    expect(postPayoutOutcome(null, { ...request, outcome: 'paid' })).toMatchObject({
      reason: 'unknown_hold',
    });
    expect(postPayoutOutcome(reserved, { ...request, amountMinor: 1n, outcome: 'paid' })).toMatchObject({
      reason: 'invalid_amount',
    });
  });
});

describe('disputes', () => {
  const captured = posted(postCapture(authorized(10_000n), null, captureFacts('USD', 10_000n))).state
    .position;
  const dispute = {
    disputeId: 'dp_0000000001',
    paymentId: PAYMENT,
    currency: 'USD',
    amountMinor: 10_000n,
    occurredAt,
  };

  it('holds the disputed amount; won releases it, lost pays it to the processor; closes once', () => {
    const opened = posted(postDisputeOpened(captured, null, dispute));
    expect(opened.entry.postings.map((p) => [p.account.code, p.amountMinor])).toEqual([
      ['merchant_available:mer_abcdefgh:USD', 10_000n],
      ['chargebacks_in_flight:mer_abcdefgh:USD', -10_000n],
    ]);
    const won = posted(postDisputeClosed(captured, opened.state, { ...dispute, outcome: 'won' }));
    expect(won.entry.postings.map((p) => [p.account.code, p.amountMinor])).toEqual([
      ['chargebacks_in_flight:mer_abcdefgh:USD', 10_000n],
      ['merchant_available:mer_abcdefgh:USD', -10_000n],
    ]);
    const lost = posted(postDisputeClosed(captured, opened.state, { ...dispute, outcome: 'lost' }));
    expect(lost.entry.postings.map((p) => [p.account.code, p.amountMinor])).toEqual([
      ['chargebacks_in_flight:mer_abcdefgh:USD', 10_000n],
      ['processor_receivable:simulated-a:USD', -10_000n],
    ]);
    expect(postDisputeClosed(captured, lost.state, { ...dispute, outcome: 'won' })).toMatchObject({
      reason: 'hold_already_resolved',
    });
    expect(postDisputeClosed(captured, null, { ...dispute, outcome: 'won' })).toMatchObject({
      reason: 'unknown_hold',
    });
    expect(postDisputeOpened(captured, opened.state, dispute)).toMatchObject({ reason: 'invalid_amount' });
    expect(postDisputeOpened(captured, null, { ...dispute, amountMinor: 10_001n })).toMatchObject({
      reason: 'invalid_amount',
    });
  });
});

describe('postReversal', () => {
  it('negates every posting and names the original', () => {
    const original = posted(postCapture(null, null, captureFacts('USD', 10_000n))).entry;
    const reversal = postReversal(
      { ...original, id: '6f1c1f9e-4a4b-4c4d-8e8f-000000000001' },
      occurredAt,
      'typo',
    );
    expect(reversal.kind).toBe('reversal');
    expect(reversal.reversesEntryId).toBe('6f1c1f9e-4a4b-4c4d-8e8f-000000000001');
    expect(reversal.postings.map((p) => p.amountMinor)).toEqual(original.postings.map((p) => -p.amountMinor));
  });
});
