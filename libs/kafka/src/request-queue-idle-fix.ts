/**
 * kafkajs 2.2.4 re-arms its pending-request check with a negative delay when nothing is pending
 * (tulios/kafkajs#1556, unfixed upstream): a 1 ms timer loop per broker connection that kept every
 * service busy at rest. This schedules the check only while a request waits, as the library meant.
 */

/** The fields of kafkajs's RequestQueue the check uses (src/network/requestQueue/index.js). */
export interface RequestQueueInternals {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: NodeJS.Timeout | null;
  checkPendingRequests(): void;
  scheduleCheckPendingRequests(): void;
}

/** kafkajs's own interval for re-checking a queue held back by in-flight requests. */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

function scheduleCheckPendingRequests(this: RequestQueueInternals): void {
  if (this.throttleCheckTimeoutId || this.pending.length === 0) return;
  const throttledForMs = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(
    () => {
      this.throttleCheckTimeoutId = null;
      this.checkPendingRequests();
    },
    throttledForMs > 0 ? throttledForMs : CHECK_PENDING_REQUESTS_INTERVAL_MS,
  );
}

let applied = false;

/** Patches kafkajs's RequestQueue once per process; createKafka calls it. */
export function applyRequestQueueIdleFix(): { prototype: RequestQueueInternals } {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module kafkajs does not type
  const RequestQueue = require('kafkajs/src/network/requestQueue') as { prototype: RequestQueueInternals };
  if (!applied) {
    RequestQueue.prototype.scheduleCheckPendingRequests = scheduleCheckPendingRequests;
    applied = true;
  }
  return RequestQueue;
}
