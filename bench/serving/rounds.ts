import type { Point } from './measure.js';

/**
 * A point measured once per round. This machine's speed drifts by a quarter or more within an hour
 * (onnxruntime alone at batch 1,000 measured 1.29 M rows/s in one run and 0.65 M in the next), so
 * every point a target is judged on runs in rounds, interleaved with what it is compared to, and is
 * read as its median round, its ratios as the median of each round's own ratio.
 */
export interface Repeated {
  /** Every round's point, in order. */
  readonly rounds: readonly Point[];
  /** The round whose requests/s is the median (one real measurement, latencies and all). */
  readonly median: Point;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** The rounds of a point, with its median round (the lower middle one for an even count). */
export function repeated(rounds: readonly Point[]): Repeated {
  if (rounds.length === 0) throw new Error('a repeated point needs at least one round');
  const byThroughput = [...rounds].sort((a, b) => a.result.okPerSecond - b.result.okPerSecond);
  return { rounds, median: byThroughput[Math.floor((byThroughput.length - 1) / 2)] as Point };
}

/** The median over rounds of `ratio(round i of a, round i of b)`: each round's pair ran minutes apart at most. */
export function pairedRatio(
  a: Repeated,
  b: Repeated,
  ratio: (a: Point, b: Point) => number = (x, y) => x.result.okPerSecond / y.result.okPerSecond,
): { median: number; each: number[] } {
  const each = a.rounds.map((point, i) => ratio(point, b.rounds[i] as Point));
  return { median: median(each), each };
}

/** Collects points by key, round after round. */
export class RoundBook {
  private readonly points = new Map<string, Point[]>();

  add(key: string, point: Point): Point {
    const list = this.points.get(key) ?? [];
    list.push(point);
    this.points.set(key, list);
    return point;
  }

  get(key: string): Repeated | null {
    const list = this.points.get(key);
    return list === undefined ? null : repeated(list);
  }
}
