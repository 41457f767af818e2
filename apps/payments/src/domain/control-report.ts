import { CONTROL_REPORT_ITEMS_MAX, type EventData } from '@platform/contracts';

/** A money movement payments recorded, as its outbox has it. */
export type RecordedMovement =
  | {
      readonly kind: 'capture';
      readonly merchantId: string;
      readonly currency: string;
      readonly captureId: string;
      readonly paymentId: string;
      readonly amountMinor: string;
    }
  | {
      readonly kind: 'refund';
      readonly merchantId: string;
      readonly currency: string;
      readonly refundId: string;
      readonly paymentId: string;
      readonly amountMinor: string;
    }
  | {
      readonly kind: 'payout';
      readonly merchantId: string;
      readonly currency: string;
      readonly payoutId: string;
      readonly amountMinor: string;
    };

export type ControlReport = EventData<'control_totals.reported'>;

/**
 * The reports of one window: one per merchant and currency that moved money, each cut into parts
 * whose lists hold at most `itemsMax` items (ordered by id, so a report is the same however
 * the movements were read).
 */
export function controlReportsOf(
  movements: readonly RecordedMovement[],
  window: { readonly start: Date; readonly end: Date },
  itemsMax = CONTROL_REPORT_ITEMS_MAX,
): ControlReport[] {
  const groups = new Map<string, RecordedMovement[]>();
  for (const movement of movements) {
    const key = `${movement.merchantId} ${movement.currency}`;
    const group = groups.get(key) ?? [];
    group.push(movement);
    groups.set(key, group);
  }
  const reports: ControlReport[] = [];
  for (const key of [...groups.keys()].sort()) {
    const group = groups.get(key) ?? [];
    const [first] = group;
    if (first === undefined) continue;
    const captures = group
      .flatMap((m) =>
        m.kind === 'capture'
          ? [{ captureId: m.captureId, paymentId: m.paymentId, amountMinor: m.amountMinor }]
          : [],
      )
      .sort((a, b) => a.captureId.localeCompare(b.captureId));
    const refunds = group
      .flatMap((m) =>
        m.kind === 'refund'
          ? [{ refundId: m.refundId, paymentId: m.paymentId, amountMinor: m.amountMinor }]
          : [],
      )
      .sort((a, b) => a.refundId.localeCompare(b.refundId));
    const payouts = group
      .flatMap((m) => (m.kind === 'payout' ? [{ payoutId: m.payoutId, amountMinor: m.amountMinor }] : []))
      .sort((a, b) => a.payoutId.localeCompare(b.payoutId));
    const parts = Math.max(
      1,
      Math.ceil(Math.max(captures.length, refunds.length, payouts.length) / itemsMax),
    );
    for (let part = 1; part <= parts; part += 1) {
      const slice = <T>(items: readonly T[]) => items.slice((part - 1) * itemsMax, part * itemsMax);
      reports.push({
        merchantId: first.merchantId,
        currency: first.currency,
        windowStart: window.start.toISOString(),
        windowEnd: window.end.toISOString(),
        part,
        parts,
        captures: slice(captures),
        refunds: slice(refunds),
        payouts: slice(payouts),
      });
    }
  }
  return reports;
}

/** The windows to report now: after `lastEnd` (or from `firstStart`), each ended `graceMs` ago. */
export function dueWindows(
  lastEnd: Date | null,
  firstStart: Date,
  now: Date,
  windowMs: number,
  graceMs: number,
  countMax: number,
): { start: Date; end: Date }[] {
  const windows: { start: Date; end: Date }[] = [];
  let start = lastEnd ?? firstStart;
  while (windows.length < countMax && start.getTime() + windowMs <= now.getTime() - graceMs) {
    const end = new Date(start.getTime() + windowMs);
    windows.push({ start, end });
    start = end;
  }
  return windows;
}
