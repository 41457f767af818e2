import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Between two reads a waiting request waits for a change of what it reads (see ReadModelSignals);
 * this is the longest it waits without one, so a lost notification costs this much, not an answer.
 */
export const SETTLE_FALLBACK_POLL_MS = 500;

/** Waits until what is read may have changed, or timeoutMs: a notification, or a plain pause. */
export type ChangeSignal = (timeoutMs: number) => Promise<void>;

const pause: ChangeSignal = (timeoutMs) => sleep(timeoutMs).then(() => undefined);

/**
 * Re-reads until `done` holds or `limitMs` runs out, then answers with the last read. It reads
 * the database, so whichever gateway instance applied the events, the answer is the same.
 */
export async function readUntilSettled<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  limitMs: number,
  changed: ChangeSignal = pause,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const value = await read();
    const remainingMs = deadline - Date.now();
    if (done(value) || remainingMs <= 0) return value;
    await changed(Math.min(SETTLE_FALLBACK_POLL_MS, remainingMs));
  }
}

/** What a waiting request knows of the command it sent. */
export type CommandProgress =
  | { readonly state: 'pending' }
  | { readonly state: 'applied' }
  | { readonly state: 'rejected'; readonly error: Error };

/**
 * Waits for the outcome of the request's own command, not for the resource to look changed (a
 * concurrent command's effect looks the same): a refusal is thrown at once; once applied, the
 * resource is read, after the outcome was recorded, so it shows the command's effect. `settled`
 * is for commands whose effect takes several events (resolve_action: authorized, then captured;
 * a payout: requested, then paid or failed): applied, the wait goes on until it holds. When
 * `limitMs` runs out first, the answer is the resource as it is (processing, pending).
 */
export async function readUntilCommandSettled<T>(
  read: () => Promise<T>,
  progress: () => Promise<CommandProgress>,
  limitMs: number,
  settled: (value: T) => boolean = () => true,
  changed: ChangeSignal = pause,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const known = await progress();
    if (known.state === 'rejected') throw known.error;
    const value = await read();
    const remainingMs = deadline - Date.now();
    if ((known.state === 'applied' && settled(value)) || remainingMs <= 0) return value;
    await changed(Math.min(SETTLE_FALLBACK_POLL_MS, remainingMs));
  }
}
