// @ts-check
/**
 * Drives the planned payments through the gateway as careful merchants would: create, then (as planned)
 * approve 3-D Secure, capture later (sometimes in part), refund in part or in full; and once, a settlement
 * followed by payouts. Every payment is followed until the platform shows where it ended, and each
 * operation's time until its effect showed is kept.
 */
const { CARDS } = require('./plan');

const POLL_INTERVAL_MS = 500;
const SETTLED_STATUSES = new Set(['succeeded', 'failed', 'canceled', 'requires_capture', 'requires_action']);
const FINAL_PAYMENT_STATUSES = new Set(['succeeded', 'failed', 'canceled']);

/**
 * @typedef {import('./merchant-client').MerchantClient} MerchantClient
 * @typedef {import('./plan').PaymentPlan} PaymentPlan
 * @typedef {{ operation: string, key: string, lastError: string, atMs: number }} GaveUp
 * @typedef {{ id: string | null, amountMinor: number | 'rest', status: string | null }} RefundOutcome
 * @typedef {{ plan: PaymentPlan, merchantId: string, createKey: string, paymentId: string | null,
 *   status: string | null, amountCapturedMinor: number | null, refunds: RefundOutcome[],
 *   latenciesMs: Record<string, number>, gaveUp: GaveUp[], unexpected: string[], doneAtMs: number | null,
 *   resumable: boolean }} PaymentOutcome
 *   resumable: the client stopped following the payment; `resume` takes it up again after the load
 * @typedef {{ merchantId: string, key: string, id: string | null, amountMinor: number, currency: string,
 *   status: string | null, note: string }} PayoutOutcome
 */

/** @param {number} ms */
function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

class PaymentDriver {
  /**
   * @param {{ runId: string, clients: MerchantClient[], merchantIds: string[], now: () => number,
   *   followLimitMs: number }} options followLimitMs: how long one operation's effect is waited for
   */
  constructor(options) {
    this.options = options;
  }

  /** @param {PaymentPlan} plan @returns {Promise<PaymentOutcome>} */
  async drive(plan) {
    const client = /** @type {MerchantClient} */ (this.options.clients[plan.merchant]);
    const keyBase = `${this.options.runId}-${plan.index}`;
    /** @type {PaymentOutcome} */
    const outcome = {
      plan,
      merchantId: /** @type {string} */ (this.options.merchantIds[plan.merchant]),
      createKey: `${keyBase}-create`,
      paymentId: null,
      status: null,
      amountCapturedMinor: null,
      refunds: [],
      latenciesMs: {},
      gaveUp: [],
      unexpected: [],
      doneAtMs: null,
      resumable: false,
    };
    try {
      await this.run(plan, client, keyBase, outcome);
    } catch (error) {
      outcome.unexpected.push(`driver error: ${error instanceof Error ? error.message : String(error)}`);
    }
    outcome.doneAtMs = this.options.now();
    return outcome;
  }

  /**
   * @param {PaymentPlan} plan @param {MerchantClient} client @param {string} keyBase @param {PaymentOutcome} outcome
   */
  async run(plan, client, keyBase, outcome) {
    const started = Date.now();
    const created = await client.send('create', 'POST', '/v1/payments', {
      idempotencyKey: outcome.createKey,
      body: {
        amount: plan.amountMinor,
        currency: plan.currency,
        capture_method: plan.captureMethod,
        payment_method: {
          type: 'card',
          card: { number: CARDS[plan.card], exp_month: 12, exp_year: 2034, cvc: '123' },
        },
        metadata: { chaos_run: this.options.runId, chaos_index: String(plan.index) },
      },
    });
    if (created.gaveUp) {
      outcome.gaveUp.push({
        operation: 'create',
        key: outcome.createKey,
        lastError: created.lastError,
        atMs: this.options.now(),
      });
      return;
    }
    if (created.status !== 200) {
      outcome.unexpected.push(
        `create answered ${created.status} ${JSON.stringify(created.body?.error ?? created.body)}`,
      );
      return;
    }
    const id = /** @type {string} */ (created.body.id);
    outcome.paymentId = id;
    let payment = await this.follow(
      client,
      id,
      created.body,
      (p) => SETTLED_STATUSES.has(p.status),
      outcome,
      'create',
    );
    if (payment === null) return;
    outcome.latenciesMs.create = Date.now() - started;
    await this.continueFrom(plan, client, keyBase, outcome, payment);
  }

