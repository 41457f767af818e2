/** Progress of a rebuild from samples of events done; pure so that its arithmetic is tested alone. */
export interface ProgressSample {
  readonly atMs: number;
  readonly eventsDone: bigint;
}

export interface RebuildProgress {
  readonly eventsDone: string;
  readonly eventsTotal: string;
  /** Events per second over the sampling window, or null before two samples. */
  readonly ratePerSecond: number | null;
  /** Seconds left at that rate, or null when the rate is unknown or zero. */
  readonly secondsLeft: number | null;
  readonly percent: number;
}

/** The window the rate is measured over: recent enough to follow a change of pace. */
export const RATE_WINDOW_MS = 10_000;

export function progressOf(samples: readonly ProgressSample[], eventsTotal: bigint): RebuildProgress {
  const last = samples.at(-1);
  const eventsDone = last?.eventsDone ?? 0n;
  const first = last === undefined ? undefined : samples.find((s) => s.atMs >= last.atMs - RATE_WINDOW_MS);
  let ratePerSecond: number | null = null;
  if (first !== undefined && last !== undefined && last.atMs > first.atMs) {
    ratePerSecond = (Number(last.eventsDone - first.eventsDone) * 1000) / (last.atMs - first.atMs);
  }
  const remaining = eventsTotal > eventsDone ? eventsTotal - eventsDone : 0n;
  const secondsLeft =
    remaining === 0n
      ? 0
      : ratePerSecond === null || ratePerSecond <= 0
        ? null
        : Number(remaining) / ratePerSecond;
  const percent =
    eventsTotal === 0n ? 100 : Math.min(100, Number((eventsDone * 10_000n) / eventsTotal) / 100);
  return {
    eventsDone: eventsDone.toString(),
    eventsTotal: eventsTotal.toString(),
    ratePerSecond: ratePerSecond === null ? null : Math.round(ratePerSecond * 10) / 10,
    secondsLeft: secondsLeft === null ? null : Math.ceil(secondsLeft),
    percent,
  };
}

/** Keeps the samples of the window (and one before it), so memory stays bounded. */
export function keepWindow(samples: ProgressSample[], nowMs: number): ProgressSample[] {
  const inside = samples.findIndex((s) => s.atMs >= nowMs - RATE_WINDOW_MS);
  return inside <= 0 ? samples : samples.slice(inside - 1);
}

export interface CheckpointFigures {
  readonly contiguousSequence: bigint;
  readonly lastSequence: bigint;
  readonly eventsApplied: bigint;
  readonly aheadCount: bigint;
}

/**
 * Whether the new generation has caught up with the live one: it has every sequence up to the
 * live one's last, or (when an entry was dead-lettered and left a gap in both) as many entries,
 * as far, with the same gap.
 */
export function caughtUp(building: CheckpointFigures, live: CheckpointFigures): boolean {
  if (building.aheadCount === 0n && building.contiguousSequence >= live.lastSequence) return true;
  return (
    building.eventsApplied >= live.eventsApplied &&
    building.lastSequence >= live.lastSequence &&
    building.contiguousSequence >= live.contiguousSequence
  );
}
