import { setTimeout as sleep } from 'node:timers/promises';

/** How often a request re-reads the read model while it waits for an outcome. */
const SETTLE_POLL_INTERVAL_MS = 50;

/**
 * Re-reads until `done` holds or `limitMs` runs out, then answers with the last read. It reads
 * the database, so whichever gateway instance applied the events, the answer is the same. With
 * `refusal`, each round first asks whether the payments service refused the command the request
 * sent; a refusal ends the wait at once, thrown as the error `refusal` returns.
 */
export async function readUntilSettled<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  limitMs: number,
  refusal?: () => Promise<Error | null>,
): Promise<T> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const refused = refusal === undefined ? null : await refusal();
    if (refused !== null) throw refused;
    const value = await read();
    const remainingMs = deadline - Date.now();
    if (done(value) || remainingMs <= 0) return value;
    await sleep(Math.min(SETTLE_POLL_INTERVAL_MS, remainingMs));
  }
}
