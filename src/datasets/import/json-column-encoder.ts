import type { ColumnType } from '../dataset-table.js';
import { BoolBuilder, Float64Builder, StringBuilder } from './column-builders.js';
import type { EncodedColumn } from './encoded-batch.js';
import { sourceChangedError } from './source-changed.js';

type State = 'null' | 'float64' | 'bool' | 'string';

/**
 * One column of one batch of JSON values (JSONL). JSON says what each value is: numbers make a
 * float64 column, true/false a bool column, anything else (or a mix) a string column; objects and
 * arrays are kept as their JSON text. null and a missing key are missing values; "" is an empty
 * string, as in Parquet (only CSV cannot tell the two apart). Unlike CSV, switching to text loses
 * nothing: numbers and booleans already converted are written back as their JSON text.
 */
export class JsonColumnEncoder {
  private state: State = 'null';
  private rows = 0;
  private floats: Float64Builder | undefined;
  private bools: BoolBuilder | undefined;
  private strings: StringBuilder | undefined;

  constructor(
    private readonly capacity: number,
    private readonly forced: ColumnType | null,
  ) {
    if (forced) this.state = forced;
  }

  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendMissing();
    } else if (typeof value === 'number') {
      if (this.state === 'null') this.state = 'float64';
      if (this.state === 'float64') this.floatBuilder().append(value);
      else if (this.state === 'bool') this.toText('a bool column holds numbers').append(String(value));
      else this.stringBuilder().append(String(value));
    } else if (typeof value === 'boolean') {
      if (this.state === 'null') this.state = 'bool';
      if (this.state === 'bool') this.boolBuilder().append(value);
      else if (this.state === 'float64')
        this.toText('a number column holds true/false').append(String(value));
      else this.stringBuilder().append(String(value));
    } else {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (this.state === 'null') this.state = 'string';
      if (this.state === 'string') this.stringBuilder().append(text);
      else this.toText(`a ${this.state} column holds text`).append(text);
    }
    this.rows += 1;
  }

  /** For a column first seen after `count` rows of the batch: those rows are missing values. */
  skip(count: number): void {
    this.rows += count;
    if (this.floats) this.floats.appendMissing(count);
    if (this.bools) this.bools.appendMissing(count);
    if (this.strings) this.strings.appendMissing(count);
  }

  finish(): EncodedColumn {
    if (this.state === 'float64') return this.floatBuilder().finish();
    if (this.state === 'bool') return this.boolBuilder().finish();
    if (this.state === 'string') return this.stringBuilder().finish();
    return { type: 'null' };
  }

  private appendMissing(): void {
    if (this.state === 'float64') this.floatBuilder().append(NaN);
    else if (this.state === 'bool') this.boolBuilder().append(null);
    else if (this.state === 'string') this.stringBuilder().append(null);
  }

  /** Turns the column into text, rewriting the values so far; refused when the type was forced. */
  private toText(reason: string): StringBuilder {
    if (this.forced) throw sourceChangedError(reason);
    const strings = new StringBuilder(this.capacity);
    if (this.floats) {
      for (const value of this.floats.values.subarray(0, this.floats.length)) {
        strings.append(value === value ? String(value) : null);
      }
    } else if (this.bools) {
      const { values, valid, length } = this.bools;
      for (let i = 0; i < length; i++) strings.append(valid[i] ? String(values[i] === 1) : null);
    } else {
      strings.appendMissing(this.rows);
    }
    this.floats = undefined;
    this.bools = undefined;
    this.strings = strings;
    this.state = 'string';
    return strings;
  }

  // A builder created after rows were seen starts with them as missing values (all were).
  private floatBuilder(): Float64Builder {
    if (!this.floats) {
      this.floats = new Float64Builder(this.capacity);
      this.floats.appendMissing(this.rows);
    }
    return this.floats;
  }

  private boolBuilder(): BoolBuilder {
    if (!this.bools) {
      this.bools = new BoolBuilder(this.capacity);
      this.bools.appendMissing(this.rows);
    }
    return this.bools;
  }

  private stringBuilder(): StringBuilder {
    if (!this.strings) {
      this.strings = new StringBuilder(this.capacity);
      this.strings.appendMissing(this.rows);
    }
    return this.strings;
  }
}
