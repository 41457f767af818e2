import { capturesBookedOnce, errorsPerFault, evaluate } from '../../deploy/local/chaos/checks';
import type { Facts } from '../../deploy/local/chaos/facts';
import type { PaymentOutcome } from '../../deploy/local/chaos/load';
import { parseOptions } from '../../deploy/local/chaos/options';
import { planFaults, planPayments, SERVICES } from '../../deploy/local/chaos/plan';
import { restartDelayMs } from '../../deploy/local/supervisor';

const RUN = 'chaos-test';

function payment(id: string, status: string, captured: number, index: number, refunded = 0) {
  return {
    id,
    status,
    amount: captured || 1000,
    amount_captured: captured,
    amount_refunded: refunded,
    currency: 'usd',
    capture_method: 'automatic',
    metadata: { chaos_run: RUN, chaos_index: String(index) },
    merchantId: 'mer_00000001',
  };
}

function line(paymentId: string, kind: string, amount: string, sequence: number) {
  return {
    kind,
    payment_id: paymentId,
    amount_minor: amount,
    sequence: String(sequence),
    account: 'processor_receivable:simulated-a:USD',
  };
}

function outcome(paymentId: string, index: number): PaymentOutcome {
  return {
    plan: {
      index,
      merchant: 0,
      currency: 'usd',
      amountMinor: 1000,
      card: 'success',
      captureMethod: 'automatic',
      captureAmountMinor: null,
      captureDelayMs: 0,
      refundAmountsMinor: [],
      refundDelayMs: 0,
      startAtMs: 0,
    },
    merchantId: 'mer_00000001',
    createKey: `${RUN}-${index}-create`,
    paymentId,
    status: 'succeeded',
    amountCapturedMinor: 1000,
    refunds: [],
    latenciesMs: { create: 1200 },
    gaveUp: [],
    unexpected: [],
    doneAtMs: 1000,
    resumable: false,
  };
}

/** Two succeeded payments, booked once each: every check passes on these. */
function cleanFacts(): Facts {
  return {
    payments: [
      payment('pay_a', 'succeeded', 1000, 0),
      payment('pay_b', 'succeeded', 2500, 1),
      payment('pay_c', 'failed', 0, 2),
    ],
    refunds: [],
    payouts: [],
    gatewayBalances: [
      { merchantId: 'mer_00000001', currency: 'usd', availableMinor: 0n, pendingMinor: 3300n },
    ],
    trialBalance: { currencies: [{ currency: 'USD', net_minor: '0' }] },
    verify: { ok: true, checked_through_sequence: '2', balance_mismatches: [], first_broken_link: null },
    receivableLines: [line('pay_a', 'capture', '1000', 1), line('pay_b', 'capture', '2500', 2)],
    ledgerAccounts: [
      { code: 'processor_receivable:simulated-a:USD', currency: 'USD', balanceMinor: 3500n },
      { code: 'merchant_pending:mer_00000001:USD', currency: 'USD', balanceMinor: -3300n },
      { code: 'fee_revenue:USD', currency: 'USD', balanceMinor: -200n },
    ],
    reportingBalances: [
      { code: 'processor_receivable:simulated-a:USD', balanceMinor: 3500n },
      { code: 'merchant_pending:mer_00000001:USD', balanceMinor: -3300n },
      { code: 'fee_revenue:USD', balanceMinor: -200n },
    ],
    reportingVolume: [
      {
        merchantId: 'mer_00000001',
        currency: 'usd',
        grossMinor: 3500n,
        refundedMinor: 0n,
        count: 2,
        refundCount: 0,
      },
    ],
    reconciliation: { difference_count: 0, differences: [] },
    deadLetters: [],
    readErrors: [],
    control: { reports_received: 2, reports_unchecked: 0, reports_with_differences: 0, differences: [] },
  };
}

