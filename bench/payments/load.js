// @ts-check
/**
 * The load generator: card payments over node:http with one keep-alive agent. It shares the two
 * cores with the platform, so each request costs a header object, a fixed body buffer and one
 * JSON.parse of the answer; everything else is counted, not stored.
 */
const http = require('node:http');
const { performance } = require('node:perf_hooks');
const { dueCount, dueOffsetMs, delayUntilNextMs, plannedCount } = require('./open-loop');
const { summarize } = require('./percentiles');
const { traceparentFor } = require('./trace-hops');

/** Amount of each payment, in cents: small enough for every risk rule, not 408 (a late processor). */
const PAYMENT_AMOUNT_MINOR = 1_999;
const FINAL_STATUSES = new Set(['succeeded', 'failed']);
const TIMEOUT_SWEEP_MS = 1_000;

/**
 * @typedef {{ kind: 'answered', paymentId: string, status: string } | { kind: 'error', error: string }} Outcome
 */

class StepRecorder {
  /** @param {number} startMs */
  constructor(startMs) {
    this.startMs = startMs;
    this.sent = 0;
    this.answered = 0;
    this.final = 0;
    /** @type {Record<string, number>} */
    this.statuses = {};
    /** @type {Record<string, number>} */
    this.errorKinds = {};
    this.errors = 0;
    /** @type {number[]} */
    this.latenciesMs = [];
    /** @type {number[]} */
    this.sendLagsMs = [];
    this.lastAnswerMs = startMs;
    /** @type {string[]} */
    this.paymentIds = [];
  }

  /** @param {Outcome} outcome @param {number} latencyMs @param {number} endMs */
  record(outcome, latencyMs, endMs) {
    if (outcome.kind === 'answered') {
      this.answered += 1;
      this.latenciesMs.push(latencyMs);
      this.lastAnswerMs = Math.max(this.lastAnswerMs, endMs);
      this.statuses[outcome.status] = (this.statuses[outcome.status] ?? 0) + 1;
      if (FINAL_STATUSES.has(outcome.status)) this.final += 1;
      this.paymentIds.push(outcome.paymentId);
    } else {
      this.errors += 1;
      this.errorKinds[outcome.error] = (this.errorKinds[outcome.error] ?? 0) + 1;
    }
  }

  /** @param {number} durationS the planned load time; answers arriving later stretch the rate's window */
  result(durationS) {
    const answerWindowS = Math.max(durationS, (this.lastAnswerMs - this.startMs) / 1000);
    return {
      durationS,
      sent: this.sent,
      offeredPerS: this.sent / durationS,
      answered: this.answered,
      answeredPerS: this.answered / answerWindowS,
      final: this.final,
      finalShare: this.sent === 0 ? 0 : this.final / this.sent,
      statuses: this.statuses,
      errors: this.errors,
      errorKinds: this.errorKinds,
      latencyMs: summarize(this.latenciesMs),
      sendLagMs: this.sendLagsMs.length === 0 ? null : summarize(this.sendLagsMs),
    };
  }
}

