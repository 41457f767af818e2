// @ts-check
/**
 * Reads what the platform says after the run, through its public and operator APIs: the gateway
 * (payments, refunds, payouts, balances per merchant), the ledger (trial balance, verify, statements of
 * the processor receivables: one line per capture and refund, with the payment id), reporting (balances,
 * volume, reconciliation), and the dead-letter topics (read from the run's own broker). No service
 * database is read.
 */
const { Kafka, logLevel } = require('kafkajs');

const GATEWAY_PAGE_LIMIT = 100;
const LEDGER_STATEMENT_LIMIT = 500;
const REPORT_PAGE_LIMIT = 1_000;
const DLQ_READ_LIMIT_MS = 20_000;
/** Past the control window and both grace periods the run sets (run.js CONTROL_ENV). */
const CONTROL_SETTLE_MS = 30_000;
const CONTROL_WAIT_LIMIT_MS = 120_000;

/**
 * @typedef {{ id: string, status: string, amount: number, amount_captured: number, amount_refunded: number,
 *   currency: string, capture_method: string, metadata: Record<string, string>, merchantId: string }} GatewayPayment
 * @typedef {{ id: string, payment: string, amount: number, currency: string, status: string }} GatewayRefund
 * @typedef {{ kind: string, payment_id: string | null, amount_minor: string, sequence: string, account: string }} ReceivableLine
 * @typedef {{ topic: string, partition: number, offset: string, headers: Record<string, string>, type: string | null,
 *   aggregateId: string | null, eventId: string | null }} DeadLetter
 * @typedef {{
 *   payments: GatewayPayment[], refunds: GatewayRefund[], payouts: Array<{ id: string, status: string }>,
 *   gatewayBalances: Array<{ merchantId: string, currency: string, availableMinor: bigint, pendingMinor: bigint }>,
 *   trialBalance: any, verify: any, receivableLines: ReceivableLine[],
 *   ledgerAccounts: Array<{ code: string, currency: string, balanceMinor: bigint }>,
 *   reportingBalances: Array<{ code: string, balanceMinor: bigint }>,
 *   reportingVolume: Array<{ merchantId: string, currency: string, grossMinor: bigint, refundedMinor: bigint, count: number, refundCount: number }>,
 *   reconciliation: any, deadLetters: DeadLetter[], readErrors: string[],
 *   control: ControlReportSummary | null
 * }} Facts
 * @typedef {{ reports_received: number, reports_unchecked: number, reports_with_differences: number,
 *   differences: Array<{ kind: string, item_id: string, payment_id: string | null, merchant_id: string,
 *   currency: string, reported_minor: string, booked_minor: string | null }> }} ControlReportSummary
 * @typedef {{ gateway: string, ledger: string, reporting: string, adminToken: string, analystToken: string,
 *   merchants: Array<{ id: string, apiKey: string }>, brokers: string[], namespace: string }} Sources
 */

