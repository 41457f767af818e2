// @ts-check
/**
 * The invariants a chaos run holds the platform to, evaluated from what the clients saw (outcomes), what
 * the platform says (facts) and what was injected (faults). Pure, so each check is unit-tested with
 * made-up facts (a dropped capture must fail "captures booked once").
 */

const STUCK_STATUSES = new Set(['processing', 'requires_action']);
const FINAL_STATUSES = new Set(['succeeded', 'failed', 'canceled']);
const SAMPLE_LIMIT = 10;

/**
 * @typedef {import('./facts').Facts} Facts
 * @typedef {import('./load').PaymentOutcome} PaymentOutcome
 * @typedef {import('./load').PayoutOutcome} PayoutOutcome
 * @typedef {import('./faults').FaultRecord} FaultRecord
 * @typedef {import('./merchant-client').ClientError} ClientError
 * @typedef {{ name: string, status: 'pass' | 'fail' | 'skip', summary: string, details: string[] }} CheckResult
 * @typedef {{ runId: string, outcomes: PaymentOutcome[], payouts: PayoutOutcome[], facts: Facts,
 *   finalLimitMs: number, quiescence: { reached: boolean, waitedMs: number, note: string } }} CheckInput
 */

/** @param {string} name @param {boolean} ok @param {string} summary @param {string[]} [details] @returns {CheckResult} */
function result(name, ok, summary, details = []) {
  return {
    name,
    status: ok ? 'pass' : 'fail',
    summary,
    details: details
      .slice(0, SAMPLE_LIMIT)
      .concat(details.length > SAMPLE_LIMIT ? [`… and ${details.length - SAMPLE_LIMIT} more`] : []),
  };
}

