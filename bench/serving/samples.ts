import type { Latency } from './load-spec.js';

/** A growable list of numbers, without a boxed array of a million of them. */
export class Samples {
  private values = new Float64Array(1 << 16);
  length = 0;

  push(value: number): void {
    if (this.length === this.values.length) {
      const grown = new Float64Array(this.values.length * 2);
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length] = value;
    this.length += 1;
  }

  latency(): Latency | null {
    if (this.length === 0) return null;
    const sorted = this.values.slice(0, this.length).sort();
    const at = (p: number) =>
      sorted[Math.min(this.length - 1, Math.ceil((p / 100) * this.length) - 1)] as number;
    let sum = 0;
    for (const value of sorted) sum += value;
    return { p50: at(50), p90: at(90), p99: at(99), max: at(100), mean: sum / this.length };
  }
}
