import fc from 'fast-check';
import { sumByCurrency, type JournalEntryDraft } from './journal-entry';
import type {
  CaptureRecord,
  DisputeRecord,
  PaymentPosition,
  PayoutRecord,
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
  postSettlement,
  type Decision,
  type SettledItems,
  type SettlementItems,
} from './posting-rules';
import { defaultPricing } from './pricing';

/**
 * The rules folded over random streams of payment events, with duplicates and retries, by an
 * in-memory ledger that does what the consumer does: skip an event id seen before, consult and
 * store state, check balance guards, append balanced entries and keep cached balances.
 */

type StreamEvent =
  | { id: string; type: 'authorized'; payment: number; amount: bigint }
  | { id: string; type: 'captured'; payment: number; capture: number; amount: bigint; final: boolean }
  | { id: string; type: 'canceled'; payment: number }
  | { id: string; type: 'refunded'; payment: number; refund: number; amount: bigint }
  | {
      id: string;
      type: 'settled';
      settlement: number;
      captures: string[];
      refunds: string[];
      disputes: string[];
      /** Added to the reported gross: a settlement that does not add up must never post. */
      skew: bigint;
    }
  | { id: string; type: 'payout_requested'; merchant: number; payout: number; amount: bigint }
  | { id: string; type: 'payout_done'; merchant: number; payout: number; amount: bigint; paid: boolean }
  | { id: string; type: 'dispute_opened'; payment: number; amount: bigint }
  | { id: string; type: 'dispute_closed'; payment: number; amount: bigint; won: boolean };

const occurredAt = new Date('2025-11-20T10:00:00.000Z');
const PAYMENTS = 6;
const MERCHANTS = 2;
const paymentId = (n: number) => `pay_${String(n).padStart(12, '0')}`;
const merchantOf = (payment: number) => `mer_${String(payment % MERCHANTS).padStart(8, '0')}`;
const currencyOf = (payment: number) => (payment % 3 === 0 ? 'JPY' : 'USD');
const captureId = (payment: number, n: number) => `cap_${payment}x${String(n).padStart(8, '0')}`;
const refundId = (payment: number, n: number) => `re_${payment}x${String(n).padStart(8, '0')}`;
const disputeId = (payment: number) => `dp_${String(payment).padStart(8, '0')}`;
const CURRENCIES = ['USD', 'JPY'];
const PROCESSOR_FEE_BASIS_POINTS = 100n;

class InMemoryBooks {
  readonly processed = new Set<string>();
  readonly entries: { sourceEventId: string; entry: JournalEntryDraft }[] = [];
  readonly balances = new Map<string, { currency: string; balance: bigint }>();
  readonly positions = new Map<string, PaymentPosition>();
  readonly captures = new Map<string, CaptureRecord>();
  readonly refunds = new Map<string, RefundRecord>();
  readonly payouts = new Map<string, PayoutRecord>();
  readonly disputes = new Map<string, DisputeRecord>();
  rejections = 0;
  /** Settlements whose totals did not add up yet were posted: must stay zero. */
  skewedPosted = 0;
  settlements = 0;

