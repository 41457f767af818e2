import { createHash } from 'node:crypto';
import { feeOnAmount, fixedFeeMinorFromHundredths, sumMinor } from '@platform/money';

/** A capture the ledger booked and no settlement has paid yet. */
export interface UnsettledCapture {
  readonly captureId: string;
  readonly processor: string;
  /** The presentment currency: the processor owes the platform in what the customer paid. */
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly capturedAt: Date;
}

/** refund: a refund.succeeded; chargeback: a dispute.closed lost. */
export type DeductionKind = 'refund' | 'chargeback';

/**
 * A refund or lost chargeback the ledger booked against the processor receivable: the processor
 * deducts it from its next settlement of that processor, currency and day.
 */
export interface UnsettledDeduction {
  readonly kind: DeductionKind;
  /** The refund id, or the dispute id of a chargeback. */
  readonly id: string;
  readonly processor: string;
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly occurredAt: Date;
}

/**
 * What a processor keeps when it settles: basisPoints of each capture, rounded half away from
 * zero, plus a fixed part per capture given in hundredths of the major unit and scaled to the
 * currency's exponent (20 = 0.20 USD, 0.200 KWD, 0 JPY), never more than the capture itself.
 */
export interface ProcessorFee {
  readonly basisPoints: bigint;
  readonly fixedHundredths: bigint;
}

export const NO_FEE: ProcessorFee = { basisPoints: 0n, fixedHundredths: 0n };

/** One settlement.reported to publish. */
export interface PlannedSettlement {
  readonly settlementId: string;
  readonly processor: string;
  readonly currency: string;
  /** YYYY-MM-DD: the UTC day the captures, refunds and chargebacks were made. */
  readonly settlementDate: string;
  /** The captures' sum. */
  readonly grossAmountMinor: bigint;
  readonly refundedAmountMinor: bigint;
  readonly chargebackAmountMinor: bigint;
  /** What the processor keeps: charged on the captures only. */
  readonly processorFeeAmountMinor: bigint;
  /** gross − refunded − chargebacks − fee; negative when the processor debits the platform's bank. */
  readonly netAmountMinor: bigint;
  readonly captureIds: readonly string[];
  readonly refundIds: readonly string[];
  /** The lost disputes whose chargebacks were deducted. */
  readonly disputeIds: readonly string[];
}

/**
 * Items (captures, refunds, chargebacks) per settlement. The contract allows 10 000 of each; the
 * ledger's entry has two postings per capture plus three, within its 2 000 postings per entry.
 */
export const CAPTURES_PER_SETTLEMENT_MAX = 900;

export function fixedFeeMinor(fee: ProcessorFee, currency: string): bigint {
  return fixedFeeMinorFromHundredths(fee.fixedHundredths, currency);
}

/** The processor's fee on one capture. */
export function processorFeeFor(amountMinor: bigint, currency: string, fee: ProcessorFee): bigint {
  return feeOnAmount(amountMinor, fee.basisPoints, fixedFeeMinor(fee, currency));
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Derived from what it settles, so planning the same items again (a retry after a crash) makes
 * the same id, and an item booked late for a day already settled gets a settlement of its own.
 */
export function settlementIdFor(
  processor: string,
  currency: string,
  settlementDate: string,
  itemIds: readonly string[],
): string {
  const digest = createHash('sha256')
    .update([processor, currency, settlementDate, ...[...itemIds].sort()].join('\n'))
    .digest('hex')
    .slice(0, 24);
  return `stl_${settlementDate.replace(/-/g, '')}_${processor}_${currency}_${digest}`;
}

/** One thing a settlement lists: a capture the processor pays, or a deduction it makes. */
interface SettlementItem {
  readonly kind: 'capture' | DeductionKind;
  readonly id: string;
  readonly processor: string;
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly at: Date;
}

function sumOf(items: readonly SettlementItem[], kind: SettlementItem['kind']): bigint {
  return sumMinor(items.filter((i) => i.kind === kind).map((i) => i.amountMinor));
}

/**
 * Groups captures, refunds and chargebacks by processor, currency and UTC day (at most
 * itemsPerSettlementMax each, in time order), prices each group's captures with its processor's
 * fee and deducts its refunds and chargebacks: what the processor pays is the net, which is
 * negative on a day with more deducted than captured.
 */
export function planSettlements(
  captures: readonly UnsettledCapture[],
  deductions: readonly UnsettledDeduction[],
  feeOf: (processor: string) => ProcessorFee,
  itemsPerSettlementMax: number = CAPTURES_PER_SETTLEMENT_MAX,
): PlannedSettlement[] {
  const items: SettlementItem[] = [
    ...captures.map((c) => ({ ...c, kind: 'capture' as const, id: c.captureId, at: c.capturedAt })),
    ...deductions.map((d) => ({ ...d, at: d.occurredAt })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime() || (a.id < b.id ? -1 : 1));
  const groups = new Map<string, SettlementItem[]>();
  for (const item of items) {
    const key = [item.processor, item.currency, utcDay(item.at)].join('\u0000');
    const group = groups.get(key) ?? [];
    group.push(item);
    groups.set(key, group);
  }
  const planned: PlannedSettlement[] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.length; start += itemsPerSettlementMax) {
      const batch = group.slice(start, start + itemsPerSettlementMax);
      const first = batch[0];
      if (first === undefined) continue;
      const { processor, currency } = first;
      const settlementDate = utcDay(first.at);
      const fee = feeOf(processor);
      const grossAmountMinor = sumOf(batch, 'capture');
      const refundedAmountMinor = sumOf(batch, 'refund');
      const chargebackAmountMinor = sumOf(batch, 'chargeback');
      const processorFeeAmountMinor = sumMinor(
        batch.filter((i) => i.kind === 'capture').map((c) => processorFeeFor(c.amountMinor, currency, fee)),
      );
      const idsOf = (kind: SettlementItem['kind']) => batch.filter((i) => i.kind === kind).map((i) => i.id);
      planned.push({
        settlementId: settlementIdFor(
          processor,
          currency,
          settlementDate,
          batch.map((i) => i.id),
        ),
        processor,
        currency,
        settlementDate,
        grossAmountMinor,
        refundedAmountMinor,
        chargebackAmountMinor,
        processorFeeAmountMinor,
        netAmountMinor:
          grossAmountMinor - refundedAmountMinor - chargebackAmountMinor - processorFeeAmountMinor,
        captureIds: idsOf('capture'),
        refundIds: idsOf('refund'),
        disputeIds: idsOf('chargeback'),
      });
    }
  }
  return planned;
}
