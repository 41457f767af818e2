import { percentile, summarize } from '../../../bench/payments/percentiles';

describe('percentiles (nearest rank)', () => {
  const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);

  it('gives the smallest value with at least p % of the sample at or below it', () => {
    expect(percentile(oneToHundred, 50)).toBe(50);
    expect(percentile(oneToHundred, 99)).toBe(99);
    expect(percentile(oneToHundred, 99.5)).toBe(100);
    expect(percentile(oneToHundred, 100)).toBe(100);
    expect(percentile([7, 9], 50)).toBe(7);
    expect(percentile([7, 9], 51)).toBe(9);
  });

  it('has no value for an empty sample and refuses a p outside (0, 100]', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 0)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('summarizes an unsorted sample numerically, leaving it as it was', () => {
    const sample = [30, 5, 1000, 200, 10];
    expect(summarize(sample)).toEqual({ n: 5, p50: 30, p95: 1000, p99: 1000, max: 1000 });
    expect(sample).toEqual([30, 5, 1000, 200, 10]);
    expect(summarize([])).toEqual({ n: 0, p50: null, p95: null, p99: null, max: null });
  });
});
