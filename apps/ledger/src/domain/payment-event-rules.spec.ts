import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { createEvent, type AnyEventEnvelope, type EventData, type EventType } from '@platform/contracts';
import { StateSnapshot, type StateWrites, type StoredState } from './state-snapshot';
import { ruleFor, stateKeysOf } from './payment-event-rules';

const PAYMENTS = 5;
const MERCHANTS = 2;
const pad = (n: number) => String(n).padStart(8, '0');
const paymentId = (p: number) => `pay_${pad(p)}`;
const merchantOf = (p: number) => `mer_${pad(p % MERCHANTS)}`;
const captureId = (p: number, c: number) => `cap_${p}x${pad(c)}`;
const refundId = (p: number, r: number) => `re_${p}x${pad(r)}`;
const disputeId = (p: number) => `dp_${pad(p)}`;

function event<T extends EventType>(type: T, data: EventData<T>, merchantId: string): AnyEventEnvelope {
  return createEvent(type, data, {
    aggregateId: merchantId,
    aggregateSequence: 1,
    merchantId,
    correlationId: randomUUID(),
    causationId: null,
    occurredAt: new Date('2025-11-20T10:00:00.000Z'),
  }) as AnyEventEnvelope;
}

const card = (p: number, amountMinor: bigint) => ({
  paymentId: paymentId(p),
  amountMinor: amountMinor.toString(),
  currency: 'USD',
  paymentMethodType: 'card' as const,
  processor: 'simulated-a',
  processorReference: `ref_${p}`,
});

const amount = fc.bigInt({ min: 1n, max: 20_000n });
const payment = fc.integer({ min: 0, max: PAYMENTS - 1 });
const small = fc.integer({ min: 0, max: 2 });
const merchant = fc.integer({ min: 0, max: MERCHANTS - 1 });

/** Payment events over a few payments, so that they meet: captures of holds, refunds of captures. */
const eventArb: fc.Arbitrary<AnyEventEnvelope> = fc.oneof(
  fc.tuple(payment, amount).map(([p, a]) => event('payment.authorized', card(p, a), merchantOf(p))),
  fc
    .tuple(payment, small, amount, fc.boolean())
    .map(([p, c, a, final]) =>
      event('payment.captured', { ...card(p, a), captureId: captureId(p, c), final }, merchantOf(p)),
    ),
  payment.map((p) =>
    event(
      'payment.canceled',
      { paymentId: paymentId(p), reason: 'expired', releasedAmountMinor: '0', currency: 'USD' },
      merchantOf(p),
    ),
  ),
  fc.tuple(payment, small, amount).map(([p, r, a]) =>
    event(
      'refund.succeeded',
      {
        refundId: refundId(p, r),
        paymentId: paymentId(p),
        amountMinor: a.toString(),
        currency: 'USD',
        paymentMethodType: 'card',
        processor: 'simulated-a',
      },
      merchantOf(p),
    ),
  ),
  fc
    .tuple(
      small,
      fc.uniqueArray(
        fc.tuple(payment, small).map(([p, c]) => captureId(p, c)),
        { minLength: 1, maxLength: 3 },
      ),
      fc.uniqueArray(
        fc.tuple(payment, small).map(([p, r]) => refundId(p, r)),
        { maxLength: 2 },
      ),
      fc.uniqueArray(payment.map(disputeId), { maxLength: 2 }),
    )
    .map(([s, captureIds, refundIds, disputeIds]) =>
      event(
        'settlement.reported',
        {
          settlementId: `stl_${pad(s)}`,
          processor: 'simulated-a',
          currency: 'USD',
          settlementDate: '2025-11-21',
          grossAmountMinor: '1000',
          refundedAmountMinor: '0',
          chargebackAmountMinor: '0',
          processorFeeAmountMinor: '10',
          netAmountMinor: '990',
          captureIds,
          refundIds,
          disputeIds,
        },
        merchantOf(0),
      ),
    ),
  fc
    .tuple(merchant, small, amount, fc.constantFrom('payout.requested', 'payout.paid', 'payout.failed'))
    .map(([m, n, a, type]) => {
      const data = {
        payoutId: `po_${m}x${pad(n)}`,
        merchantId: `mer_${pad(m)}`,
        amountMinor: a.toString(),
        currency: 'USD',
      };
      return type === 'payout.failed'
        ? event(type, { ...data, failureCode: 'bank_rejected' }, data.merchantId)
        : event(type, data, data.merchantId);
    }),
  fc.tuple(payment, amount, fc.constantFrom('opened', 'won', 'lost')).map(([p, a, what]) => {
    const data = {
      disputeId: disputeId(p),
      paymentId: paymentId(p),
      amountMinor: a.toString(),
      currency: 'USD',
    };
    return what === 'opened'
      ? event('dispute.opened', { ...data, reason: 'fraudulent' }, merchantOf(p))
      : event('dispute.closed', { ...data, outcome: what }, merchantOf(p));
  }),
);