  apply(event: StreamEvent): void {
    if (this.processed.has(event.id)) return;
    this.processed.add(event.id);
    switch (event.type) {
      case 'authorized': {
        const id = paymentId(event.payment);
        return this.post(
          event.id,
          postAuthorization(this.positions.get(id) ?? null, {
            merchantId: merchantOf(event.payment),
            paymentId: id,
            processor: 'sim',
            paymentMethodType: 'card',
            currency: currencyOf(event.payment),
            amountMinor: event.amount,
            occurredAt,
          }),
          (s) => this.positions.set(id, s),
        );
      }
      case 'captured': {
        const id = paymentId(event.payment);
        const cap = captureId(event.payment, event.capture);
        const currency = currencyOf(event.payment);
        return this.post(
          event.id,
          postCapture(this.positions.get(id) ?? null, this.captures.get(cap) ?? null, {
            merchantId: merchantOf(event.payment),
            paymentId: id,
            captureId: cap,
            final: event.final,
            processor: 'sim',
            paymentMethodType: 'card',
            currency,
            grossAmountMinor: event.amount,
            fx: null,
            pricing: defaultPricing(currency),
            occurredAt,
          }),
          (s) => {
            this.positions.set(id, s.position);
            this.captures.set(cap, s.capture);
          },
        );
      }
      case 'canceled': {
        const id = paymentId(event.payment);
        return this.post(
          event.id,
          postCancel(this.positions.get(id) ?? null, {
            paymentId: id,
            reason: 'expired',
            releasedAmountMinor: 0n,
            occurredAt,
          }),
          (s) => this.positions.set(id, s),
        );
      }
      case 'refunded': {
        const id = paymentId(event.payment);
        const refund = refundId(event.payment, event.refund);
        return this.post(
          event.id,
          postRefund(this.positions.get(id) ?? null, this.refunds.get(refund) ?? null, {
            refundId: refund,
            paymentId: id,
            currency: currencyOf(event.payment),
            amountMinor: event.amount,
            occurredAt,
          }),
          (s) => {
            this.positions.set(id, s.position);
            this.refunds.set(refund, s.refund);
          },
        );
      }
      case 'settled': {
        const decision = this.settle(
          `stl_${String(event.settlement).padStart(8, '0')}`,
          'USD',
          { captureIds: event.captures, refundIds: event.refunds, disputeIds: event.disputes },
          event.skew,
        );
        if (event.skew !== 0n && decision.outcome === 'post') this.skewedPosted += 1;
        return this.post(event.id, decision, (settled) => this.saveSettled(settled));
      }
      case 'payout_requested':
      case 'payout_done': {
        const id = `po_${event.merchant}x${String(event.payout).padStart(8, '0')}`;
        const facts = {
          payoutId: id,
          merchantId: `mer_${String(event.merchant).padStart(8, '0')}`,
          currency: 'USD',
          amountMinor: event.amount,
          occurredAt,
        };
        const existing = this.payouts.get(id) ?? null;
        const decision =
          event.type === 'payout_requested'
            ? postPayoutRequested(existing, facts)
            : postPayoutOutcome(existing, { ...facts, outcome: event.paid ? 'paid' : 'failed' });
        return this.post(event.id, decision, (s) => this.payouts.set(id, s));
      }
      case 'dispute_opened':
      case 'dispute_closed': {
        const id = paymentId(event.payment);
        const dispute = disputeId(event.payment);
        const facts = {
          disputeId: dispute,
          paymentId: id,
          currency: currencyOf(event.payment),
          amountMinor: event.amount,
          occurredAt,
        };
        const position = this.positions.get(id) ?? null;
        const existing = this.disputes.get(dispute) ?? null;
        const decision =
          event.type === 'dispute_opened'
            ? postDisputeOpened(position, existing, facts)
            : postDisputeClosed(position, existing, { ...facts, outcome: event.won ? 'won' : 'lost' });
        return this.post(event.id, decision, (s) => this.disputes.set(dispute, s));
      }
    }
  }

  /**
   * A settlement of the listed items as a processor would report it: its totals summed from what
   * the ledger booked for the known items of the currency (an unknown or foreign item makes the
   * ledger reject it), the processor keeping 1 % of the gross.
   */
  settle(
    settlementId: string,
    currency: string,
    ids: { captureIds: string[]; refundIds: string[]; disputeIds: string[] },
    skew = 0n,
  ): Decision<SettledItems> {
    const items: SettlementItems = {
      captures: new Map([...this.captures].filter(([id]) => ids.captureIds.includes(id))),
      refunds: new Map([...this.refunds].filter(([id]) => ids.refundIds.includes(id))),
      disputes: new Map([...this.disputes].filter(([id]) => ids.disputeIds.includes(id))),
    };
    const sum = <T extends { currency: string }>(
      rows: ReadonlyMap<string, T>,
      amountOf: (row: T) => bigint,
    ) =>
      [...rows.values()].filter((r) => r.currency === currency).reduce((total, r) => total + amountOf(r), 0n);
    const gross = sum(items.captures, (c) => c.grossMinor) + skew;
    const refunded = sum(items.refunds, (r) => r.amountMinor);
    const chargebacks = sum(items.disputes, (d) => d.amountMinor);
    const fee = (gross * PROCESSOR_FEE_BASIS_POINTS) / 10_000n;
    return postSettlement(items, {
      settlementId,
      processor: 'sim',
      currency,
      settlementDate: '2025-11-21',
      grossAmountMinor: gross,
      refundedAmountMinor: refunded,
      chargebackAmountMinor: chargebacks,
      processorFeeAmountMinor: fee,
      netAmountMinor: gross - refunded - chargebacks - fee,
      ...ids,
      occurredAt,
    });
  }

