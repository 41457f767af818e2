import { createHash } from 'node:crypto';
import { applyBasisPoints, currencyExponent, sumMinor } from '@platform/money';

/** A capture the ledger booked and no settlement has paid yet. */
export interface UnsettledCapture {
  readonly captureId: string;
  readonly processor: string;
  /** The presentment currency: the processor owes the platform in what the customer paid. */
  readonly currency: string;
  readonly amountMinor: bigint;
  readonly capturedAt: Date;
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
  /** YYYY-MM-DD: the UTC day the captures were made. */
  readonly settlementDate: string;
  readonly grossAmountMinor: bigint;
  readonly processorFeeAmountMinor: bigint;
  readonly netAmountMinor: bigint;
  readonly captureIds: readonly string[];
}

/** The contract allows 10 000 captures per settlement; a smaller batch keeps events small. */
export const CAPTURES_PER_SETTLEMENT_MAX = 1_000;

export function fixedFeeMinor(fee: ProcessorFee, currency: string): bigint {
  const exponent = currencyExponent(currency);
  return exponent >= 2
    ? fee.fixedHundredths * 10n ** BigInt(exponent - 2)
    : fee.fixedHundredths / 10n ** BigInt(2 - exponent);
}

/** The processor's fee on one capture. */
export function processorFeeFor(amountMinor: bigint, currency: string, fee: ProcessorFee): bigint {
  const total = applyBasisPoints(amountMinor, fee.basisPoints) + fixedFeeMinor(fee, currency);
  return total > amountMinor ? amountMinor : total;
}

export function utcDay(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/**
 * Derived from what it settles, so planning the same captures again (a retry after a crash) makes
 * the same id, and a capture booked late for a day already settled gets a settlement of its own.
 */
export function settlementIdFor(
  processor: string,
  currency: string,
  settlementDate: string,
  captureIds: readonly string[],
): string {
  const digest = createHash('sha256')
    .update([processor, currency, settlementDate, ...[...captureIds].sort()].join('\n'))
    .digest('hex')
    .slice(0, 24);
  return `stl_${settlementDate.replace(/-/g, '')}_${processor}_${currency}_${digest}`;
}

/**
 * Groups captures by processor, currency and UTC capture day (at most capturesPerSettlementMax
 * each, in capture order) and prices each group with its processor's fee.
 */
export function planSettlements(
  captures: readonly UnsettledCapture[],
  feeOf: (processor: string) => ProcessorFee,
  capturesPerSettlementMax: number = CAPTURES_PER_SETTLEMENT_MAX,
): PlannedSettlement[] {
  const groups = new Map<string, UnsettledCapture[]>();
  const ordered = [...captures].sort(
    (a, b) => a.capturedAt.getTime() - b.capturedAt.getTime() || (a.captureId < b.captureId ? -1 : 1),
  );
  for (const capture of ordered) {
    const key = [capture.processor, capture.currency, utcDay(capture.capturedAt)].join('\u0000');
    const group = groups.get(key) ?? [];
    group.push(capture);
    groups.set(key, group);
  }
  const planned: PlannedSettlement[] = [];
  for (const group of groups.values()) {
    for (let start = 0; start < group.length; start += capturesPerSettlementMax) {
      const batch = group.slice(start, start + capturesPerSettlementMax);
      const first = batch[0];
      if (first === undefined) continue;
      const { processor, currency } = first;
      const settlementDate = utcDay(first.capturedAt);
      const fee = feeOf(processor);
      const grossAmountMinor = sumMinor(batch.map((c) => c.amountMinor));
      const processorFeeAmountMinor = sumMinor(
        batch.map((c) => processorFeeFor(c.amountMinor, currency, fee)),
      );
      const captureIds = batch.map((c) => c.captureId);
      planned.push({
        settlementId: settlementIdFor(processor, currency, settlementDate, captureIds),
        processor,
        currency,
        settlementDate,
        grossAmountMinor,
        processorFeeAmountMinor,
        netAmountMinor: grossAmountMinor - processorFeeAmountMinor,
        captureIds,
      });
    }
  }
  return planned;
}