function check(facts: Facts, name: RegExp) {
  const results = evaluate({
    runId: RUN,
    outcomes: [outcome('pay_a', 0), outcome('pay_b', 1), outcome('pay_c', 2)],
    payouts: [],
    facts,
    finalLimitMs: 60_000,
    quiescence: { reached: true, waitedMs: 0, note: '' },
  });
  const found = results.find((r) => name.test(r.name));
  if (found === undefined) throw new Error(`no check named like ${name}`);
  return found;
}

describe('chaos plan', () => {
  const payments = { payments: 500, merchants: 3, seed: 42, loadStartMs: 2_000, loadEndMs: 102_000 };

  it('is the same for the same seed and differs for another', () => {
    expect(planPayments(payments)).toEqual(planPayments(payments));
    expect(planPayments({ ...payments, seed: 43 })).not.toEqual(planPayments(payments));
  });

  it('mixes declines, 3-D Secure, manual and partial captures, partial and full refunds, spread over the load', () => {
    const plans = planPayments(payments);
    expect(plans.filter((p) => p.card === 'decline').length).toBeGreaterThan(20);
    expect(plans.filter((p) => p.card === 'threeDSecure').length).toBeGreaterThan(20);
    expect(
      plans.filter((p) => p.captureMethod === 'manual' && p.captureAmountMinor !== null).length,
    ).toBeGreaterThan(10);
    expect(plans.filter((p) => p.refundAmountsMinor.includes('rest')).length).toBeGreaterThan(10);
    expect(
      plans.filter((p) => p.refundAmountsMinor.some((a) => typeof a === 'number')).length,
    ).toBeGreaterThan(10);
    for (const p of plans) {
      const captured = p.captureAmountMinor ?? p.amountMinor;
      const partial = p.refundAmountsMinor.filter((a): a is number => typeof a === 'number');
      expect(partial.reduce((s, a) => s + a, 0)).toBeLessThan(captured);
      expect(p.card === 'decline' && p.refundAmountsMinor.length > 0).toBe(false);
    }
    expect(plans[0]?.startAtMs).toBe(2_000);
    expect(plans.at(-1)?.startAtMs).toBe(102_000);
  });

  it('schedules every fault on every service one by one, then overlapping groups, after the start', () => {
    const { faults, endMs } = planFaults({
      seed: 7,
      kinds: ['kill', 'broker', 'db', 'stall'],
      startMs: 10_000,
      overlapGroups: 3,
      databaseOutageMs: 20_000,
      stallMs: 45_000,
      brokerDownMs: 5_000,
    });
    const sequential = faults.filter((f) => f.phase === 'sequential');
    const targets = (kind: string) =>
      sequential
        .flatMap((f) => (f.fault.kind === kind && 'target' in f.fault ? [f.fault.target] : []))
        .sort();
    expect(targets('kill')).toEqual([...SERVICES].sort());
    expect(targets('db')).toEqual([...SERVICES].sort());
    expect(sequential.filter((f) => f.fault.kind === 'broker')).toHaveLength(1);
    expect(sequential.filter((f) => f.fault.kind === 'stall')).toHaveLength(1);
    const groups = new Set(faults.filter((f) => f.phase === 'overlapping').map((f) => f.group));
    expect(groups.size).toBe(3);
    expect(Math.min(...faults.map((f) => f.atMs))).toBe(10_000);
    expect(Math.max(...faults.map((f) => f.atMs))).toBeLessThan(endMs);
  });
});

