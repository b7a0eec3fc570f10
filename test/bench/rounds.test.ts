import { describe, expect, it } from 'vitest';
import type { Point } from '../../bench/serving/measure.js';
import { median, pairedRatio, repeated, RoundBook } from '../../bench/serving/rounds.js';
import { rssFlatness } from '../../bench/serving/rss-flatness.js';

/** A point answering `requestsPerSecond` with a p99 of `p99` ms. */
function point(requestsPerSecond: number, p99 = 1): Point {
  return {
    meanBatch: null,
    result: {
      generator: 'wrk',
      seconds: 10,
      sent: requestsPerSecond * 10,
      answered: requestsPerSecond * 10,
      ok: requestsPerSecond * 10,
      statuses: { '2xx': requestsPerSecond * 10 },
      errors: 0,
      timeouts: 0,
      okPerSecond: requestsPerSecond,
      okLatency: { p50: p99 / 2, p90: p99 / 1.5, p99, max: p99 * 2, mean: p99 / 2 },
      otherLatency: null,
    },
  };
}

describe('bench:serving rounds', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('reads a repeated point as its median round, a real measurement with its own latencies', () => {
    const rounds = [point(30_000, 9), point(10_000, 3), point(20_000, 5)];
    const read = repeated(rounds);
    expect(read.median.result.okPerSecond).toBe(20_000);
    expect(read.median.result.okLatency?.p99).toBe(5);
    expect(read.rounds).toEqual(rounds);
    // With an even count, the lower middle round, so the median is still one round.
    expect(repeated([point(4), point(1), point(3), point(2)]).median.result.okPerSecond).toBe(2);
    expect(() => repeated([])).toThrow('at least one round');
  });

  it('pairs each round with the same round of what it is compared with', () => {
    // The host slows down in round 2: the ratio within each round holds, the medians alone would not.
    const served = repeated([point(20_000), point(10_000), point(21_000)]);
    const bare = repeated([point(40_000), point(20_000), point(40_000)]);
    const share = pairedRatio(served, bare);
    expect(share.each).toEqual([0.5, 0.5, 0.525]);
    expect(share.median).toBe(0.5);
    const cost = pairedRatio(served, bare, (a, b) => 1 - a.result.okPerSecond / b.result.okPerSecond);
    expect(cost.median).toBe(0.5);
  });

  it('collects rounds by key and has nothing for a key never measured', () => {
    const book = new RoundBook();
    book.add('on/bc', point(1));
    book.add('on/bc', point(3));
    book.add('few/bc', point(2));
    expect(book.get('on/bc')?.rounds.map((p) => p.result.okPerSecond)).toEqual([1, 3]);
    expect(book.get('few/bc')?.median.result.okPerSecond).toBe(2);
    expect(book.get('bare/64')).toBeNull();
  });
});

describe('bench:serving memory flatness', () => {
  it('reads a heap growing to its size, then a sawtooth, as flat; a steady climb as growth', () => {
    // Warm-up growth in the first third, then a collector's sawtooth (the 40 s run after run 8).
    const sawtooth = [
      161, 189, 211, 234, 236, 246, 254, 256, 259, 265, 271, 277, 264, 252, 258, 266, 256, 259, 262,
    ];
    expect(rssFlatness(sawtooth)).toEqual({ middle: 277, last: 266, flat: true });
    const climbing = Array.from({ length: 30 }, (_, i) => 200 + 2 * i);
    expect(rssFlatness(climbing).flat).toBe(false);
    expect(() => rssFlatness([1, 2])).toThrow('at least three');
  });
});
