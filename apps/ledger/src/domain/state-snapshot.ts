import type {
  CaptureRecord,
  DisputeRecord,
  PaymentPosition,
  PayoutRecord,
  RefundRecord,
} from './ledger-state';
import type { Pricing } from './pricing';

/** The state rows some events read, by key. */
export interface StateKeys {
  readonly paymentIds: readonly string[];
  readonly captureIds: readonly string[];
  readonly refundIds: readonly string[];
  readonly payoutIds: readonly string[];
  readonly disputeIds: readonly string[];
  readonly pricing: readonly { readonly merchantId: string; readonly currency: string }[];
}

/** The keys of several events together, each once. */
export function mergeStateKeys(keys: readonly StateKeys[]): StateKeys {
  const unique = (pick: (k: StateKeys) => readonly string[]) => [...new Set(keys.flatMap(pick))];
  const pricing = new Map(
    keys.flatMap((k) => k.pricing).map((p) => [pricingKey(p.merchantId, p.currency), p]),
  );
  return {
    paymentIds: unique((k) => k.paymentIds),
    captureIds: unique((k) => k.captureIds),
    refundIds: unique((k) => k.refundIds),
    payoutIds: unique((k) => k.payoutIds),
    disputeIds: unique((k) => k.disputeIds),
    pricing: [...pricing.values()],
  };
}

/** The state rows a batch of events reads, as loaded (and locked) from the store. */
export interface StoredState {
  readonly positions: readonly PaymentPosition[];
  readonly captures: readonly CaptureRecord[];
  readonly refunds: readonly RefundRecord[];
  readonly payouts: readonly PayoutRecord[];
  readonly disputes: readonly DisputeRecord[];
  /** Merchant pricing rows; a pair absent here takes the default. */
  readonly pricing: readonly MerchantPricing[];
}

export interface MerchantPricing {
  readonly merchantId: string;
  readonly currency: string;
  readonly pricing: Pricing;
}

/** What an event's entry changes besides the journal: records after the entry, by their key. */
export interface StateChange {
  readonly positions?: readonly PaymentPosition[];
  readonly captures?: readonly CaptureRecord[];
  readonly refunds?: readonly RefundRecord[];
  readonly payouts?: readonly PayoutRecord[];
  readonly disputes?: readonly DisputeRecord[];
}

/** The rows to write once a batch is decided: each changed record once, in its final state. */
export interface StateWrites {
  readonly positions: readonly PaymentPosition[];
  /** Captures first posted in this batch (possibly already settled in it too). */
  readonly newCaptures: readonly CaptureRecord[];
  /** Captures stored before this batch that it settled. */
  readonly settledCaptures: readonly CaptureRecord[];
  /** Refunds first posted in this batch (possibly already settled in it too). */
  readonly newRefunds: readonly RefundRecord[];
  /** Refunds stored before this batch that it settled. */
  readonly settledRefunds: readonly RefundRecord[];
  readonly payouts: readonly PayoutRecord[];
  readonly disputes: readonly DisputeRecord[];
}

function pricingKey(merchantId: string, currency: string): string {
  return JSON.stringify([merchantId, currency]);
}

/**
 * The ledger state a batch of events is decided against: starts as stored, then takes each
 * posted event's change, so that an event sees what the events before it in the batch did (an
 * authorization and its capture in one batch). Pure data; the repository loads and writes it.
 */
export class StateSnapshot {
  private readonly positions: Map<string, PaymentPosition>;
  private readonly captures: Map<string, CaptureRecord>;
  private readonly refunds: Map<string, RefundRecord>;
  private readonly payouts: Map<string, PayoutRecord>;
  private readonly disputes: Map<string, DisputeRecord>;
  private readonly pricing: ReadonlyMap<string, Pricing>;
  private readonly storedCaptureIds: ReadonlySet<string>;
  private readonly storedRefundIds: ReadonlySet<string>;
  private readonly changed = {
    positions: new Set<string>(),
    captures: new Set<string>(),
    refunds: new Set<string>(),
    payouts: new Set<string>(),
    disputes: new Set<string>(),
  };

