import { caughtUp, progressOf } from './rebuild-progress';
import { ratio, volumeRowView } from './report-figures';

describe('report figures', () => {
  it('divides integers into rounded decimal strings', () => {
    expect(ratio(1n, 3n)).toBe('0.3333');
    expect(ratio(2n, 3n)).toBe('0.6667');
    expect(ratio(5n, 5n, 2)).toBe('1.00');
    expect(ratio(0n, 0n)).toBeNull();
  });

  // The sums of a USD capture of 10,000.00 settled as 1,512,000 JPY, a quarter of it refunded.
  it('reports fee and net in the settlement currency, gross in the presentment currency', () => {
    const view = volumeRowView({
      period_start: '2025-11-20',
      merchant: 'mer_aaaaaaaa',
      currency: 'USD',
      settlement_currency: 'JPY',
      payment_method: 'card',
      gross_minor: '1000000',
      refunded_minor: '250000',
      settlement_gross_minor: '1512000',
      fee_minor: '44376',
      settlement_refunded_minor: '378000',
      capture_count: '1',
      refund_count: '1',
    });
    expect(view).toMatchObject({
      currency: 'usd',
      gross_amount: '1000000',
      refunded_amount: '250000',
      settlement_currency: 'jpy',
      settlement_gross_amount: '1512000',
      fee_amount: '44376',
      settlement_refunded_amount: '378000',
      // 1,512,000 − 44,376 − 378,000 JPY: what the merchant's JPY accounts were credited, net.
      net_amount: '1089624',
      refunded_amount_rate: '0.2500',
    });
  });
});

describe('rebuild progress', () => {
  it('measures the rate and the time left', () => {
    const progress = progressOf(
      [
        { atMs: 0, eventsDone: 0n },
        { atMs: 2_000, eventsDone: 1_000n },
      ],
      3_000n,
    );
    expect(progress).toEqual({
      eventsDone: '1000',
      eventsTotal: '3000',
      ratePerSecond: 500,
      secondsLeft: 4,
      percent: 33.33,
    });
  });

  it('is caught up with everything the live one has, a shared gap included', () => {
    const live = { contiguousSequence: 4n, lastSequence: 9n, eventsApplied: 8n, aheadCount: 4n };
    expect(
      caughtUp({ contiguousSequence: 9n, lastSequence: 9n, eventsApplied: 9n, aheadCount: 0n }, live),
    ).toBe(true);
    expect(caughtUp({ ...live }, live)).toBe(true);
    expect(caughtUp({ ...live, eventsApplied: 7n }, live)).toBe(false);
  });
});
