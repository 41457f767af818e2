import {
  NO_FEE,
  fixedFeeMinor,
  planSettlements,
  processorFeeFor,
  settlementIdFor,
  type ProcessorFee,
  type DeductionKind,
  type UnsettledCapture,
  type UnsettledDeduction,
} from './settlement-plan';

const FEES: Record<string, ProcessorFee> = {
  'simulated-a': { basisPoints: 180n, fixedHundredths: 20n },
  'simulated-b': { basisPoints: 150n, fixedHundredths: 25n },
};
const feeOf = (processor: string) => FEES[processor] ?? NO_FEE;

let counter = 0;
function capture(
  processor: string,
  currency: string,
  amountMinor: bigint,
  capturedAt: string,
): UnsettledCapture {
  counter += 1;
  return {
    captureId: `cap_test${String(counter).padStart(8, '0')}`,
    processor,
    currency,
    amountMinor,
    capturedAt: new Date(capturedAt),
  };
}

function deduction(
  kind: DeductionKind,
  processor: string,
  currency: string,
  amountMinor: bigint,
  occurredAt: string,
): UnsettledDeduction {
  counter += 1;
  return {
    kind,
    id: `${kind === 'refund' ? 're' : 'dp'}_test${String(counter).padStart(8, '0')}`,
    processor,
    currency,
    amountMinor,
    occurredAt: new Date(occurredAt),
  };
}

describe('processor fees', () => {
  it('takes basis points rounded half away from zero plus the fixed part per capture', () => {
    // 100.00 at 1.80 % = 1.80, + 0.20.
    expect(processorFeeFor(10_000n, 'USD', FEES['simulated-a'] ?? NO_FEE)).toBe(200n);
    // 0.25 at 1.80 % = 0.45 of a cent: rounds to 0; 0.28 → 0.504 → 1.
    expect(processorFeeFor(25n, 'USD', { basisPoints: 180n, fixedHundredths: 0n })).toBe(0n);
    expect(processorFeeFor(28n, 'USD', { basisPoints: 180n, fixedHundredths: 0n })).toBe(1n);
    // 1.25 at 200 bps = 2.5 → 3 (half away from zero).
    expect(processorFeeFor(125n, 'USD', { basisPoints: 200n, fixedHundredths: 0n })).toBe(3n);
  });

  it('scales the fixed part to the currency exponent and never charges more than the capture', () => {
    const fee = { basisPoints: 0n, fixedHundredths: 25n };
    expect(fixedFeeMinor(fee, 'USD')).toBe(25n);
    expect(fixedFeeMinor(fee, 'KWD')).toBe(250n);
    expect(fixedFeeMinor(fee, 'JPY')).toBe(0n);
    expect(processorFeeFor(10n, 'USD', fee)).toBe(10n);
  });
});