/** @template T @param {T[]} items @param {(item: T) => string} key @returns {Map<string, T[]>} */
function groupBy(items, key) {
  /** @type {Map<string, T[]>} */
  const groups = new Map();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** @param {Record<string, number>} counts */
function tally(counts) {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? 'none' : entries.map(([k, n]) => `${k} ${n}`).join(', ');
}

/** @param {CheckInput} input @returns {CheckResult} */
function requestsAnswered(input) {
  const gaveUp = input.outcomes.flatMap((o) => o.gaveUp.map((g) => ({ ...g, paymentId: o.paymentId })));
  const unexpected = input.outcomes.flatMap((o) =>
    o.unexpected.map((u) => ({
      text: `${o.paymentId ?? o.createKey}: ${u}`,
      kind: u.replace(/\d+(\.\d+)?/g, 'N'),
    })),
  );
  /** @type {Record<string, number>} */
  const byReason = {};
  for (const g of gaveUp)
    byReason[`${g.operation}/${g.lastError}`] = (byReason[`${g.operation}/${g.lastError}`] ?? 0) + 1;
  /** @type {Record<string, number>} */
  const byKind = {};
  for (const u of unexpected) byKind[u.kind] = (byKind[u.kind] ?? 0) + 1;
  // One example of each kind of unexpected answer first, then the give-ups: the list is cut at SAMPLE_LIMIT.
  const examples = [...groupBy(unexpected, (u) => u.kind).values()].map(
    (list) => /** @type {{ text: string }} */ (list[0]).text,
  );
  return result(
    'every request answered',
    gaveUp.length === 0 && unexpected.length === 0,
    `${input.outcomes.length} payments driven; gave up after retrying to the deadline: ${gaveUp.length} (${tally(byReason)}); ` +
      `unexpected answers or effects not seen: ${unexpected.length} (${tally(byKind)})`,
    [
      ...examples,
      ...gaveUp.map(
        (g) =>
          `gave up ${g.operation} key ${g.key} (payment ${g.paymentId ?? 'unknown to the client'}) at +${(g.atMs / 1000).toFixed(1)} s: last ${g.lastError}`,
      ),
    ],
  );
}

/** @param {CheckInput} input @returns {CheckResult} */
function onePaymentPerKey(input) {
  const ofRun = input.facts.payments.filter((p) => p.metadata?.chaos_run === input.runId);
  const byIndex = groupBy(ofRun, (p) => p.metadata.chaos_index ?? '?');
  const duplicates = [...byIndex.entries()].filter(([, list]) => list.length > 1);
  const knownIds = new Set(input.outcomes.map((o) => o.paymentId).filter((id) => id !== null));
  const orphans = ofRun.filter((p) => !knownIds.has(p.id));
  return result(
    'one payment per Idempotency-Key, and the client knows it',
    duplicates.length === 0 && orphans.length === 0,
    `${ofRun.length} payments at the gateway for ${input.outcomes.length} create keys; duplicated keys: ${duplicates.length}; payments whose creator never got their id: ${orphans.length}`,
    [
      ...duplicates.map(([index, list]) => `key #${index}: ${list.map((p) => p.id).join(', ')}`),
      ...orphans.map(
        (p) =>
          `${p.id} (${p.status}, ${p.amount} ${p.currency}, key #${p.metadata.chaos_index}) exists, but its create request never got an answer`,
      ),
    ],
  );
}

/** @param {CheckInput} input @returns {CheckResult} */
function paymentsFinal(input) {
  const ofRun = input.facts.payments.filter((p) => p.metadata?.chaos_run === input.runId);
  /** @type {Record<string, number>} */
  const byStatus = {};
  for (const p of ofRun) byStatus[p.status] = (byStatus[p.status] ?? 0) + 1;
  const stuck = ofRun.filter((p) => STUCK_STATUSES.has(p.status));
  // A manual payment whose capture the client had sent and had answered must not stay authorized.
  const captureAnswered = new Set(
    input.outcomes
      .filter((o) => o.latenciesMs.capture !== undefined || o.plan.captureMethod === 'automatic')
      .map((o) => o.paymentId),
  );
  const leftAuthorized = ofRun.filter((p) => p.status === 'requires_capture' && captureAnswered.has(p.id));
  const notFinal = ofRun.filter((p) => !FINAL_STATUSES.has(p.status) && p.status !== 'requires_capture');
  return result(
    'every accepted payment in a final state',
    stuck.length === 0 && leftAuthorized.length === 0 && notFinal.length === stuck.length,
    `${ofRun.length} payments: ${tally(byStatus)}; stuck: ${stuck.length}${input.quiescence.reached ? '' : ` (quiescence not reached: ${input.quiescence.note})`}`,
    [
      ...stuck.map(
        (p) =>
          `${p.id} ${p.status} (${p.amount} ${p.currency}, ${p.capture_method}, key #${p.metadata.chaos_index})`,
      ),
      ...leftAuthorized.map((p) => `${p.id} still requires_capture after its capture was answered`),
    ],
  );
}

/** @param {Facts} facts */
function ledgerLinesByPayment(facts) {
  return groupBy(
    facts.receivableLines.filter((l) => l.payment_id !== null),
    (l) => /** @type {string} */ (l.payment_id),
  );
}

/** @param {CheckInput} input @returns {CheckResult} */
function capturesBookedOnce(input) {
  const lines = ledgerLinesByPayment(input.facts);
  /** @type {string[]} */
  const missing = [];
  /** @type {string[]} */
  const doubled = [];
  /** @type {string[]} */
  const wrongAmount = [];
  /** @type {string[]} */
  const unexpected = [];
  let booked = 0;
  for (const p of input.facts.payments) {
    const captures = (lines.get(p.id) ?? []).filter((l) => l.kind === 'capture');
    const capturedMinor = captures.reduce((sum, l) => sum + BigInt(l.amount_minor), 0n);
    if (p.status === 'succeeded') {
      if (captures.length === 0)
        missing.push(`${p.id} succeeded (${p.amount_captured} ${p.currency}) but the ledger has no capture`);
      else if (captures.length > 1)
        doubled.push(
          `${p.id} captured ${captures.length} times in the ledger (${captures.map((c) => c.amount_minor).join(' + ')})`,
        );
      else if (capturedMinor !== BigInt(p.amount_captured))
        wrongAmount.push(`${p.id}: ledger ${capturedMinor}, gateway ${p.amount_captured} ${p.currency}`);
      else booked += 1;
    } else if (captures.length > 0) {
      unexpected.push(
        `${p.id} is ${p.status} but the ledger booked ${captures.length} capture(s) of ${capturedMinor}`,
      );
    }
  }
  const known = new Set(input.facts.payments.map((p) => p.id));
  const strangers = [...lines.keys()].filter((id) => !known.has(id));
  return result(
    'each succeeded payment captured exactly once in the ledger, nothing for the others',
    missing.length + doubled.length + wrongAmount.length + unexpected.length + strangers.length === 0,
    `${booked} booked once; missing ${missing.length}, doubled ${doubled.length}, wrong amount ${wrongAmount.length}, booked for failed/canceled ${unexpected.length}, for payments the gateway does not know ${strangers.length}`,
    [
      ...missing,
      ...doubled,
      ...wrongAmount,
      ...unexpected,
      ...strangers.map((id) => `ledger lines for unknown payment ${id}`),
    ],
  );
}

/** @param {CheckInput} input @returns {CheckResult} */
function refundsBookedOnce(input) {
  const lines = ledgerLinesByPayment(input.facts);
  const refundsByPayment = groupBy(
    input.facts.refunds.filter((r) => r.status === 'succeeded'),
    (r) => r.payment,
  );
  /** @type {string[]} */
  const problems = [];
  let matched = 0;
  for (const p of input.facts.payments) {
    const ledgerRefunds = (lines.get(p.id) ?? [])
      .filter((l) => l.kind === 'refund')
      .map((l) => -BigInt(l.amount_minor))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const gatewayRefunds = (refundsByPayment.get(p.id) ?? [])
      .map((r) => BigInt(r.amount))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const ledgerTotal = ledgerRefunds.reduce((s, a) => s + a, 0n);
    if (ledgerRefunds.join() !== gatewayRefunds.join()) {
      problems.push(
        `${p.id}: gateway refunds [${gatewayRefunds.join(', ')}], ledger refunds [${ledgerRefunds.join(', ')}] ${p.currency}`,
      );
    } else if (ledgerRefunds.length > 0) matched += ledgerRefunds.length;
    if (ledgerTotal > BigInt(p.amount_captured))
      problems.push(`${p.id}: refunded ${ledgerTotal} above the capture ${p.amount_captured}`);
    if (BigInt(p.amount_refunded) !== gatewayRefunds.reduce((s, a) => s + a, 0n)) {
      problems.push(
        `${p.id}: amount_refunded ${p.amount_refunded} but its succeeded refunds add up to ${gatewayRefunds.reduce((s, a) => s + a, 0n)}`,
      );
    }
  }
  return result(
    'refunds booked once, never above the capture',
    problems.length === 0,
    `${input.facts.refunds.length} refunds at the gateway, ${matched} booked once; problems: ${problems.length}`,
    problems,
  );
}

/** @param {CheckInput} input @returns {CheckResult} */
function trialBalanceAndVerify(input) {
  const { trialBalance, verify } = input.facts;
  if (trialBalance === null || verify === null)
    return result('trial balance zero, ledger verify ok', false, 'could not be read');
  /** @type {Array<{ currency: string, net_minor: string }>} */
  const currencies = trialBalance.currencies;
  const unbalanced = currencies.filter((c) => c.net_minor !== '0');
  const ok = unbalanced.length === 0 && verify.ok === true && (verify.balance_mismatches ?? []).length === 0;
  return result(
    'trial balance zero per currency, ledger verify ok',
    ok,
    `${currencies.map((c) => `${c.currency} net ${c.net_minor}`).join(', ')}; verify ${verify.ok ? 'ok' : 'FAILED'} through sequence ${verify.checked_through_sequence}`,
    [
      ...unbalanced.map((c) => `${c.currency} nets to ${c.net_minor}`),
      ...(verify.first_broken_link ? [`first broken link: ${JSON.stringify(verify.first_broken_link)}`] : []),
      ...(verify.balance_mismatches ?? []).map(
        (/** @type {unknown} */ m) => `balance mismatch ${JSON.stringify(m)}`,
      ),
    ],
  );
}

/** @param {CheckInput} input @returns {CheckResult} */
function gatewayBalancesEqualLedger(input) {
  const ledger = new Map(input.facts.ledgerAccounts.map((a) => [a.code, a.balanceMinor]));
  /** @type {string[]} */
  const differences = [];
  for (const row of input.facts.gatewayBalances) {
    const currency = row.currency.toUpperCase();
    const merchant = encodeURIComponent(row.merchantId);
    // Liabilities are credits (negative balances) in the ledger; the gateway shows what the merchant is owed.
    const available = -(ledger.get(`merchant_available:${merchant}:${currency}`) ?? 0n);
    const pending = -(ledger.get(`merchant_pending:${merchant}:${currency}`) ?? 0n);
    if (available !== row.availableMinor)
      differences.push(
        `${row.merchantId} ${currency} available: gateway ${row.availableMinor}, ledger ${available}`,
      );
    if (pending !== row.pendingMinor)
      differences.push(
        `${row.merchantId} ${currency} pending: gateway ${row.pendingMinor}, ledger ${pending}`,
      );
  }
  const shown = new Set(
    input.facts.gatewayBalances.map((r) => `${encodeURIComponent(r.merchantId)}:${r.currency.toUpperCase()}`),
  );
  const merchants = new Set(input.facts.gatewayBalances.map((r) => encodeURIComponent(r.merchantId)));
  for (const account of input.facts.ledgerAccounts) {
    const match = /^merchant_(available|pending):([^:]+):([A-Z]{3})$/.exec(account.code);
    if (
      match &&
      merchants.has(/** @type {string} */ (match[2])) &&
      !shown.has(`${match[2]}:${match[3]}`) &&
      account.balanceMinor !== 0n
    ) {
      differences.push(
        `${account.code} holds ${account.balanceMinor} but the gateway shows no ${match[3]} balance`,
      );
    }
  }
  return result(
    "the gateway's balances equal the ledger's",
    differences.length === 0 && input.facts.gatewayBalances.length > 0,
    `${input.facts.gatewayBalances.length} merchant/currency balances compared; differences: ${differences.length}`,
    differences,
  );
}

/** @param {CheckInput} input @returns {CheckResult} */
function reportingEqualsLedger(input) {
  const ledger = new Map(input.facts.ledgerAccounts.map((a) => [a.code, a.balanceMinor]));
  const reporting = new Map(input.facts.reportingBalances.map((r) => [r.code, r.balanceMinor]));
  /** @type {string[]} */
  const differences = [];
  for (const [code, balance] of ledger) {
    if ((reporting.get(code) ?? 0n) !== balance)
      differences.push(`balance ${code}: ledger ${balance}, reporting ${reporting.get(code) ?? 'none'}`);
  }
  for (const [code, balance] of reporting) {
    if (!ledger.has(code) && balance !== 0n)
      differences.push(`balance ${code}: reporting ${balance}, no such ledger account`);
  }
  // Volume: gross and refunded per merchant and currency against the ledger's capture and refund lines.
  const merchantOf = new Map(input.facts.payments.map((p) => [p.id, p.merchantId]));
  /** @type {Map<string, { gross: bigint, refunded: bigint, count: number }>} */
  const booked = new Map();
  for (const line of input.facts.receivableLines) {
    if (line.payment_id === null || (line.kind !== 'capture' && line.kind !== 'refund')) continue;
    const currency = line.account.slice(line.account.lastIndexOf(':') + 1).toLowerCase();
    const key = `${merchantOf.get(line.payment_id) ?? '?'}:${currency}`;
    const total = booked.get(key) ?? { gross: 0n, refunded: 0n, count: 0 };
    if (line.kind === 'capture') {
      total.gross += BigInt(line.amount_minor);
      total.count += 1;
    } else total.refunded -= BigInt(line.amount_minor);
    booked.set(key, total);
  }
  const volume = new Map(input.facts.reportingVolume.map((v) => [`${v.merchantId}:${v.currency}`, v]));
  for (const [key, total] of booked) {
    const row = volume.get(key);
    if (
      row === undefined ||
      row.grossMinor !== total.gross ||
      row.refundedMinor !== total.refunded ||
      row.count !== total.count
    ) {
      differences.push(
        `volume ${key}: ledger gross ${total.gross} (${total.count} captures) refunded ${total.refunded}; reporting ${row === undefined ? 'none' : `gross ${row.grossMinor} (${row.count}) refunded ${row.refundedMinor}`}`,
      );
    }
  }
  for (const key of volume.keys())
    if (!booked.has(key)) differences.push(`volume ${key}: in reporting, not in the ledger`);
  const reconciliation = input.facts.reconciliation;
  const reconciled = reconciliation !== null && reconciliation.difference_count === 0;
  if (reconciliation === null) differences.push('reconciliation could not be read');
  else if (!reconciled)
    differences.push(
      ...reconciliation.differences.map((/** @type {unknown} */ d) => `reconciliation: ${JSON.stringify(d)}`),
    );
  return result(
    "reporting's volume and balances equal the ledger's, reconciliation clean",
    differences.length === 0,
    `${ledger.size} accounts and ${booked.size} merchant/currency volumes compared; reconciliation differences: ${reconciliation?.difference_count ?? 'unread'}; other differences: ${differences.length - (reconciliation?.difference_count ?? 0)}`,
    differences,
  );
}

/** @param {CheckInput} input @returns {CheckResult} */
function deadLettersExplained(input) {
  const letters = input.facts.deadLetters;
  /** @type {Record<string, number>} */
  const byTopic = {};
  for (const l of letters)
    byTopic[`${l.topic} ${l.type ?? '?'}`] = (byTopic[`${l.topic} ${l.type ?? '?'}`] ?? 0) + 1;
  // Nothing the harness sends breaks a contract, so no dead letter has an explanation here.
  return result(
    'dead-letter topics hold nothing new',
    letters.length === 0,
    `${letters.length} dead letters${letters.length ? `: ${tally(byTopic)}` : ''}`,
    letters.map(
      (l) =>
        `${l.topic}[${l.partition}]@${l.offset} ${l.type ?? '?'} ${l.aggregateId ?? ''} event ${l.eventId ?? '?'} from ${l.headers['dlq-source-topic'] ?? '?'} by ${l.headers['dlq-consumer-group'] ?? '?'} after ${l.headers['dlq-attempts'] ?? '?'} attempts at ${l.headers['dlq-failed-at'] ?? '?'}: ${(l.headers['dlq-reason'] ?? '').slice(0, 200)}`,
    ),
  );
}

/** @param {CheckInput} input @returns {CheckResult} */
function payoutsFinal(input) {
  // What the gateway says now, not what the client last saw: a payout may end after the client stopped looking.
  const statusNow = new Map(input.facts.payouts.map((p) => [p.id, p.status]));
  const sent = input.payouts.filter((p) => p.id !== null);
  const notFinal = sent.filter((p) => {
    const status = statusNow.get(/** @type {string} */ (p.id));
    return status !== 'paid' && status !== 'failed';
  });
  const failedToSend = input.payouts.filter((p) => p.id === null && p.note !== 'nothing became available');
  /** @type {Record<string, number>} */
  const byStatus = {};
  for (const p of input.payouts) {
    const status = p.id === null ? p.note || 'not sent' : (statusNow.get(p.id) ?? 'unknown to the gateway');
    byStatus[status] = (byStatus[status] ?? 0) + 1;
  }
  return result(
    'payouts reach paid or failed',
    notFinal.length === 0 && failedToSend.length === 0,
    `${input.payouts.length} payouts: ${tally(byStatus)}`,
    [...notFinal, ...failedToSend].map(
      (p) => `${p.id ?? p.key} ${p.amountMinor} ${p.currency}: ${(p.id && statusNow.get(p.id)) ?? p.note}`,
    ),
  );
}

/** @param {CheckInput} input @returns {CheckResult} */
function timeToFinal(input) {
  /** @type {Record<string, number[]>} */
  const byOperation = {};
  for (const o of input.outcomes) {
    for (const [operation, ms] of Object.entries(o.latenciesMs))
      (byOperation[operation.replace(/_\d+$/, '')] ??= []).push(ms);
  }
  const all = Object.values(byOperation).flat();
  const longest = all.length === 0 ? 0 : Math.max(...all);
  /** @param {number[]} values @param {number} q */
  const quantile = (values, q) =>
    [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))] ?? 0;
  const slowest = input.outcomes
    .flatMap((o) =>
      Object.entries(o.latenciesMs).map(([operation, ms]) => ({ operation, ms, id: o.paymentId })),
    )
    .sort((a, b) => b.ms - a.ms)
    .slice(0, 5);
  return result(
    `longest time to a final state within ${input.finalLimitMs / 1000} s`,
    longest <= input.finalLimitMs,
    `longest ${(longest / 1000).toFixed(1)} s; ${Object.entries(byOperation)
      .map(
        ([op, values]) =>
          `${op} p50 ${(quantile(values, 0.5) / 1000).toFixed(1)} s p99 ${(quantile(values, 0.99) / 1000).toFixed(1)} s max ${(Math.max(...values) / 1000).toFixed(1)} s`,
      )
      .join('; ')}`,
    slowest.map((s) => `${s.id} ${s.operation} ${(s.ms / 1000).toFixed(1)} s`),
  );
}