describe('chaos checks', () => {
  it('pass on books that agree', () => {
    const results = evaluate({
      runId: RUN,
      outcomes: [outcome('pay_a', 0), outcome('pay_b', 1), outcome('pay_c', 2)],
      payouts: [],
      facts: cleanFacts(),
      finalLimitMs: 60_000,
      quiescence: { reached: true, waitedMs: 0, note: '' },
    });
    expect(results.filter((r) => r.status === 'fail')).toEqual([]);
  });

  it('flag a succeeded payment whose capture the ledger never booked (a dropped capture)', () => {
    const facts = cleanFacts();
    facts.receivableLines = facts.receivableLines.filter((l) => l.payment_id !== 'pay_b');
    const result = capturesBookedOnce({
      runId: RUN,
      outcomes: [],
      payouts: [],
      facts,
      finalLimitMs: 60_000,
      quiescence: { reached: true, waitedMs: 0, note: '' },
    });
    expect(result.status).toBe('fail');
    expect(result.details).toEqual(['pay_b succeeded (2500 usd) but the ledger has no capture']);
    // The same gap shows in reporting's volume against nothing else: both derive from the ledger.
    expect(check(facts, /reporting/).status).toBe('fail');
  });

  it('flag a capture booked twice and one booked for a failed payment', () => {
    const facts = cleanFacts();
    facts.receivableLines.push(line('pay_a', 'capture', '1000', 3), line('pay_c', 'capture', '700', 4));
    const result = check(facts, /captured exactly once/);
    expect(result.status).toBe('fail');
    expect(result.summary).toContain('doubled 1');
    expect(result.summary).toContain('booked for failed/canceled 1');
  });

  it('flag a refund the ledger never booked', () => {
    const facts = cleanFacts();
    facts.refunds = [{ id: 're_1', payment: 'pay_a', amount: 300, currency: 'usd', status: 'succeeded' }];
    facts.payments[0] = payment('pay_a', 'succeeded', 1000, 0, 300);
    expect(check(facts, /refunds booked once/).status).toBe('fail');
  });

  it('flag payments stuck processing, duplicated keys and payments the client never learnt of', () => {
    const facts = cleanFacts();
    facts.payments.push(payment('pay_d', 'processing', 0, 3), payment('pay_e', 'succeeded', 0, 0));
    expect(check(facts, /final state/).details).toEqual([expect.stringContaining('pay_d processing')]);
    const keys = check(facts, /Idempotency-Key/);
    expect(keys.status).toBe('fail');
    expect(keys.summary).toContain('duplicated keys: 1');
    expect(keys.summary).toContain('never got their id: 2');
  });

  it('flag any dead letter, gateway balances that differ from the ledger and an unbalanced currency', () => {
    const facts = cleanFacts();
    facts.deadLetters = [
      {
        topic: 'ns.payments.events.dlq',
        partition: 0,
        offset: '0',
        headers: { 'dlq-reason': 'database "x" is not currently accepting connections' },
        type: 'payment.captured',
        aggregateId: 'pay_b',
        eventId: 'e1',
      },
    ];
    facts.gatewayBalances = [
      { merchantId: 'mer_00000001', currency: 'usd', availableMinor: 0n, pendingMinor: 1n },
    ];
    facts.trialBalance = { currencies: [{ currency: 'USD', net_minor: '5' }] };
    expect(check(facts, /dead-letter/).details[0]).toContain('not currently accepting connections');
    expect(check(facts, /gateway's balances/).status).toBe('fail');
    expect(check(facts, /trial balance/).status).toBe('fail');
  });

  it('judge payouts by what the gateway says at the end, not by what the client last saw', () => {
    const payouts = [
      {
        merchantId: 'mer_00000001',
        key: 'k1',
        id: 'po_1',
        amountMinor: 500,
        currency: 'usd',
        status: 'pending',
        note: '',
      },
      {
        merchantId: 'mer_00000001',
        key: 'k2',
        id: 'po_2',
        amountMinor: 513,
        currency: 'usd',
        status: 'pending',
        note: '',
      },
    ];
    const facts = cleanFacts();
    const judge = () =>
      evaluate({
        runId: RUN,
        outcomes: [],
        payouts,
        facts,
        finalLimitMs: 60_000,
        quiescence: { reached: true, waitedMs: 0, note: '' },
      }).find((r) => r.name.startsWith('payouts'));
    facts.payouts = [
      { id: 'po_1', status: 'paid' },
      { id: 'po_2', status: 'failed' },
    ];
    expect(judge()?.status).toBe('pass');
    facts.payouts = [
      { id: 'po_1', status: 'paid' },
      { id: 'po_2', status: 'pending' },
    ];
    expect(judge()?.details).toEqual(['po_2 513 usd: pending']);
  });

  it('pass control totals when the ledger lacks nothing, and show a dropped capture flagged or not', () => {
    expect(check(cleanFacts(), /control totals/).status).toBe('pass');

    const dropped = cleanFacts();
    dropped.receivableLines = dropped.receivableLines.filter((l) => l.payment_id !== 'pay_b');
    const flagged = {
      kind: 'capture_missing',
      item_id: 'cap_b0000001',
      payment_id: 'pay_b',
      merchant_id: 'mer_00000001',
      currency: 'USD',
      reported_minor: '2500',
      booked_minor: null,
    };
    dropped.control = {
      reports_received: 3,
      reports_unchecked: 0,
      reports_with_differences: 1,
      differences: [flagged],
    };
    const caught = check(dropped, /control totals/);
    expect(caught.status).toBe('fail');
    expect(caught.summary).toMatch(/missing by the harness's count 1, flagged by the ledger 1/);

    dropped.control = {
      reports_received: 3,
      reports_unchecked: 0,
      reports_with_differences: 0,
      differences: [],
    };
    expect(check(dropped, /control totals/).details).toEqual([
      'pay_b lacks its capture in the ledger and control totals did not flag it',
    ]);
  });

  it('put each client error on the faults in force when it happened', () => {
    const scheduled = {
      atMs: 0,
      phase: 'sequential' as const,
      group: 0,
      fault: { kind: 'kill' as const, target: 'gateway' as const },
    };
    const rows = errorsPerFault(
      [
        { atMs: 1_000, operation: 'create', kind: 'connection_refused', key: 'k1' },
        { atMs: 50_000, operation: 'create', kind: 'http_503', key: 'k2' },
      ],
      [
        {
          description: 'SIGKILL gateway',
          scheduled,
          startedAtMs: 500,
          undoneAtMs: 600,
          recoveredAtMs: 30_000,
          recoveryMs: 29_500,
          restartedInMs: 700,
          note: '',
        },
      ],
    );
    expect(rows).toEqual([
      { fault: 'SIGKILL gateway @1s', errors: 1, kinds: 'create:connection_refused 1' },
      { fault: 'no fault in force', errors: 1, kinds: 'create:http_503 1' },
    ]);
  });
});

describe('chaos options and the supervisor', () => {
  it('take flags over CHAOS_* variables over the scenario', () => {
    const options = parseOptions(['--payments', '50', '--faults=kill,db', '--keep'], {
      CHAOS_SEED: '9',
      CHAOS_PAYMENTS: '70',
    });
    if (options === 'help') throw new Error('no help asked');
    expect(options).toMatchObject({
      payments: 50,
      seed: 9,
      faults: ['kill', 'db'],
      keep: true,
      brokerPort: 19092,
      instances: 1,
    });
    expect(parseOptions(['--instances', '2'], {})).toMatchObject({ instances: 2 });
    expect(() => parseOptions(['--instances', '3'], {})).toThrow('--instances is 1 or 2');
    expect(() => parseOptions(['--faults', 'flood'], {})).toThrow('unknown fault kind');
    expect(() => parseOptions(['--colour', 'red'], {})).toThrow('unknown option');
    expect(parseOptions(['--help'], {})).toBe('help');
  });

  it('restarts a crash-looping service with a doubling delay, capped', () => {
    expect([1, 2, 3, 4].map(restartDelayMs)).toEqual([500, 1_000, 2_000, 4_000]);
    expect(restartDelayMs(20)).toBe(30_000);
  });
});
