import fc from 'fast-check';
import { delayUntilNextMs, dueCount, dueOffsetMs, plannedCount } from '../../../bench/payments/open-loop';

describe('open-loop schedule', () => {
  it('plans rate x duration requests, at least one', () => {
    expect(plannedCount(25, 30)).toBe(750);
    expect(plannedCount(0.5, 1)).toBe(1);
    expect(() => plannedCount(0, 30)).toThrow(RangeError);
  });

  it('makes the first request due at once and the others every 1/rate seconds', () => {
    expect(dueCount(0, 10, 100)).toBe(1);
    expect(dueCount(99.9, 10, 100)).toBe(1);
    expect(dueCount(100, 10, 100)).toBe(2);
    expect(dueCount(999, 10, 100)).toBe(10);
    expect(dueCount(-1, 10, 100)).toBe(0);
    expect(dueCount(60_000, 10, 100)).toBe(100);
  });

  it('counts exactly the requests whose due time has come, never more than planned', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2_000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.double({ min: 0, max: 10_000, noNaN: true }),
        (ratePerS, planned, elapsedMs) => {
          let expected = 0;
          while (expected < planned && dueOffsetMs(expected, ratePerS) <= elapsedMs + 1e-6) expected += 1;
          expect(dueCount(elapsedMs, ratePerS, planned)).toBe(expected);
        },
      ),
    );
  });

  it('sleeps until the next due request, not at all when it is late, and stops when all were sent', () => {
    expect(delayUntilNextMs(3, 250, 10, 100)).toBe(50);
    expect(delayUntilNextMs(3, 400, 10, 100)).toBe(0);
    expect(delayUntilNextMs(100, 400, 10, 100)).toBeNull();
  });
});
