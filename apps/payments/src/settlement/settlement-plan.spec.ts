import {
  NO_FEE,
  fixedFeeMinor,
  planSettlements,
  processorFeeFor,
  settlementIdFor,
  type ProcessorFee,
  type UnsettledCapture,
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
    const planned = planSettlements(captures, feeOf);
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
    const planned = planSettlements(captures, feeOf, 2);
    expect(planned.map((s) => s.captureIds.length)).toEqual([2, 2, 1]);
    expect(new Set(planned.map((s) => s.settlementId)).size).toBe(3);
  });

  it('makes the same ids for the same captures whatever their order, and other ids for others', () => {
    const captures = [
      capture('simulated-a', 'USD', 100n, '2026-11-24T10:00:00Z'),
      capture('simulated-a', 'USD', 200n, '2026-11-24T11:00:00Z'),
    ];
    const once = planSettlements(captures, feeOf);
    const again = planSettlements([...captures].reverse(), feeOf);
    expect(again).toEqual(once);
    const late = planSettlements([capture('simulated-a', 'USD', 100n, '2026-11-24T12:00:00Z')], feeOf);
    expect(late[0]?.settlementId).not.toBe(once[0]?.settlementId);
    expect(once[0]?.settlementId).toMatch(/^stl_20261124_simulated-a_USD_[0-9a-f]{24}$/);
  });

  it('plans nothing for no captures', () => {
    expect(planSettlements([], feeOf)).toEqual([]);
  });
});

describe('settlementIdFor', () => {
  it('fits the contract for the longest processor name', () => {
    const id = settlementIdFor('p'.repeat(50), 'USD', '2026-11-24', ['cap_aaaaaaaa']);
    expect(id).toMatch(/^stl_[A-Za-z0-9_-]{8,100}$/);
  });
});