  /**
   * A payment whose effect the client stopped waiting for (the follow limit passed) is taken up again once
   * the load is over, as a merchant would on a later webhook or read: its action approved, its capture
   * sent, its refunds made. The late effect stays recorded as unexpected.
   * @param {PaymentOutcome} outcome
   */
  async resume(outcome) {
    if (!outcome.resumable || outcome.paymentId === null) return;
    outcome.resumable = false;
    const client = /** @type {MerchantClient} */ (this.options.clients[outcome.plan.merchant]);
    const read = await client.send('poll', 'GET', `/v1/payments/${outcome.paymentId}`);
    if (read.gaveUp || read.status !== 200) return;
    try {
      const payment = await this.follow(
        client,
        outcome.paymentId,
        read.body,
        (p) => SETTLED_STATUSES.has(p.status),
        outcome,
        'resume',
      );
      if (payment !== null) {
        await this.continueFrom(
          outcome.plan,
          client,
          `${this.options.runId}-${outcome.plan.index}`,
          outcome,
          payment,
        );
      }
    } catch (error) {
      outcome.unexpected.push(`driver error: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /**
   * @param {PaymentPlan} plan @param {MerchantClient} client @param {string} keyBase
   * @param {PaymentOutcome} outcome @param {any} settled the payment, no longer processing
   */
  async continueFrom(plan, client, keyBase, outcome, settled) {
    const id = /** @type {string} */ (outcome.paymentId);
    let payment = settled;
    if (payment.status === 'requires_action') {
      payment = await this.commandAndFollow(
        client,
        outcome,
        'resolve_action',
        `/v1/test_helpers/payments/${id}/resolve_action`,
        `${keyBase}-resolve`,
        { outcome: 'approved' },
      );
      if (payment === null) return;
    }
    if (payment.status === 'requires_capture') {
      await sleep(plan.captureDelayMs);
      payment = await this.commandAndFollow(
        client,
        outcome,
        'capture',
        `/v1/payments/${id}/capture`,
        `${keyBase}-capture`,
        plan.captureAmountMinor === null ? {} : { amount: plan.captureAmountMinor },
      );
      if (payment === null) return;
    }
    outcome.status = payment.status;
    outcome.amountCapturedMinor = payment.amount_captured;
    if (payment.status !== 'succeeded' || plan.refundAmountsMinor.length === 0) return;

    await sleep(plan.refundDelayMs);
    for (const [number, amountMinor] of plan.refundAmountsMinor.entries()) {
      const refundStarted = Date.now();
      const key = `${keyBase}-refund-${number}`;
      /** @type {RefundOutcome} */
      const refund = { id: null, amountMinor, status: null };
      outcome.refunds.push(refund);
      const answer = await client.send('refund', 'POST', '/v1/refunds', {
        idempotencyKey: key,
        body: amountMinor === 'rest' ? { payment: id } : { payment: id, amount: amountMinor },
      });
      if (!this.accepted(answer, 'refund', key, outcome)) return;
      refund.id = answer.body.id;
      let current = answer.body;
      const deadline = Date.now() + this.options.followLimitMs;
      while (current.status === 'pending' && Date.now() < deadline) {
        await sleep(POLL_INTERVAL_MS);
        const read = await client.send('poll', 'GET', `/v1/refunds/${refund.id}`);
        if (!read.gaveUp && read.status === 200) current = read.body;
      }
      refund.status = current.status;
      outcome.latenciesMs[`refund_${number}`] = Date.now() - refundStarted;
      if (current.status !== 'succeeded') return;
    }
    const after = await client.send('poll', 'GET', `/v1/payments/${id}`);
    if (!after.gaveUp && after.status === 200) outcome.status = after.body.status;
  }

  /**
   * Sends a command on the payment and follows it to a final state; its time is kept under the operation.
   * @param {MerchantClient} client @param {PaymentOutcome} outcome @param {string} operation
   * @param {string} path @param {string} key @param {unknown} body
   * @returns {Promise<any>} the payment in its final state, or null (given up, refused, or not seen in time)
   */
  async commandAndFollow(client, outcome, operation, path, key, body) {
    const started = Date.now();
    const answer = await client.send(operation, 'POST', path, { idempotencyKey: key, body });
    if (!this.accepted(answer, operation, key, outcome)) return null;
    const payment = await this.follow(
      client,
      /** @type {string} */ (outcome.paymentId),
      answer.body,
      (p) => FINAL_PAYMENT_STATUSES.has(p.status),
      outcome,
      operation,
    );
    if (payment !== null) outcome.latenciesMs[operation] = Date.now() - started;
    return payment;
  }

  /**
   * @param {import('./merchant-client').Answer} answer @param {string} operation @param {string} key
   * @param {PaymentOutcome} outcome
   * @returns {answer is { status: number, body: any, attempts: number, gaveUp: false }}
   */
  accepted(answer, operation, key, outcome) {
    if (answer.gaveUp) {
      outcome.gaveUp.push({ operation, key, lastError: answer.lastError, atMs: this.options.now() });
      return false;
    }
    if (answer.status !== 200) {
      outcome.unexpected.push(
        `${operation} answered ${answer.status} ${JSON.stringify(answer.body?.error ?? answer.body)}`,
      );
      return false;
    }
    return true;
  }

  /**
   * Reads the payment until `done` holds or the follow limit passes (then it is left to the final checks).
   * @param {MerchantClient} client @param {string} id @param {any} first
   * @param {(payment: any) => boolean} done @param {PaymentOutcome} outcome @param {string} operation
   */
  async follow(client, id, first, done, outcome, operation) {
    let payment = first;
    const deadline = Date.now() + this.options.followLimitMs;
    while (!done(payment)) {
      if (Date.now() > deadline) {
        outcome.status = payment.status;
        outcome.resumable = true;
        outcome.unexpected.push(
          `${operation}: still ${payment.status} after ${this.options.followLimitMs / 1000} s`,
        );
        return null;
      }
      await sleep(POLL_INTERVAL_MS);
      const read = await client.send('poll', 'GET', `/v1/payments/${id}`);
      if (!read.gaveUp && read.status === 200) payment = read.body;
    }
    return payment;
  }
}

/**
 * Once, mid-load: the operator settles everything captured so far, and each merchant pays out part of
 * what became available (one payout ends in 13 minor units: the simulated bank rejects it).
 * @param {{ runId: string, clients: MerchantClient[], merchantIds: string[], paymentsUrl: string,
 *   adminToken: string, followLimitMs: number }} options
 * @returns {Promise<{ settlement: string, payouts: PayoutOutcome[] }>}
 */
async function settleAndPayOut(options) {
  let settlement = 'not run';
  const deadline = Date.now() + options.followLimitMs;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${options.paymentsUrl}/v1/settlements/run`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.adminToken}` },
        signal: AbortSignal.timeout(30_000),
      });
      const body = /** @type {{ data?: unknown[] }} */ (await response.json());
      if (response.status < 300) {
        settlement = `${(body.data ?? []).length} settlement(s)`;
        break;
      }
      settlement = `answered ${response.status}`;
    } catch (error) {
      settlement = `failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    await sleep(1_000);
  }
  /** @type {PayoutOutcome[]} */
  const payouts = [];
  await Promise.all(
    options.clients.map(async (client, merchant) => {
      const merchantId = /** @type {string} */ (options.merchantIds[merchant]);
      const key = `${options.runId}-payout-${merchant}`;
      /** @type {{ amount: number, currency: string } | undefined} */
      let available;
      const waitUntil = Date.now() + options.followLimitMs;
      while (Date.now() < waitUntil) {
        const balance = await client.send('poll', 'GET', '/v1/balance');
        if (!balance.gaveUp && balance.status === 200) {
          available = balance.body.available.find((/** @type {{ amount: number }} */ a) => a.amount >= 1_000);
          if (available !== undefined) break;
        }
        await sleep(1_000);
      }
      if (available === undefined) {
        payouts.push({
          merchantId,
          key,
          id: null,
          amountMinor: 0,
          currency: '',
          status: null,
          note: 'nothing became available',
        });
        return;
      }
      let amountMinor = Math.floor(available.amount * 0.3);
      // The first merchant's payout is one the bank rejects, so the give-back path runs too.
      if (merchant === 0) amountMinor = amountMinor - (amountMinor % 100) + 13;
      const created = await client.send('payout', 'POST', '/v1/payouts', {
        idempotencyKey: key,
        body: { amount: amountMinor, currency: available.currency },
      });
      /** @type {PayoutOutcome} */
      const payout = {
        merchantId,
        key,
        id: null,
        amountMinor,
        currency: available.currency,
        status: null,
        note: '',
      };
      payouts.push(payout);
      if (created.gaveUp) {
        payout.note = `gave up: ${created.lastError}`;
        return;
      }
      if (created.status !== 200) {
        payout.note = `answered ${created.status} ${JSON.stringify(created.body?.error ?? created.body)}`;
        return;
      }
      payout.id = created.body.id;
      let current = created.body;
      while (current.status === 'pending' && Date.now() < deadline + options.followLimitMs) {
        await sleep(POLL_INTERVAL_MS);
        const read = await client.send('poll', 'GET', `/v1/payouts/${payout.id}`);
        if (!read.gaveUp && read.status === 200) current = read.body;
      }
      payout.status = current.status;
    }),
  );
  return { settlement, payouts };
}

module.exports = { PaymentDriver, settleAndPayOut, FINAL_PAYMENT_STATUSES };
