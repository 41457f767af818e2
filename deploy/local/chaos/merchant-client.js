// @ts-check
/**
 * A merchant that behaves as a careful one should: every POST carries an Idempotency-Key and is sent again
 * with the same key on a connection error, a timeout, a 5xx, a 429 or a 409 idempotency_key_in_use, with a
 * doubling backoff, until a deadline. Every failed attempt is recorded (what, when) so the run can tell
 * which fault the client saw.
 */

const ATTEMPT_TIMEOUT_MS = 30_000;
const BACKOFF_MS_MIN = 200;
const BACKOFF_MS_MAX = 5_000;

/**
 * @typedef {{ atMs: number, operation: string, kind: string, key: string | null }} ClientError
 *   kind: connection_refused, connection_reset, timeout, http_5xx, rate_limited, idempotency_key_in_use, ...
 * @typedef {{ status: number, body: any, attempts: number, gaveUp: false }
 *   | { status: null, body: null, attempts: number, gaveUp: true, lastError: string }} Answer
 */

/** @param {unknown} error @returns {string} */
function errorKind(error) {
  // Duck-typed: under jest, fetch's errors come from another realm and fail `instanceof Error`.
  if (typeof error !== 'object' || error === null) return 'error';
  const {
    name,
    message,
    cause: rawCause,
  } = /** @type {{ name?: string, message?: string, cause?: unknown }} */ (error);
  if (name === 'TimeoutError' || name === 'AbortError') return 'timeout';
  const cause = /** @type {{ code?: string } | undefined} */ (rawCause);
  switch (cause?.code) {
    case 'ECONNREFUSED':
      return 'connection_refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection_reset';
    default:
      return cause?.code ?? message ?? 'error';
  }
}

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Bounds the requests in flight across every merchant of the run (the run's concurrency). */
class Semaphore {
  /** @param {number} permits */
  constructor(permits) {
    this.free = permits;
    /** @type {Array<() => void>} */
    this.waiting = [];
  }

  async acquire() {
    if (this.free > 0) {
      this.free -= 1;
      return;
    }
    await new Promise((resolve) => this.waiting.push(() => resolve(undefined)));
  }

  release() {
    const next = this.waiting.shift();
    if (next === undefined) this.free += 1;
    else next();
  }
}

class MerchantClient {
  /**
   * @param {{ gatewayUrls: readonly string[], apiKey: string, merchantId: string, requestDeadlineMs: number,
   *   errors: ClientError[], now: () => number, inFlight: Semaphore }} options
   *   now: milliseconds since the run started (errors are placed on the fault timeline with it)
   *   gatewayUrls: every gateway instance; attempts take them in turn, as a load balancer would
   */
  constructor(options) {
    this.options = options;
    this.attempts = 0;
  }

  /**
   * Sends one request until it gets an answer that is not worth retrying, or the deadline passes.
   * @param {string} operation what the request does, for the error tally
   * @param {string} method
   * @param {string} path
   * @param {{ body?: unknown, idempotencyKey?: string }} [request]
   * @returns {Promise<Answer>}
   */
  async send(operation, method, path, request = {}) {
    const deadline = Date.now() + this.options.requestDeadlineMs;
    let attempts = 0;
    let lastError = '';
    for (;;) {
      attempts += 1;
      /** @type {string | null} */
      let failure = null;
      let retryAfterMs = 0;
      await this.options.inFlight.acquire();
      try {
        const gatewayUrl = this.options.gatewayUrls[this.attempts++ % this.options.gatewayUrls.length];
        const response = await fetch(`${gatewayUrl}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${this.options.apiKey}`,
            ...(request.body === undefined ? {} : { 'content-type': 'application/json' }),
            ...(request.idempotencyKey === undefined ? {} : { 'idempotency-key': request.idempotencyKey }),
          },
          body: request.body === undefined ? undefined : JSON.stringify(request.body),
          signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS),
        });
        const text = await response.text();
        /** @type {any} */
        let body = null;
        try {
          body = text === '' ? null : JSON.parse(text);
        } catch {
          body = text;
        }
        if (response.status >= 500) failure = `http_${response.status}`;
        else if (response.status === 429) {
          failure = 'rate_limited';
          retryAfterMs = Number(response.headers.get('retry-after') ?? '1') * 1000;
        } else if (response.status === 409 && body?.error?.code === 'idempotency_key_in_use') {
          failure = 'idempotency_key_in_use';
        } else return { status: response.status, body, attempts, gaveUp: false };
      } catch (error) {
        failure = errorKind(error);
      } finally {
        this.options.inFlight.release();
      }
      lastError = failure;
      this.options.errors.push({
        atMs: this.options.now(),
        operation,
        kind: failure,
        key: request.idempotencyKey ?? null,
      });
      const backoffMs = Math.max(
        retryAfterMs,
        Math.min(BACKOFF_MS_MAX, BACKOFF_MS_MIN * 2 ** Math.min(attempts - 1, 10)) *
          (0.5 + Math.random() / 2),
      );
      if (Date.now() + backoffMs > deadline)
        return { status: null, body: null, attempts, gaveUp: true, lastError };
      await sleep(backoffMs);
    }
  }
}

module.exports = { MerchantClient, Semaphore, errorKind };