class PaymentLoad {
  /**
   * @param {{ gatewayUrl: string, apiKeys: readonly string[], runId: string, maxSockets: number,
   *   requestTimeoutMs: number }} options
   */
  constructor(options) {
    const url = new URL(options.gatewayUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.runId = options.runId;
    this.requestTimeoutMs = options.requestTimeoutMs;
    this.authorizations = options.apiKeys.map((key) => `Bearer ${key}`);
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxSockets });
    this.body = Buffer.from(
      JSON.stringify({
        amount: PAYMENT_AMOUNT_MINOR,
        currency: 'usd',
        payment_method: {
          type: 'card',
          card: { number: '4242424242424242', exp_month: 12, exp_year: 2034, cvc: '123' },
        },
      }),
    );
    this.contentLength = String(this.body.length);
    /** @type {Map<http.ClientRequest, number>} requests in flight and when each was sent */
    this.inFlight = new Map();
    // One sweep for all timeouts: a timer per request costs more than the request's own work.
    this.timeoutSweep = setInterval(() => {
      const oldestAllowedMs = performance.now() - this.requestTimeoutMs;
      for (const [request, sentAtMs] of this.inFlight) {
        if (sentAtMs < oldestAllowedMs) request.destroy(new Error('timeout'));
      }
    }, TIMEOUT_SWEEP_MS);
    this.timeoutSweep.unref();
  }

  /**
   * One POST /v1/payments, round-robin over the merchants, with its own Idempotency-Key and a
   * traceparent naming step and sequence.
   * @param {number} step @param {number} sequence
   * @returns {Promise<Outcome>}
   */
  send(step, sequence) {
    return new Promise((resolve) => {
      let settled = false;
      /** @param {Outcome} outcome */
      const finish = (outcome) => {
        if (settled) return;
        settled = true;
        this.inFlight.delete(request);
        resolve(outcome);
      };
      const request = http.request(
        {
          agent: this.agent,
          host: this.host,
          port: this.port,
          method: 'POST',
          path: '/v1/payments',
          headers: {
            'content-type': 'application/json',
            'content-length': this.contentLength,
            authorization: this.authorizations[sequence % this.authorizations.length],
            'idempotency-key': `${this.runId}-${step}-${sequence}`,
            traceparent: traceparentFor(step, sequence),
          },
        },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => (text += chunk));
          response.on('error', (error) => finish({ kind: 'error', error: errorKind(error) }));
          response.on('end', () => {
            if (response.statusCode !== 200) {
              finish({ kind: 'error', error: `http_${response.statusCode}` });
              return;
            }
            try {
              const payment = JSON.parse(text);
              finish({ kind: 'answered', paymentId: String(payment.id), status: String(payment.status) });
            } catch {
              finish({ kind: 'error', error: 'unreadable_body' });
            }
          });
        },
      );
      this.inFlight.set(request, performance.now());
      request.on('error', (error) => finish({ kind: 'error', error: errorKind(error) }));
      request.end(this.body);
    });
  }

  /**
   * Requests arrive at ratePerS for durationS whatever the answers do; resolves when every
   * request has been answered or has failed. Latency runs from each request's due time.
   * @param {{ step: number, ratePerS: number, durationS: number }} options
   */
  runOpenLoop({ step, ratePerS, durationS }) {
    const planned = plannedCount(ratePerS, durationS);
    const startMs = performance.now();
    const recorder = new StepRecorder(startMs);
    let pending = 0;
    let allSent = false;
    return new Promise((resolve) => {
      const done = () => {
        if (allSent && pending === 0) resolve({ recorder, result: recorder.result(durationS) });
      };
      const tick = () => {
        const due = dueCount(performance.now() - startMs, ratePerS, planned);
        while (recorder.sent < due) {
          const sequence = recorder.sent;
          const dueAtMs = startMs + dueOffsetMs(sequence, ratePerS);
          recorder.sent += 1;
          pending += 1;
          recorder.sendLagsMs.push(performance.now() - dueAtMs);
          void this.send(step, sequence).then((outcome) => {
            const endMs = performance.now();
            recorder.record(outcome, endMs - dueAtMs, endMs);
            pending -= 1;
            done();
          });
        }
        const delayMs = delayUntilNextMs(recorder.sent, performance.now() - startMs, ratePerS, planned);
        if (delayMs === null) {
          allSent = true;
          done();
          return;
        }
        setTimeout(tick, Math.floor(delayMs));
      };
      tick();
    });
  }

  /**
   * `clients` loops, each sending its next request when the last one is answered, for durationS.
   * @param {{ step: number, clients: number, durationS: number }} options
   */
  async runClosedLoop({ step, clients, durationS }) {
    const startMs = performance.now();
    const endMs = startMs + durationS * 1000;
    const recorder = new StepRecorder(startMs);
    const client = async () => {
      while (performance.now() < endMs) {
        const sequence = recorder.sent;
        recorder.sent += 1;
        const sentAtMs = performance.now();
        const outcome = await this.send(step, sequence);
        const answeredAtMs = performance.now();
        recorder.record(outcome, answeredAtMs - sentAtMs, answeredAtMs);
      }
    };
    await Promise.all(Array.from({ length: clients }, () => client()));
    return { recorder, result: recorder.result(durationS) };
  }

  close() {
    clearInterval(this.timeoutSweep);
    this.agent.destroy();
  }
}

/** @param {unknown} error */
function errorKind(error) {
  if (!(error instanceof Error)) return 'unknown';
  const code = /** @type {{ code?: string }} */ (error).code;
  return error.message === 'timeout' ? 'timeout' : (code ?? error.message);
}

module.exports = { PaymentLoad, PAYMENT_AMOUNT_MINOR };
