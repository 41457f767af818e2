import { controlReportsOf, dueWindows, type RecordedMovement } from './control-report';

const window = { start: new Date('2026-12-05T10:00:00Z'), end: new Date('2026-12-05T10:01:00Z') };

function capture(merchantId: string, currency: string, id: number, amountMinor = '100'): RecordedMovement {
  return {
    kind: 'capture',
    merchantId,
    currency,
    captureId: `cap_${String(id).padStart(4, '0')}`,
    paymentId: `pay_${id}`,
    amountMinor,
  };
}

describe('controlReportsOf', () => {
  it('reports each merchant and currency apart, with every movement and its amount', () => {
    const reports = controlReportsOf(
      [
        capture('mer_a', 'USD', 2, '250'),
        capture('mer_a', 'EUR', 1),
        {
          kind: 'refund',
          merchantId: 'mer_a',
          currency: 'USD',
          refundId: 're_1',
          paymentId: 'pay_2',
          amountMinor: '50',
        },
        { kind: 'payout', merchantId: 'mer_b', currency: 'USD', payoutId: 'po_1', amountMinor: '900' },
      ],
      window,
    );
    expect(reports.map((report) => `${report.merchantId} ${report.currency}`)).toEqual([
      'mer_a EUR',
      'mer_a USD',
      'mer_b USD',
    ]);
    expect(reports[1]).toEqual({
      merchantId: 'mer_a',
      currency: 'USD',
      windowStart: '2026-12-05T10:00:00.000Z',
      windowEnd: '2026-12-05T10:01:00.000Z',
      part: 1,
      parts: 1,
      captures: [{ captureId: 'cap_0002', paymentId: 'pay_2', amountMinor: '250' }],
      refunds: [{ refundId: 're_1', paymentId: 'pay_2', amountMinor: '50' }],
      payouts: [],
    });
    expect(reports[2]?.payouts).toEqual([{ payoutId: 'po_1', amountMinor: '900' }]);
  });

  it('cuts a busy window into parts that together hold every item once, in id order', () => {
    const movements = [5, 3, 1, 4, 2].map((id) => capture('mer_a', 'USD', id));
    const reports = controlReportsOf(movements, window, 2);
    expect(reports.map((report) => [report.part, report.parts])).toEqual([
      [1, 3],
      [2, 3],
      [3, 3],
    ]);
    expect(reports.flatMap((report) => report.captures.map((item) => item.captureId))).toEqual([
      'cap_0001',
      'cap_0002',
      'cap_0003',
      'cap_0004',
      'cap_0005',
    ]);
  });

  it('reports nothing for a window without movements', () => {
    expect(controlReportsOf([], window)).toEqual([]);
  });
});

describe('dueWindows', () => {
  const minute = 60_000;
  it('gives the windows that ended a grace period ago, one after the other, up to the limit', () => {
    const first = new Date('2026-12-05T10:00:00Z');
    const now = new Date('2026-12-05T10:05:30Z');
    const windows = dueWindows(null, first, now, minute, 2 * minute, 10);
    expect(windows.map((w) => w.start.toISOString().slice(11, 16))).toEqual(['10:00', '10:01', '10:02']);
    expect(dueWindows(windows.at(-1)?.end ?? null, first, now, minute, 2 * minute, 10)).toEqual([]);
    expect(dueWindows(null, first, now, minute, 2 * minute, 2)).toHaveLength(2);
  });
});
