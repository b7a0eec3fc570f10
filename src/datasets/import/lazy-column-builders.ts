import { BoolBuilder, Float64Builder, StringBuilder } from './column-builders.js';

/**
 * The builders of one column of one batch while its type is being decided. Each is created on
 * first use and starts with the rows seen so far as missing values: before a column's first
 * number (or boolean, or text), every row of it was missing as far as that type is concerned.
 */
export class LazyColumnBuilders {
  /** Rows of the batch seen so far, whichever builder holds them. */
  rows = 0;
  floats: Float64Builder | undefined;
  bools: BoolBuilder | undefined;
  strings: StringBuilder | undefined;

  constructor(private readonly capacity: number) {}

  float(): Float64Builder {
    if (!this.floats) {
      this.floats = new Float64Builder(this.capacity);
      this.floats.appendMissing(this.rows);
    }
    return this.floats;
  }

  bool(): BoolBuilder {
    if (!this.bools) {
      this.bools = new BoolBuilder(this.capacity);
      this.bools.appendMissing(this.rows);
    }
    return this.bools;
  }

  string(): StringBuilder {
    if (!this.strings) {
      this.strings = new StringBuilder(this.capacity);
      this.strings.appendMissing(this.rows);
    }
    return this.strings;
  }

  /** `count` missing rows, in every builder there is. */
  skip(count: number): void {
    this.rows += count;
    this.floats?.appendMissing(count);
    this.bools?.appendMissing(count);
    this.strings?.appendMissing(count);
  }
}