  constructor(stored: StoredState) {
    this.positions = new Map(stored.positions.map((p) => [p.paymentId, p]));
    this.captures = new Map(stored.captures.map((c) => [c.captureId, c]));
    this.refunds = new Map(stored.refunds.map((r) => [r.refundId, r]));
    this.payouts = new Map(stored.payouts.map((p) => [p.payoutId, p]));
    this.disputes = new Map(stored.disputes.map((d) => [d.disputeId, d]));
    this.pricing = new Map(stored.pricing.map((p) => [pricingKey(p.merchantId, p.currency), p.pricing]));
    this.storedCaptureIds = new Set(this.captures.keys());
    this.storedRefundIds = new Set(this.refunds.keys());
  }

  position(paymentId: string): PaymentPosition | null {
    return this.positions.get(paymentId) ?? null;
  }

  capture(captureId: string): CaptureRecord | null {
    return this.captures.get(captureId) ?? null;
  }

  /** The known captures among these ids; unknown ids are simply absent. */
  capturesOf(captureIds: readonly string[]): Map<string, CaptureRecord> {
    return known(this.captures, captureIds);
  }

  refund(refundId: string): RefundRecord | null {
    return this.refunds.get(refundId) ?? null;
  }

  /** The known refunds among these ids; unknown ids are simply absent. */
  refundsOf(refundIds: readonly string[]): Map<string, RefundRecord> {
    return known(this.refunds, refundIds);
  }

  /** The known disputes among these ids; unknown ids are simply absent. */
  disputesOf(disputeIds: readonly string[]): Map<string, DisputeRecord> {
    return known(this.disputes, disputeIds);
  }

  payout(payoutId: string): PayoutRecord | null {
    return this.payouts.get(payoutId) ?? null;
  }

  dispute(disputeId: string): DisputeRecord | null {
    return this.disputes.get(disputeId) ?? null;
  }

  /** The merchant's own pricing, or null when the default applies. */
  pricingFor(merchantId: string, currency: string): Pricing | null {
    return this.pricing.get(pricingKey(merchantId, currency)) ?? null;
  }

  apply(change: StateChange): void {
    for (const p of change.positions ?? []) this.put(this.positions, this.changed.positions, p.paymentId, p);
    for (const c of change.captures ?? []) this.put(this.captures, this.changed.captures, c.captureId, c);
    for (const r of change.refunds ?? []) this.put(this.refunds, this.changed.refunds, r.refundId, r);
    for (const p of change.payouts ?? []) this.put(this.payouts, this.changed.payouts, p.payoutId, p);
    for (const d of change.disputes ?? []) this.put(this.disputes, this.changed.disputes, d.disputeId, d);
  }

  writes(): StateWrites {
    const pick = <T>(rows: ReadonlyMap<string, T>, keys: Iterable<string>): T[] =>
      [...keys].map((key) => rows.get(key) as T);
    const captureIds = [...this.changed.captures];
    const refundIds = [...this.changed.refunds];
    return {
      positions: pick(this.positions, this.changed.positions),
      newCaptures: pick(
        this.captures,
        captureIds.filter((id) => !this.storedCaptureIds.has(id)),
      ),
      settledCaptures: pick(
        this.captures,
        captureIds.filter((id) => this.storedCaptureIds.has(id)),
      ),
      newRefunds: pick(
        this.refunds,
        refundIds.filter((id) => !this.storedRefundIds.has(id)),
      ),
      settledRefunds: pick(
        this.refunds,
        refundIds.filter((id) => this.storedRefundIds.has(id)),
      ),
      payouts: pick(this.payouts, this.changed.payouts),
      disputes: pick(this.disputes, this.changed.disputes),
    };
  }

  private put<T>(rows: Map<string, T>, changed: Set<string>, key: string, row: T): void {
    rows.set(key, row);
    changed.add(key);
  }
}

function known<T>(rows: ReadonlyMap<string, T>, ids: readonly string[]): Map<string, T> {
  const found = new Map<string, T>();
  for (const id of ids) {
    const row = rows.get(id);
    if (row !== undefined) found.set(id, row);
  }
  return found;
}