const NOTHING_STORED: StoredState = {
  positions: [],
  captures: [],
  refunds: [],
  payouts: [],
  disputes: [],
  pricing: [],
};

function upsert<T>(rows: readonly T[], updates: readonly T[], key: (row: T) => string): T[] {
  const byKey = new Map(rows.map((row) => [key(row), row]));
  for (const row of updates) byKey.set(key(row), row);
  return [...byKey.values()];
}

/** What the repository's write does to the store, as the next batch loads it. */
function persist(stored: StoredState, writes: StateWrites): StoredState {
  return {
    positions: upsert(stored.positions, writes.positions, (p) => p.paymentId),
    captures: upsert(stored.captures, [...writes.newCaptures, ...writes.settledCaptures], (c) => c.captureId),
    refunds: upsert(stored.refunds, [...writes.newRefunds, ...writes.settledRefunds], (r) => r.refundId),
    payouts: upsert(stored.payouts, writes.payouts, (p) => p.payoutId),
    disputes: upsert(stored.disputes, writes.disputes, (d) => d.disputeId),
    pricing: stored.pricing,
  };
}

/** Decides a stream in batches of the given sizes; what each event came to. */
function decideInBatches(events: readonly AnyEventEnvelope[], sizes: readonly number[]): string[] {
  const outcomes: string[] = [];
  let stored = NOTHING_STORED;
  let start = 0;
  for (let batch = 0; start < events.length; batch += 1) {
    const size = sizes[batch % sizes.length] ?? 1;
    const snapshot = new StateSnapshot(stored);
    for (const e of events.slice(start, start + size)) {
      const ruling = ruleFor(e, snapshot);
      const decision = ruling?.decision;
      if (ruling === null || decision === undefined) outcomes.push('none');
      else if (decision.outcome !== 'post') outcomes.push(`${decision.outcome} ${decision.message}`);
      else {
        snapshot.apply(ruling.change);
        const lines = decision.entry.postings.map((p) => `${p.account.code} ${p.amountMinor}`);
        outcomes.push(`post ${decision.entry.kind} ${lines.join(', ')}`);
      }
    }
    stored = persist(stored, snapshot.writes());
    start += size;
  }
  return outcomes;
}

function settlement(
  captureIds: string[],
  refundIds: string[],
  disputeIds: string[],
  grossMinor: bigint,
  refundedMinor: bigint,
  feeMinor: bigint,
): AnyEventEnvelope {
  return event(
    'settlement.reported',
    {
      settlementId: 'stl_netting000001',
      processor: 'simulated-a',
      currency: 'USD',
      settlementDate: '2025-11-21',
      grossAmountMinor: grossMinor.toString(),
      refundedAmountMinor: refundedMinor.toString(),
      chargebackAmountMinor: '0',
      processorFeeAmountMinor: feeMinor.toString(),
      netAmountMinor: (grossMinor - refundedMinor - feeMinor).toString(),
      captureIds,
      refundIds,
      disputeIds,
    },
    merchantOf(0),
  );
}

