import type { EventData } from '@platform/contracts';

export type LedgerEntryPosted = EventData<'ledger.entry_posted'>;

/** One row of the daily volume projection: a merchant's captures of one UTC day, currency and method. */
export interface VolumeRow {
  readonly merchantId: string;
  /** YYYY-MM-DD, the UTC day of the entry's context.occurredAt. */
  readonly day: string;
  /** Upper-case ISO 4217, as in events. */
  readonly currency: string;
  readonly paymentMethod: string;
  readonly grossMinor: bigint;
  readonly feeMinor: bigint;
  readonly netMinor: bigint;
  readonly captureCount: bigint;
}

export type VolumeKey = Pick<VolumeRow, 'merchantId' | 'day' | 'currency' | 'paymentMethod'>;

export class ProjectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProjectionError';
  }
}

/** The UTC calendar day of an ISO 8601 timestamp, whatever its offset. */
export function utcDay(isoTimestamp: string): string {
  const time = Date.parse(isoTimestamp);
  if (Number.isNaN(time)) throw new ProjectionError(`not a timestamp: ${JSON.stringify(isoTimestamp)}`);
  return new Date(time).toISOString().slice(0, 10);
}

/** The row an entry belongs to. */
export function volumeKeyOf(entry: LedgerEntryPosted): VolumeKey {
  const { merchantId, paymentMethodType } = entry.context;
  if (merchantId === undefined || paymentMethodType === undefined) {
    throw new ProjectionError(`entry ${entry.entryId} (${entry.kind}) names no merchant or payment method`);
  }
  return {
    merchantId,
    day: utcDay(entry.context.occurredAt),
    currency: entry.context.currency,
    paymentMethod: paymentMethodType,
  };
}

/** The entry kinds the volume projection counts; the others leave it unchanged. */
export function countsTowardVolume(entry: LedgerEntryPosted): boolean {
  return entry.kind === 'capture';
}

function sameKey(a: VolumeKey, b: VolumeKey): boolean {
  return (
    a.merchantId === b.merchantId &&
    a.day === b.day &&
    a.currency === b.currency &&
    a.paymentMethod === b.paymentMethod
  );
}

/**
 * Folds one ledger entry into its volume row (undefined: the row does not exist yet). A capture adds
 * its gross, its fee, its net (gross − fee) and one to the count. Pure: the caller makes sure an
 * event is applied once (the processed-event record) and serialises writers of a row (a row lock).
 */
export function applyEntryToVolume(row: VolumeRow | undefined, entry: LedgerEntryPosted): VolumeRow {
  const key = volumeKeyOf(entry);
  if (row !== undefined && !sameKey(row, key)) {
    throw new ProjectionError(`entry ${entry.entryId} belongs to another volume row`);
  }
  const current = row ?? { ...key, grossMinor: 0n, feeMinor: 0n, netMinor: 0n, captureCount: 0n };
  switch (entry.kind) {
    case 'capture': {
      const grossMinor = BigInt(entry.context.grossAmountMinor);
      const feeMinor = BigInt(entry.context.feeAmountMinor);
      if (feeMinor > grossMinor) {
        throw new ProjectionError(
          `entry ${entry.entryId} has a fee ${feeMinor} above its gross ${grossMinor}`,
        );
      }
      return {
        ...current,
        grossMinor: current.grossMinor + grossMinor,
        feeMinor: current.feeMinor + feeMinor,
        netMinor: current.netMinor + (grossMinor - feeMinor),
        captureCount: current.captureCount + 1n,
      };
    }
    default:
      return current;
  }
}
