import { randomUUID } from 'node:crypto';
import { ContractViolationError, createEvent, parseEvent } from '../event-envelope';

const metadata = {
  aggregateId: 'stl_20261124_simulated-a_USD_0123456789ab',
  aggregateSequence: 1,
  merchantId: 'platform',
  correlationId: randomUUID(),
  causationId: null,
};

/** A settlement as it was before refunds and chargebacks were netted out of it. */
const capturesOnly = {
  settlementId: 'stl_20261124_simulated-a_USD_0123456789ab',
  processor: 'simulated-a',
  currency: 'USD',
  settlementDate: '2026-11-24',
  grossAmountMinor: '10000',
  processorFeeAmountMinor: '200',
  netAmountMinor: '9800',
  captureIds: ['cap_0123456789'],
};

function envelope(data: Record<string, unknown>) {
  return {
    id: randomUUID(),
    type: 'settlement.reported',
    schemaVersion: 1,
    occurredAt: new Date().toISOString(),
    ...metadata,
    data,
  };
}

describe('settlement.reported', () => {
  it('still parses an event without deductions: they default to none', () => {
    const event = parseEvent(envelope(capturesOnly));
    expect(event.data).toEqual({
      ...capturesOnly,
      refundedAmountMinor: '0',
      chargebackAmountMinor: '0',
      refundIds: [],
      disputeIds: [],
    });
  });

  it('lists refunds and lost disputes, with or without captures, and a negative net', () => {
    const netted = createEvent(
      'settlement.reported',
      {
        ...capturesOnly,
        refundedAmountMinor: '2500',
        chargebackAmountMinor: '1000',
        netAmountMinor: '6300',
        refundIds: ['re_0123456789'],
        disputeIds: ['dp_0123456789'],
      },
      metadata,
    );
    expect(netted.data.refundIds).toEqual(['re_0123456789']);
    const deductionsOnly = createEvent(
      'settlement.reported',
      {
        ...capturesOnly,
        grossAmountMinor: '0',
        refundedAmountMinor: '2500',
        chargebackAmountMinor: '0',
        processorFeeAmountMinor: '0',
        netAmountMinor: '-2500',
        captureIds: [],
        refundIds: ['re_0123456789'],
        disputeIds: [],
      },
      metadata,
    );
    expect(deductionsOnly.data.netAmountMinor).toBe('-2500');
  });

  it.each([
    ['nothing listed', { captureIds: [] }],
    ['a negative refunded amount', { refundedAmountMinor: '-1' }],
    ['a refund id that is not one', { refundIds: ['cap_0123456789'] }],
    ['a dispute id that is not one', { disputeIds: ['re_0123456789'] }],
    ['an unknown field', { deductions: [] }],
  ])('refuses %s', (_what, change) => {
    expect(() => parseEvent(envelope({ ...capturesOnly, ...change }))).toThrow(ContractViolationError);
  });
});

describe('ledger.entry_rejected of a settlement', () => {
  it('names the settlement and says precisely what was wrong', () => {
    const rejected = createEvent(
      'ledger.entry_rejected',
      {
        sourceEventId: randomUUID(),
        sourceEventType: 'settlement.reported',
        reason: 'already_settled',
        message: 'refund re_0123456789 was already settled by stl_x0000000',
        settlementId: capturesOnly.settlementId,
      },
      metadata,
    );
    expect(rejected.data.settlementId).toBe(capturesOnly.settlementId);
    for (const reason of [
      'settlement_totals_mismatch',
      'unknown_settlement_item',
      'settlement_item_mismatch',
      'dispute_not_lost',
    ] as const) {
      expect(() =>
        createEvent('ledger.entry_rejected', { ...rejected.data, reason }, metadata),
      ).not.toThrow();
    }
  });
});
