import { describe, expect, it } from 'vitest';
import { percentile, selectKth } from '../../src/evaluation/metrics/quantile.js';

// numpy's linear percentile on a sorted copy: the definition the selection must reproduce.
function sortedPercentile(values: number[], percent: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const virtual = (sorted.length - 1) * (percent / 100);
  const lower = Math.floor(virtual);
  const a = sorted[lower] as number;
  const b = sorted[Math.min(lower + 1, sorted.length - 1)] as number;
  const t = virtual - lower;
  return t >= 0.5 ? b - (b - a) * (1 - t) : a + (b - a) * t;
}

describe('percentile', () => {
  it("matches numpy's default (linear) percentile", () => {
    expect(percentile(Float64Array.from([1, 2, 3, 4]), 50)).toBe(2.5);
    expect(percentile(Float64Array.from([4, 3, 2, 1]), 99)).toBe(3.9699999999999998);
    expect(percentile(Float64Array.from([3, 1, 2]), 25)).toBe(1.5);
    expect(percentile(Float64Array.from([5]), 99)).toBe(5);
  });

  it('equals the sorted definition on shapes that trouble selection', () => {
    let seed = 11;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const shapes: number[][] = [
      Array.from({ length: 1001 }, () => random()),
      Array.from({ length: 1000 }, () => Math.floor(random() * 3)),
      Array.from({ length: 777 }, () => 0),
      Array.from({ length: 500 }, (_, i) => i),
      Array.from({ length: 500 }, (_, i) => 500 - i),
      Array.from({ length: 999 }, (_, i) => (i % 2 === 0 ? i : -i)),
    ];
    for (const values of shapes) {
      for (const percent of [0, 1, 25, 50, 73.3, 99, 100]) {
        expect(percentile(Float64Array.from(values), percent)).toBe(sortedPercentile(values, percent));
      }
    }
  });

  it('is null for no values and NaN when a value is NaN', () => {
    expect(percentile(new Float64Array(0), 50)).toBeNull();
    expect(percentile(Float64Array.from([1, Number.NaN]), 50)).toBeNaN();
    expect(() => percentile(Float64Array.from([1]), 101)).toThrow(/Percentile must be in \[0, 100\]/);
  });
});

describe('selectKth', () => {
  it('partitions around the k-th smallest value', () => {
    const values = Float64Array.from([9, 1, 8, 2, 7, 3, 6, 4, 5, 5]);
    selectKth(values, 4);
    expect(values[4]).toBe(5);
    for (let i = 0; i < 4; i++) expect(values[i]).toBeLessThanOrEqual(5);
    for (let i = 5; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(5);
  });
});