/** @param {string} url @param {string} token @returns {Promise<any>} */
async function getJson(url, token) {
  const response = await fetch(url, {
    headers: { authorization: `Bearer ${token}` },
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`GET ${url} answered ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** @template T @param {string} url @param {string} token @returns {Promise<T[]>} every page of a gateway list */
async function gatewayList(url, token) {
  /** @type {T[]} */
  const all = [];
  let after = '';
  for (;;) {
    const page = await getJson(
      `${url}?limit=${GATEWAY_PAGE_LIMIT}${after ? `&starting_after=${after}` : ''}`,
      token,
    );
    all.push(...page.data);
    if (!page.has_more || page.data.length === 0) return all;
    after = page.data[page.data.length - 1].id;
  }
}

/** @param {Sources} sources @returns {Promise<GatewayPayment[]>} */
async function readGatewayPayments(sources) {
  const perMerchant = await Promise.all(
    sources.merchants.map(async (merchant) =>
      (await gatewayList(`${sources.gateway}/v1/payments`, merchant.apiKey)).map((payment) => ({
        .../** @type {object} */ (payment),
        merchantId: merchant.id,
      })),
    ),
  );
  return /** @type {GatewayPayment[]} */ (perMerchant.flat());
}

/** @param {Sources} sources @returns {Promise<bigint>} the ledger's head sequence */
async function ledgerHead(sources) {
  return BigInt((await getJson(`${sources.ledger}/v1/ledger/digest`, sources.adminToken)).sequence);
}

/** @param {Sources} sources @returns {Promise<Facts>} */
async function collectFacts(sources) {
  /** @type {string[]} */
  const readErrors = [];
  /** @template T @param {string} what @param {() => Promise<T>} read @param {T} fallback */
  const attempt = async (what, read, fallback) => {
    try {
      return await read();
    } catch (error) {
      readErrors.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
      return fallback;
    }
  };
  const payments = await attempt('gateway payments', () => readGatewayPayments(sources), []);
  /** @param {string} path @returns {Promise<any[]>} the list of every merchant */
  const everyMerchant = async (path) =>
    (
      await Promise.all(sources.merchants.map((m) => gatewayList(`${sources.gateway}${path}`, m.apiKey)))
    ).flat();
  const refunds = await attempt('gateway refunds', () => everyMerchant('/v1/refunds'), []);
  const payouts = await attempt('gateway payouts', () => everyMerchant('/v1/payouts'), []);
  const gatewayBalances = await attempt(
    'gateway balances',
    async () =>
      (
        await Promise.all(
          sources.merchants.map(async (merchant) => {
            const balance = await getJson(`${sources.gateway}/v1/balance`, merchant.apiKey);
            /** @type {Map<string, { merchantId: string, currency: string, availableMinor: bigint, pendingMinor: bigint }>} */
            const rows = new Map();
            const row = (/** @type {string} */ currency) => {
              const existing = rows.get(currency);
              if (existing) return existing;
              const created = { merchantId: merchant.id, currency, availableMinor: 0n, pendingMinor: 0n };
              rows.set(currency, created);
              return created;
            };
            for (const a of balance.available) row(a.currency).availableMinor = BigInt(a.amount);
            for (const p of balance.pending) row(p.currency).pendingMinor = BigInt(p.amount);
            return [...rows.values()];
          }),
        )
      ).flat(),
    [],
  );
  const trialBalance = await attempt(
    'ledger trial balance',
    () => getJson(`${sources.ledger}/v1/ledger/trial-balance`, sources.adminToken),
    null,
  );
  const verify = await attempt(
    'ledger verify',
    () => getJson(`${sources.ledger}/v1/ledger/verify`, sources.adminToken),
    null,
  );
  /** @type {Array<{ code: string, currency: string, balance_minor: string }>} */
  const accounts = trialBalance?.accounts ?? [];
  const receivableLines = await attempt(
    'ledger statements',
    async () => {
      /** @type {ReceivableLine[]} */
      const lines = [];
      for (const account of accounts.filter((a) => a.code.startsWith('processor_receivable:'))) {
        let after = '0';
        for (;;) {
          const page = await getJson(
            `${sources.ledger}/v1/ledger/accounts/${encodeURIComponent(account.code)}/statement?limit=${LEDGER_STATEMENT_LIMIT}&starting_after=${after}`,
            sources.adminToken,
          );
          for (const line of page.data) lines.push({ ...line, account: account.code });
          if (!page.has_more || page.data.length === 0) break;
          after = page.data[page.data.length - 1].sequence;
        }
      }
      return lines;
    },
    [],
  );
  const reportingBalances = await attempt(
    'reporting balances',
    async () => {
      /** @type {Array<{ code: string, balanceMinor: bigint }>} */
      const rows = [];
      for (let offset = 0; ; offset += REPORT_PAGE_LIMIT) {
        const page = await getJson(
          `${sources.reporting}/v1/reports/balances?limit=${REPORT_PAGE_LIMIT}&offset=${offset}`,
          sources.analystToken,
        );
        for (const row of page.data)
          rows.push({ code: row.account_code, balanceMinor: BigInt(row.balance_minor) });
        if (!page.has_more) return rows;
      }
    },
    [],
  );
  const reportingVolume = await attempt(
    'reporting volume',
    async () => {
      /** @type {Map<string, { merchantId: string, currency: string, grossMinor: bigint, refundedMinor: bigint, count: number, refundCount: number }>} */
      const totals = new Map();
      for (let offset = 0; ; offset += REPORT_PAGE_LIMIT) {
        const page = await getJson(
          `${sources.reporting}/v1/reports/volume?group_by=merchant&period=month&limit=${REPORT_PAGE_LIMIT}&offset=${offset}`,
          sources.analystToken,
        );
        for (const row of page.data) {
          const key = `${row.merchant}:${row.currency}`;
          const total = totals.get(key) ?? {
            merchantId: row.merchant,
            currency: row.currency,
            grossMinor: 0n,
            refundedMinor: 0n,
            count: 0,
            refundCount: 0,
          };
          total.grossMinor += BigInt(row.gross_amount);
          total.refundedMinor += BigInt(row.refunded_amount);
          total.count += row.count;
          total.refundCount += row.refund_count;
          totals.set(key, total);
        }
        if (!page.has_more) return [...totals.values()];
      }
    },
    [],
  );
  const reconciliation = await attempt(
    'reporting reconciliation',
    () => getJson(`${sources.reporting}/v1/reconciliation`, sources.adminToken),
    null,
  );
  const deadLetters = await attempt('dead-letter topics', () => readDeadLetters(sources), []);
  const control = await attempt('ledger control totals', () => checkedControlTotals(sources), null);
  return {
    payments,
    refunds: /** @type {GatewayRefund[]} */ (refunds),
    payouts: /** @type {Array<{ id: string, status: string }>} */ (payouts),
    gatewayBalances,
    trialBalance,
    verify,
    receivableLines,
    ledgerAccounts: accounts.map((a) => ({
      code: a.code,
      currency: a.currency,
      balanceMinor: BigInt(a.balance_minor),
    })),
    reportingBalances,
    reportingVolume,
    reconciliation,
    deadLetters,
    readErrors,
    control,
  };
}

/**
 * The ledger's control-totals check once it has caught up with the run: payments reports each
 * window after its grace period, the ledger checks each report after its own; wait until the
 * windows of the run's end are in and nothing is left unchecked.
 * @param {Sources} sources @returns {Promise<ControlReportSummary>}
 */
async function checkedControlTotals(sources) {
  const startedAt = Date.now();
  for (;;) {
    /** @type {ControlReportSummary} */
    const summary = await getJson(`${sources.ledger}/v1/ledger/control`, sources.adminToken);
    const waitedMs = Date.now() - startedAt;
    if (waitedMs >= CONTROL_SETTLE_MS && summary.reports_unchecked === 0) return summary;
    if (waitedMs >= CONTROL_WAIT_LIMIT_MS) {
      throw new Error(
        `${summary.reports_unchecked} control reports still unchecked after ${CONTROL_WAIT_LIMIT_MS / 1000} s`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/**
 * Every message on the namespace's dead-letter topics, with its headers (reason, source, group, attempts).
 * @param {Sources} sources @returns {Promise<DeadLetter[]>}
 */
async function readDeadLetters(sources) {
  const { allTopicDefinitions, physicalTopicName, DEAD_LETTER_SUFFIX } = require('@platform/contracts');
  const client = new Kafka({
    clientId: 'chaos-checks',
    brokers: sources.brokers,
    logLevel: logLevel.NOTHING,
  });
  const admin = client.admin();
  await admin.connect();
  /** @type {Map<string, Map<number, string>>} */
  const ends = new Map();
  try {
    const topics = allTopicDefinitions()
      .filter((/** @type {{ name: string }} */ t) => t.name.endsWith(DEAD_LETTER_SUFFIX))
      .map((/** @type {{ name: string }} */ t) => physicalTopicName(sources.namespace, t.name));
    for (const topic of topics) {
      const offsets = await admin.fetchTopicOffsets(topic);
      const nonEmpty = offsets.filter((o) => BigInt(o.high) > BigInt(o.low));
      if (nonEmpty.length > 0) ends.set(topic, new Map(nonEmpty.map((o) => [o.partition, o.high])));
    }
  } finally {
    await admin.disconnect();
  }
  if (ends.size === 0) return [];
  /** @type {DeadLetter[]} */
  const letters = [];
  const consumer = client.consumer({ groupId: `chaos-checks-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...ends.keys()], fromBeginning: true });
    let remaining = [...ends.values()].reduce((sum, partitions) => sum + partitions.size, 0);
    await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`dead letters not read within ${DLQ_READ_LIMIT_MS / 1000} s`)),
        DLQ_READ_LIMIT_MS,
      );
      consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            /** @type {Record<string, string>} */
            const headers = {};
            for (const [key, value] of Object.entries(message.headers ?? {})) {
              if (value !== undefined) headers[key] = value.toString();
            }
            /** @type {any} */
            let envelope = null;
            try {
              envelope = JSON.parse(message.value?.toString() ?? 'null');
            } catch {
              // Not JSON: a contract violation, the headers say why.
            }
            letters.push({
              topic,
              partition,
              offset: message.offset,
              headers,
              type: envelope?.type ?? null,
              aggregateId: envelope?.aggregateId ?? null,
              eventId: envelope?.id ?? null,
            });
            const high = ends.get(topic)?.get(partition);
            if (high !== undefined && BigInt(message.offset) + 1n >= BigInt(high)) {
              remaining -= 1;
              if (remaining === 0) {
                clearTimeout(timer);
                resolve(undefined);
              }
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return letters;
}

module.exports = { collectFacts, readGatewayPayments, ledgerHead, getJson, readDeadLetters };