  /** Every day has an end: the processor settles all that is left, per currency. */
  settleEverything(): void {
    for (const currency of CURRENCIES) {
      const unsettled = <T extends { currency: string; settlementId: string | null }>(
        rows: ReadonlyMap<string, T>,
        include: (row: T) => boolean = () => true,
      ) =>
        [...rows]
          .filter(([, r]) => r.currency === currency && r.settlementId === null && include(r))
          .map(([id]) => id);
      const ids = {
        captureIds: unsettled(this.captures),
        refundIds: unsettled(this.refunds),
        disputeIds: unsettled(this.disputes, (d) => d.status === 'lost'),
      };
      if (ids.captureIds.length + ids.refundIds.length + ids.disputeIds.length === 0) continue;
      const decision = this.settle(`stl_final${currency}0000`, currency, ids);
      if (decision.outcome !== 'post')
        throw new Error(`the final settlement was refused: ${decision.message}`);
      this.post(`final-${currency}`, decision, (settled) => this.saveSettled(settled));
    }
  }

  private saveSettled(settled: SettledItems): void {
    this.settlements += 1;
    settled.captures.forEach((c) => this.captures.set(c.captureId, c));
    settled.refunds.forEach((r) => this.refunds.set(r.refundId, r));
    settled.disputes.forEach((d) => this.disputes.set(d.disputeId, d));
  }

  private post<S>(sourceEventId: string, decision: Decision<S>, save: (state: S) => void): void {
    if (decision.outcome !== 'post') {
      if (decision.outcome === 'reject') this.rejections += 1;
      return;
    }
    for (const guard of decision.guards) {
      const posting = decision.entry.postings.find((p) => p.account.code === guard.accountCode);
      const balance = this.balances.get(guard.accountCode)?.balance ?? 0n;
      if (posting !== undefined && balance + posting.amountMinor > 0n) {
        this.rejections += 1;
        return;
      }
    }
    this.entries.push({ sourceEventId, entry: decision.entry });
    for (const p of decision.entry.postings) {
      const account = this.balances.get(p.account.code) ?? { currency: p.account.currency, balance: 0n };
      this.balances.set(p.account.code, {
        currency: account.currency,
        balance: account.balance + p.amountMinor,
      });
    }
    save(decision.state);
  }
}

const amount = fc.bigInt({ min: 1n, max: 50_000n });
const payment = fc.integer({ min: 0, max: PAYMENTS - 1 });
const small = fc.integer({ min: 0, max: 3 });

const eventArb: fc.Arbitrary<Omit<StreamEvent, 'id'>> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ type: fc.constant('authorized' as const), payment, amount }) },
  {
    weight: 4,
    arbitrary: fc.record({
      type: fc.constant('captured' as const),
      payment,
      capture: small,
      amount,
      final: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('canceled' as const), payment }) },
  {
    weight: 3,
    arbitrary: fc.record({ type: fc.constant('refunded' as const), payment, refund: small, amount }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('settled' as const),
      settlement: small,
      captures: fc.uniqueArray(
        fc.tuple(payment, small).map(([p, c]) => captureId(p, c)),
        { maxLength: 4 },
      ),
      refunds: fc.uniqueArray(
        fc.tuple(payment, small).map(([p, r]) => refundId(p, r)),
        { maxLength: 3 },
      ),
      disputes: fc.uniqueArray(payment.map(disputeId), { maxLength: 2 }),
      skew: fc.oneof({ weight: 4, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: fc.constant(1n) }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('payout_requested' as const),
      merchant: fc.integer({ min: 0, max: MERCHANTS - 1 }),
      payout: small,
      amount,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      type: fc.constant('payout_done' as const),
      merchant: fc.integer({ min: 0, max: MERCHANTS - 1 }),
      payout: small,
      amount,
      paid: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ type: fc.constant('dispute_opened' as const), payment, amount }) },
  {
    weight: 1,
    arbitrary: fc.record({
      type: fc.constant('dispute_closed' as const),
      payment,
      amount,
      won: fc.boolean(),
    }),
  },
);

/** A stream with ids, where some events are delivered again (a redelivery or a retry) later on. */
const streamArb = fc.array(eventArb, { minLength: 1, maxLength: 80 }).chain((events) => {
  const withIds = events.map((e, i) => ({ ...e, id: `event-${i}` }) as StreamEvent);
  return fc
    .array(fc.tuple(fc.nat(withIds.length - 1), fc.nat(withIds.length)), { maxLength: 30 })
    .map((repeats) => {
      const stream = [...withIds];
      for (const [source, at] of repeats) stream.splice(at, 0, withIds[source] as StreamEvent);
      return stream;
    });
});