/**
 * Control totals (issue 11, deliverable 5): payments reports every capture, refund and payout it
 * recorded; the ledger names each one its books lack. Passes when the ledger found nothing missing
 * and the harness found nothing missing either; when the harness finds succeeded payments without a
 * capture, the details say whether the ledger's own check flagged each one: the gap must never hide.
 * @param {CheckInput} input @returns {CheckResult}
 */
function controlTotals(input) {
  const name = 'control totals: the ledger books all payments reported, and flags any capture it lacks';
  const { control } = input.facts;
  if (control === null) return result(name, false, 'the ledger control totals could not be read');
  const lines = ledgerLinesByPayment(input.facts);
  const missingHere = input.facts.payments.filter(
    (p) => p.status === 'succeeded' && !(lines.get(p.id) ?? []).some((l) => l.kind === 'capture'),
  );
  const flagged = new Set(
    control.differences.filter((d) => d.kind === 'capture_missing').map((d) => d.payment_id),
  );
  const unflagged = missingHere.filter((p) => !flagged.has(p.id));
  return result(
    name,
    control.differences.length === 0 && missingHere.length === 0 && control.reports_received > 0,
    `${control.reports_received} reports checked, ${control.differences.length} differences; ` +
      `captures missing by the harness's count ${missingHere.length}, flagged by the ledger ${missingHere.length - unflagged.length}`,
    [
      ...control.differences.map(
        (d) =>
          `${d.kind} ${d.item_id} (${d.payment_id ?? d.merchant_id}) reported ${d.reported_minor} ${d.currency}, booked ${d.booked_minor ?? 'nothing'}`,
      ),
      ...unflagged.map((p) => `${p.id} lacks its capture in the ledger and control totals did not flag it`),
    ],
  );
}

