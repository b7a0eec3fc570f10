import type { ColumnType } from '../dataset-table.js';
import { StringBuilder } from './column-builders.js';
import type { EncodedColumn } from './encoded-batch.js';
import { LazyColumnBuilders } from './lazy-column-builders.js';
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
  private readonly builders: LazyColumnBuilders;

  constructor(
    private readonly capacity: number,
    private readonly forced: ColumnType | null,
  ) {
    this.builders = new LazyColumnBuilders(capacity);
    if (forced) this.state = forced;
  }

  append(value: unknown): void {
    if (value === null || value === undefined) {
      this.appendMissing();
    } else if (typeof value === 'number') {
      if (this.state === 'null') this.state = 'float64';
      if (this.state === 'float64') this.builders.float().append(value);
      else if (this.state === 'bool') this.toText('a bool column holds numbers').append(String(value));
      else this.builders.string().append(String(value));
    } else if (typeof value === 'boolean') {
      if (this.state === 'null') this.state = 'bool';
      if (this.state === 'bool') this.builders.bool().append(value);
      else if (this.state === 'float64')
        this.toText('a number column holds true/false').append(String(value));
      else this.builders.string().append(String(value));
    } else {
      const text = typeof value === 'string' ? value : JSON.stringify(value);
      if (this.state === 'null') this.state = 'string';
      if (this.state === 'string') this.builders.string().append(text);
      else this.toText(`a ${this.state} column holds text`).append(text);
    }
    this.builders.rows += 1;
  }

  /** For a column first seen after `count` rows of the batch: those rows are missing values. */
  skip(count: number): void {
    this.builders.skip(count);
  }

  finish(): EncodedColumn {
    if (this.state === 'float64') return this.builders.float().finish();
    if (this.state === 'bool') return this.builders.bool().finish();
    if (this.state === 'string') return this.builders.string().finish();
    return { type: 'null' };
  }

  private appendMissing(): void {
    if (this.state === 'float64') this.builders.float().append(NaN);
    else if (this.state === 'bool') this.builders.bool().append(null);
    else if (this.state === 'string') this.builders.string().append(null);
  }

  /** Turns the column into text, rewriting the values so far; refused when the type was forced. */
  private toText(reason: string): StringBuilder {
    if (this.forced) throw sourceChangedError(reason);
    const { floats, bools } = this.builders;
    const strings = new StringBuilder(this.capacity);
    if (floats) {
      for (const value of floats.values.subarray(0, floats.length)) {
        strings.append(value === value ? String(value) : null);
      }
    } else if (bools) {
      const { values, valid, length } = bools;
      for (let i = 0; i < length; i++) strings.append(valid[i] ? String(values[i] === 1) : null);
    } else {
      strings.appendMissing(this.builders.rows);
    }
    this.builders.floats = undefined;
    this.builders.bools = undefined;
    this.builders.strings = strings;
    this.state = 'string';
    return strings;
  }
}
