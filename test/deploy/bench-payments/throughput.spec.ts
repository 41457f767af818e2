import { bestSustainedRate, saturationReason } from '../../../bench/payments/throughput';

/** Samples every second: count per second given per interval. */
function series(perSecond: number[]) {
  let count = 0;
  const samples = [{ atMs: 0, count: 0 }];
  perSecond.forEach((n, i) => {
    count += n;
    samples.push({ atMs: (i + 1) * 1000, count });
  });
  return samples;
}

describe('best sustained rate', () => {
  it('is the steady rate of a steady series', () => {
    expect(bestSustainedRate(series(Array(120).fill(500)), 60_000)).toEqual({
      ratePerS: 500,
      fromMs: 0,
      toMs: 60_000,
      windowMs: 60_000,
      full: true,
    });
  });

  it('finds the best window, and a short burst does not make it', () => {
    const best = bestSustainedRate(
      series([...Array(30).fill(10), ...Array(60).fill(400), 5_000, ...Array(30).fill(10)]),
      60_000,
    );
    expect(best?.full).toBe(true);
    // 59 s at 400 plus the 5,000 burst beats 60 s at 400, but not by the burst alone.
    expect(best?.ratePerS).toBeCloseTo((59 * 400 + 5_000) / 60, 6);
  });

  it('gives the whole span, marked not full, when the series is shorter than the window', () => {
    expect(bestSustainedRate(series([10, 20, 30]), 60_000)).toEqual({
      ratePerS: 20,
      fromMs: 0,
      toMs: 3_000,
      windowMs: 3_000,
      full: false,
    });
    expect(bestSustainedRate([{ atMs: 0, count: 0 }], 60_000)).toBeNull();
  });
});

describe('saturation', () => {
  const healthy = {
    offeredPerS: 100,
    answeredPerS: 99.5,
    sent: 3_000,
    final: 3_000,
    errors: 0,
    drained: true,
  };

  it('is not saturated when the step keeps up', () => {
    expect(saturationReason(healthy)).toBeNull();
  });

  it('names what gave way', () => {
    expect(saturationReason({ ...healthy, answeredPerS: 60 })).toMatch(/answered 60.0\/s of 100.0\/s/);
    expect(saturationReason({ ...healthy, final: 2_000 })).toMatch(/66.7 % answered with a final status/);
    expect(saturationReason({ ...healthy, errors: 60 })).toMatch(/2.0 % errors/);
    expect(saturationReason({ ...healthy, drained: false })).toMatch(/did not drain/);
  });
});