describe('payment events decided in a batch', () => {
  it('come out as they do one at a time, whatever the batch sizes', () => {
    fc.assert(
      fc.property(
        fc.array(eventArb, { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 5 }),
        (events, sizes) => {
          expect(decideInBatches(events, sizes)).toEqual(decideInBatches(events, [1]));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('let a capture see the hold its authorization opened earlier in the same batch', () => {
    const authorized = event('payment.authorized', card(1, 1_000n), merchantOf(1));
    const captured = event(
      'payment.captured',
      { ...card(1, 600n), captureId: captureId(1, 1), final: true },
      merchantOf(1),
    );
    const twice = event(
      'payment.captured',
      { ...card(1, 100n), captureId: captureId(1, 1), final: false },
      merchantOf(1),
    );
    const [, capture, again] = decideInBatches([authorized, captured, twice], [3]);
    // The final capture releases the whole 1000 hold; the same capture id again is refused.
    expect(capture).toContain(`merchant_hold:${merchantOf(1)}:USD 1000`);
    expect(capture).toContain('authorization_pending:simulated-a:USD -1000');
    expect(again).toBe(`reject capture ${captureId(1, 1)} was already posted`);
  });

  it('let a settlement net out a refund booked earlier in the same batch, and name itself when refused', () => {
    const batch = [
      event('payment.authorized', card(1, 1_000n), merchantOf(1)),
      event(
        'payment.captured',
        { ...card(1, 1_000n), captureId: captureId(1, 1), final: true },
        merchantOf(1),
      ),
      event(
        'refund.succeeded',
        {
          refundId: refundId(1, 1),
          paymentId: paymentId(1),
          amountMinor: '400',
          currency: 'USD',
          paymentMethodType: 'card',
          processor: 'simulated-a',
        },
        merchantOf(1),
      ),
      settlement([captureId(1, 1)], [refundId(1, 1)], [], 1_000n, 400n, 10n),
      settlement([captureId(1, 1)], [], [], 1_000n, 0n, 10n),
    ];
    const outcomes = decideInBatches(batch, [batch.length]);
    expect(outcomes[3]).toContain('platform_bank:USD 590');
    expect(outcomes[3]).toContain('processor_receivable:simulated-a:USD -600');
    expect(outcomes[4]).toMatch(/^reject capture cap_1x00000001 was already settled by stl_/);

    const snapshot = new StateSnapshot(NOTHING_STORED);
    const refused = ruleFor(batch[4] as AnyEventEnvelope, snapshot);
    expect(refused?.decision).toMatchObject({ outcome: 'reject', reason: 'unknown_settlement_item' });
    expect(refused?.rejectionIds).toEqual({ settlementId: 'stl_netting000001' });
  });

  it('name the state rows each event reads, and none for an event that moves no money', () => {
    const captured = event(
      'payment.captured',
      { ...card(1, 600n), captureId: captureId(1, 1), final: true },
      merchantOf(1),
    );
    expect(stateKeysOf(captured)).toEqual({
      paymentIds: [paymentId(1)],
      captureIds: [captureId(1, 1)],
      refundIds: [],
      payoutIds: [],
      disputeIds: [],
      pricing: [{ merchantId: merchantOf(1), currency: 'USD' }],
    });
    const failed = event(
      'payment.failed',
      { paymentId: paymentId(1), failureCode: 'card_declined', failureMessage: 'declined' },
      merchantOf(1),
    );
    expect(stateKeysOf(failed)).toBeNull();
    const settled = settlement(['cap_1x00000001'], ['re_1x00000001'], ['dp_00000001'], 1_000n, 100n, 0n);
    expect(stateKeysOf(settled)).toMatchObject({
      captureIds: ['cap_1x00000001'],
      refundIds: ['re_1x00000001'],
      disputeIds: ['dp_00000001'],
    });
    expect(ruleFor(failed, new StateSnapshot(NOTHING_STORED))).toBeNull();
  });
});