describe('the posting rules over random event streams with duplicates and retries', () => {
  it('keep the books: balanced entries, zero trial balance, cached = folded, refunds ≤ captures, holds resolve once, receivables zero once all settles', () => {
    fc.assert(
      fc.property(streamArb, (stream) => {
        const books = new InMemoryBooks();
        for (const event of stream) books.apply(event);
        books.settleEverything();

        // Each source event posts at most once.
        const sources = books.entries.map((e) => e.sourceEventId);
        expect(new Set(sources).size).toBe(sources.length);

        // Every entry balances per currency.
        for (const { entry } of books.entries) {
          for (const sum of sumByCurrency(entry.postings).values()) expect(sum).toBe(0n);
        }

        // Cached balances equal the fold of the postings; the trial balance is zero per currency.
        const folded = new Map<string, bigint>();
        for (const { entry } of books.entries) {
          for (const p of entry.postings)
            folded.set(p.account.code, (folded.get(p.account.code) ?? 0n) + p.amountMinor);
        }
        const trial = new Map<string, bigint>();
        for (const [code, { currency, balance }] of books.balances) {
          expect(balance).toBe(folded.get(code) ?? 0n);
          trial.set(currency, (trial.get(currency) ?? 0n) + balance);
        }
        for (const total of trial.values()) expect(total).toBe(0n);

        for (let n = 0; n < PAYMENTS; n += 1) {
          const id = paymentId(n);
          const ofPayment = books.entries.filter(({ entry }) => entry.paymentId === id).map((e) => e.entry);
          const total = (kind: string) =>
            ofPayment
              .filter((e) => e.kind === kind)
              .flatMap((e) => e.postings)
              .filter((p) => p.account.code.startsWith('processor_receivable:'))
              .reduce((sum, p) => sum + p.amountMinor, 0n);
          // Refunds never exceed captures (refunds credit the receivable the captures debited).
          expect(-total('refund') <= total('capture')).toBe(true);
          // A hold is released at most once and never by more than was held.
          const held = ofPayment.filter((e) => e.kind === 'authorization_hold');
          expect(held.length).toBeLessThanOrEqual(1);
          const holdMovement = ofPayment
            .flatMap((e) => e.postings)
            .filter((p) => p.account.code.startsWith('merchant_hold:'))
            .reduce((sum, p) => sum + p.amountMinor, 0n);
          expect(holdMovement <= 0n).toBe(true);
          const position = books.positions.get(id);
          if (position !== undefined) {
            expect(-holdMovement).toBe(position.holdOpenMinor);
            expect(ofPayment.filter((e) => e.kind === 'hold_release').length).toBeLessThanOrEqual(1);
            if (position.holdStatus === 'resolved') expect(holdMovement).toBe(0n);
          }
        }
        // A capture settles once.
        const settled = books.entries
          .filter(({ entry }) => entry.kind === 'settlement')
          .flatMap(({ entry }) => entry.postings)
          .filter((p) => p.account.code.startsWith('merchant_pending:'));
        const pendingCredits = [...books.captures.values()].reduce((sum, c) => sum + c.netMinor, 0n);
        expect(settled.reduce((sum, p) => sum + p.amountMinor, 0n) <= pendingCredits).toBe(true);

        // A settlement that does not add up never posts.
        expect(books.skewedPosted).toBe(0);
        // Once everything has settled the processors owe nothing and are owed nothing: refunds and
        // lost chargebacks were netted out of the settlements, not left on the receivable.
        for (const [code, { balance }] of books.balances) {
          if (code.startsWith('processor_receivable:')) expect([code, balance]).toEqual([code, 0n]);
        }
        for (const record of [...books.captures.values(), ...books.refunds.values()]) {
          expect(record.settlementId).not.toBeNull();
        }
        for (const dispute of books.disputes.values()) {
          expect(dispute.settlementId !== null).toBe(dispute.status === 'lost');
        }
        // The bank got what was captured less refunds, chargebacks and fees, less the payouts paid.
        for (const currency of CURRENCIES) {
          const ofKind = (kind: string, prefix: string) =>
            books.entries
              .filter(({ entry }) => entry.kind === kind)
              .flatMap(({ entry }) => entry.postings)
              .filter(
                (p) =>
                  p.account.code === `${prefix}:${currency}` ||
                  p.account.code.startsWith(`${prefix}:sim:${currency}`),
              )
              .reduce((sum, p) => sum + p.amountMinor, 0n);
          const receivedMinor =
            ofKind('capture', 'processor_receivable') +
            ofKind('refund', 'processor_receivable') +
            ofKind('dispute_lost', 'processor_receivable') -
            ofKind('settlement', 'processor_fees');
          expect(ofKind('settlement', 'platform_bank')).toBe(receivedMinor);
        }
      }),
      { numRuns: 300 },
    );
  });
});
