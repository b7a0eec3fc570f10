import type { ColumnType } from '../dataset-table.js';
import type { BoolBuilder, Float64Builder, StringBuilder } from './column-builders.js';
import type { EncodedColumn } from './encoded-batch.js';
import { LazyColumnBuilders } from './lazy-column-builders.js';
import { sourceChangedError } from './source-changed.js';
import { parseBoolText, parseDecimal } from './text-values.js';

type State = 'null' | 'float64' | 'bool' | 'string' | 'mixed';

/**
 * One column of one batch of text fields (CSV), fed a chunk of rows at a time. Without a forced
 * type the column's type is inferred as it goes: numbers are converted as they arrive, so that
 * strings are never kept for long; should text follow numbers in a later chunk, the numbers' text
 * is gone and the column is reported `mixed` (the import then reads the source again with types).
 */
export class TextColumnEncoder {
  private state: State = 'null';
  private readonly builders: LazyColumnBuilders;

  constructor(
    capacity: number,
    private readonly forced: ColumnType | null,
  ) {
    this.builders = new LazyColumnBuilders(capacity);
    if (forced) this.state = forced;
  }

  /** Appends field `column` of `rows[0..count)`. */
  append(rows: readonly (readonly string[])[], count: number, column: number): void {
    if (this.forced) this.appendForced(this.forced, rows, count, column);
    else this.appendInferred(rows, count, column);
    this.builders.rows += count;
  }

  finish(): EncodedColumn {
    if (this.state === 'float64') return this.builders.float().finish();
    if (this.state === 'bool') return this.builders.bool().finish();
    if (this.state === 'string') return this.builders.string().finish();
    return { type: this.state === 'mixed' ? 'mixed' : 'null' };
  }

  private appendInferred(rows: readonly (readonly string[])[], count: number, column: number): void {
    switch (this.state) {
      case 'null':
      case 'float64': {
        // A first value that is no number decides at once, sparing a number buffer for a text column.
        if (this.state === 'null' && !startsWithNumber(rows, count, column)) {
          this.startFromText(rows, count, column);
          return;
        }
        const floats = this.builders.float();
        const failed = appendDecimals(floats, rows, count, column);
        if (failed < 0) {
          if (floats.present > 0) this.state = 'float64';
          return;
        }
        this.builders.floats = undefined;
        if (this.state === 'float64') {
          this.state = 'mixed';
          return;
        }
        this.startFromText(rows, count, column);
        return;
      }
      case 'bool':
        if (!allBools(rows, count, column)) {
          this.state = 'mixed';
          this.builders.bools = undefined;
          return;
        }
        appendBools(this.builders.bool(), rows, count, column);
        return;
      case 'string':
        appendStrings(this.builders.string(), rows, count, column);
        return;
      case 'mixed':
        return;
    }
  }

  /** Nothing but missing values before this chunk, and it holds text: the text decides. */
  private startFromText(rows: readonly (readonly string[])[], count: number, column: number): void {
    if (allBools(rows, count, column)) {
      this.state = 'bool';
      appendBools(this.builders.bool(), rows, count, column);
    } else {
      this.state = 'string';
      appendStrings(this.builders.string(), rows, count, column);
    }
  }

  private appendForced(
    type: ColumnType,
    rows: readonly (readonly string[])[],
    count: number,
    column: number,
  ): void {
    if (type === 'string') {
      appendStrings(this.builders.string(), rows, count, column);
      return;
    }
    if (type === 'bool') {
      if (!allBools(rows, count, column)) throw sourceChangedError('a bool column holds other values');
      appendBools(this.builders.bool(), rows, count, column);
      return;
    }
    if (appendDecimals(this.builders.float(), rows, count, column) >= 0) {
      throw sourceChangedError('a number column holds text');
    }
  }
}

/** Appends the chunk as numbers; returns the index of the first non-number (nothing usable then), or -1. */
function appendDecimals(
  floats: Float64Builder,
  rows: readonly (readonly string[])[],
  count: number,
  column: number,
): number {
  for (let i = 0; i < count; i++) {
    const text = (rows[i] as readonly string[])[column] as string;
    if (text === '') {
      floats.append(NaN);
      continue;
    }
    const value = parseDecimal(text);
    if (value !== value) return i;
    floats.append(value);
  }
  return -1;
}

/** Whether the chunk's first present field (if any) reads as a number. */
function startsWithNumber(rows: readonly (readonly string[])[], count: number, column: number): boolean {
  for (let i = 0; i < count; i++) {
    const text = (rows[i] as readonly string[])[column] as string;
    if (text !== '') return !Number.isNaN(parseDecimal(text));
  }
  return true;
}

function allBools(rows: readonly (readonly string[])[], count: number, column: number): boolean {
  for (let i = 0; i < count; i++) {
    const text = (rows[i] as readonly string[])[column] as string;
    if (text !== '' && parseBoolText(text) < 0) return false;
  }
  return true;
}

function appendBools(
  bools: BoolBuilder,
  rows: readonly (readonly string[])[],
  count: number,
  column: number,
): void {
  for (let i = 0; i < count; i++) {
    const text = (rows[i] as readonly string[])[column] as string;
    bools.append(text === '' ? null : parseBoolText(text) === 1);
  }
}

function appendStrings(
  strings: StringBuilder,
  rows: readonly (readonly string[])[],
  count: number,
  column: number,
): void {
  for (let i = 0; i < count; i++) {
    const text = (rows[i] as readonly string[])[column] as string;
    strings.append(text === '' ? null : text);
  }
}