/** @param {CheckInput} input @returns {CheckResult[]} */
function evaluate(input) {
  return [
    requestsAnswered(input),
    onePaymentPerKey(input),
    paymentsFinal(input),
    capturesBookedOnce(input),
    refundsBookedOnce(input),
    trialBalanceAndVerify(input),
    gatewayBalancesEqualLedger(input),
    reportingEqualsLedger(input),
    deadLettersExplained(input),
    payoutsFinal(input),
    timeToFinal(input),
    controlTotals(input),
    ...(input.facts.readErrors.length > 0
      ? [
          result(
            'every figure could be read',
            false,
            `${input.facts.readErrors.length} reads failed`,
            input.facts.readErrors,
          ),
        ]
      : []),
  ];
}

/**
 * Client-visible errors per fault: each failed attempt is put on every fault whose window (from its start
 * until the platform answered again) holds it, or on "no fault".
 * @param {ClientError[]} errors @param {FaultRecord[]} faults
 * @returns {Array<{ fault: string, errors: number, kinds: string }>}
 */
function errorsPerFault(errors, faults) {
  /** @type {Map<string, Record<string, number>>} */
  const table = new Map();
  const windows = faults.map((f) => ({
    label: `${f.description} @${(f.startedAtMs / 1000).toFixed(0)}s`,
    from: f.startedAtMs,
    to: f.recoveredAtMs ?? Number.POSITIVE_INFINITY,
  }));
  for (const error of errors) {
    const matched = windows.filter((w) => error.atMs >= w.from && error.atMs <= w.to);
    for (const label of matched.length > 0 ? matched.map((w) => w.label) : ['no fault in force']) {
      const kinds = table.get(label) ?? {};
      const kind = `${error.operation}:${error.kind}`;
      kinds[kind] = (kinds[kind] ?? 0) + 1;
      table.set(label, kinds);
    }
  }
  return [...windows.map((w) => w.label), 'no fault in force'].map((fault) => {
    const kinds = table.get(fault) ?? {};
    return { fault, errors: Object.values(kinds).reduce((s, n) => s + n, 0), kinds: tally(kinds) };
  });
}

module.exports = { evaluate, errorsPerFault, capturesBookedOnce, controlTotals };