describe('planSettlements', () => {
  it('groups by processor, currency and UTC capture day, and sums gross, fee and net', () => {
    const captures = [
      capture('simulated-a', 'USD', 10_000n, '2026-11-24T10:00:00Z'),
      capture('simulated-a', 'USD', 5_000n, '2026-11-24T23:59:59.999Z'),
      capture('simulated-a', 'USD', 7_000n, '2026-11-25T00:00:00Z'),
      capture('simulated-a', 'EUR', 2_000n, '2026-11-24T12:00:00Z'),
      capture('simulated-b', 'USD', 3_000n, '2026-11-24T12:00:00Z'),
      capture('simulated-x', 'USD', 1_000n, '2026-11-24T12:00:00Z'),
    ];
    const planned = planSettlements(captures, [], feeOf);
    const summary = planned.map((s) => [
      s.processor,
      s.currency,
      s.settlementDate,
      s.grossAmountMinor,
      s.processorFeeAmountMinor,
      s.netAmountMinor,
      s.captureIds.length,
    ]);
    expect(summary).toEqual([
      // 200 (1.80 + 0.20) + 110 (0.90 + 0.20)
      ['simulated-a', 'USD', '2026-11-24', 15_000n, 310n, 14_690n, 2],
      ['simulated-a', 'EUR', '2026-11-24', 2_000n, 56n, 1_944n, 1],
      ['simulated-b', 'USD', '2026-11-24', 3_000n, 70n, 2_930n, 1],
      ['simulated-x', 'USD', '2026-11-24', 1_000n, 0n, 1_000n, 1],
      ['simulated-a', 'USD', '2026-11-25', 7_000n, 146n, 6_854n, 1],
    ]);
    for (const s of planned) expect(s.netAmountMinor + s.processorFeeAmountMinor).toBe(s.grossAmountMinor);
    expect(new Set(planned.flatMap((s) => s.captureIds)).size).toBe(captures.length);
  });

  it('splits a large group into settlements of at most the batch size', () => {
    const captures = Array.from({ length: 5 }, () =>
      capture('simulated-a', 'USD', 100n, '2026-11-24T10:00:00Z'),
    );
    const planned = planSettlements(captures, [], feeOf, 2);
    expect(planned.map((s) => s.captureIds.length)).toEqual([2, 2, 1]);
    expect(new Set(planned.map((s) => s.settlementId)).size).toBe(3);
  });

  it('makes the same ids for the same captures whatever their order, and other ids for others', () => {
    const captures = [
      capture('simulated-a', 'USD', 100n, '2026-11-24T10:00:00Z'),
      capture('simulated-a', 'USD', 200n, '2026-11-24T11:00:00Z'),
    ];
    const once = planSettlements(captures, [], feeOf);
    const again = planSettlements([...captures].reverse(), [], feeOf);
    expect(again).toEqual(once);
    const late = planSettlements([capture('simulated-a', 'USD', 100n, '2026-11-24T12:00:00Z')], [], feeOf);
    expect(late[0]?.settlementId).not.toBe(once[0]?.settlementId);
    expect(once[0]?.settlementId).toMatch(/^stl_20261124_simulated-a_USD_[0-9a-f]{24}$/);
  });

  it('deducts the refunds and chargebacks of the same processor, currency and day; fees only on captures', () => {
    const captures = [
      capture('simulated-a', 'USD', 10_000n, '2026-11-24T10:00:00Z'),
      capture('simulated-a', 'USD', 5_000n, '2026-11-24T11:00:00Z'),
    ];
    const refund = deduction('refund', 'simulated-a', 'USD', 4_000n, '2026-11-24T12:00:00Z');
    const chargeback = deduction('chargeback', 'simulated-a', 'USD', 5_000n, '2026-11-24T13:00:00Z');
    const elsewhere = [
      deduction('refund', 'simulated-b', 'USD', 100n, '2026-11-24T12:00:00Z'),
      deduction('refund', 'simulated-a', 'EUR', 200n, '2026-11-24T12:00:00Z'),
      deduction('refund', 'simulated-a', 'USD', 300n, '2026-11-25T00:00:00Z'),
    ];
    const planned = planSettlements(captures, [chargeback, ...elsewhere, refund], feeOf);
    const [day] = planned;
    // 15 000 − 4 000 − 5 000 − (200 + 110) = 5 690.
    expect(day).toMatchObject({
      processor: 'simulated-a',
      currency: 'USD',
      settlementDate: '2026-11-24',
      grossAmountMinor: 15_000n,
      refundedAmountMinor: 4_000n,
      chargebackAmountMinor: 5_000n,
      processorFeeAmountMinor: 310n,
      netAmountMinor: 5_690n,
      captureIds: captures.map((c) => c.captureId),
      refundIds: [refund.id],
      disputeIds: [chargeback.id],
    });
    // Each deduction elsewhere settles with its own processor, currency and day.
    expect(planned.slice(1).map((s) => [s.processor, s.currency, s.settlementDate, s.refundIds])).toEqual(
      elsewhere.map((d) => [d.processor, d.currency, d.occurredAt.toISOString().slice(0, 10), [d.id]]),
    );
  });

  it('plans a day of deductions only with a negative net: the processor debits the bank', () => {
    const refund = deduction('refund', 'simulated-a', 'USD', 2_500n, '2026-11-24T10:00:00Z');
    const chargeback = deduction('chargeback', 'simulated-a', 'USD', 1_000n, '2026-11-24T11:00:00Z');
    expect(planSettlements([], [refund, chargeback], feeOf)).toEqual([
      expect.objectContaining({
        grossAmountMinor: 0n,
        refundedAmountMinor: 2_500n,
        chargebackAmountMinor: 1_000n,
        processorFeeAmountMinor: 0n,
        netAmountMinor: -3_500n,
        captureIds: [],
        refundIds: [refund.id],
        disputeIds: [chargeback.id],
      }),
    ]);
  });

  it('counts deductions in the batch size and in the settlement id', () => {
    const captures = [
      capture('simulated-a', 'USD', 100n, '2026-11-24T10:00:00Z'),
      capture('simulated-a', 'USD', 100n, '2026-11-24T12:00:00Z'),
    ];
    const refund = deduction('refund', 'simulated-a', 'USD', 50n, '2026-11-24T11:00:00Z');
    const split = planSettlements(captures, [refund], feeOf, 2);
    expect(split.map((s) => [s.captureIds.length, s.refundIds.length])).toEqual([
      [1, 1],
      [1, 0],
    ]);
    const withRefund = planSettlements(captures, [refund], feeOf);
    expect(planSettlements(captures, [refund], feeOf)).toEqual(withRefund);
    expect(withRefund[0]?.settlementId).not.toBe(planSettlements(captures, [], feeOf)[0]?.settlementId);
    for (const s of [...split, ...withRefund]) {
      expect(s.netAmountMinor).toBe(
        s.grossAmountMinor - s.refundedAmountMinor - s.chargebackAmountMinor - s.processorFeeAmountMinor,
      );
    }
  });

  it('plans nothing for no captures', () => {
    expect(planSettlements([], [], feeOf)).toEqual([]);
  });
});

describe('settlementIdFor', () => {
  it('fits the contract for the longest processor name', () => {
    const id = settlementIdFor('p'.repeat(50), 'USD', '2026-11-24', ['cap_aaaaaaaa']);
    expect(id).toMatch(/^stl_[A-Za-z0-9_-]{8,100}$/);
  });
});
