import type { Column } from '../datasets/dataset-table.js';
import { badValue, wrongColumnType, type InputTarget } from './model-input-error.js';

/**
 * Converting table values to a model input's element type. Only conversions with one possible
 * answer are made: numbers from text that is plainly a decimal number, text from integral numbers,
 * booleans from 0 and 1. Anything else, and every missing value, is an error naming column and row.
 */

/** Rows [start, start + count) of a batch, and where its rows sit in the dataset. */
export interface RowRange {
  readonly rowOffset: number;
  /** Each row's dataset row number, when they are not consecutive (TableBatch.rowNumbers). */
  readonly rowNumbers?: Float64Array | undefined;
  readonly start: number;
  readonly count: number;
}

/** Where converted values go: `out[offset + i * stride]` for the range's i-th row. */
export interface Placement<T> {
  readonly out: T;
  readonly offset: number;
  readonly stride: number;
}

export type NumberBuffer = Float32Array | Float64Array | Int32Array;

const DECIMAL = /^\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*$/;
const INT32_MAX = 2 ** 31 - 1;

/** Numbers for a float or int32 input; `integral` refuses fractions (int inputs). */
export function writeNumbers(
  column: Column,
  rows: RowRange,
  target: InputTarget,
  integral: boolean,
  place: Placement<NumberBuffer>,
): void {
  const { out, stride } = place;
  const { start, count } = rows;
  if (column.type === 'float64' && !integral) {
    // The hot path of every evaluation: a plain loop, NaN found by self-comparison.
    const values = column.values as Float64Array;
    for (let i = 0, o = place.offset; i < count; i += 1, o += stride) {
      const value = values[start + i] as number;
      if (value !== value) throw missing(column, rows, i, target);
      out[o] = value;
    }
    return;
  }
  const read = numberReader(column, rows, target);
  const limit = out instanceof Int32Array ? INT32_MAX : Number.MAX_VALUE;
  for (let i = 0, o = place.offset; i < count; i += 1, o += stride) {
    const value = read(i);
    if (integral) checkInteger(column, rows, i, value, limit, target);
    out[o] = value;
  }
}

/**
 * Four float64 columns side by side into a float input (stride >= 4): the evaluation hot path. Four
 * neighbouring writes share a cache line, which makes this about a third faster than four passes.
 * Returns false, having written part of the range, when a value is missing: the caller then writes
 * the columns one by one, which finds it and names its column and row.
 */
export function writeFloat64Quad(
  columns: readonly [Float64Array, Float64Array, Float64Array, Float64Array],
  rows: RowRange,
  place: Placement<Float32Array | Float64Array>,
): boolean {
  const [v0, v1, v2, v3] = columns;
  const { out, stride } = place;
  const end = rows.start + rows.count;
  for (let i = rows.start, o = place.offset; i < end; i += 1, o += stride) {
    const a = v0[i] as number;
    const b = v1[i] as number;
    const c = v2[i] as number;
    const d = v3[i] as number;
    if (a !== a || b !== b || c !== c || d !== d) return false;
    out[o] = a;
    out[o + 1] = b;
    out[o + 2] = c;
    out[o + 3] = d;
  }
  return true;
}

/** Numbers for an int64 input. */
export function writeBigInts(
  column: Column,
  rows: RowRange,
  target: InputTarget,
  place: Placement<BigInt64Array>,
): void {
  const read = numberReader(column, rows, target);
  for (let i = 0, o = place.offset; i < rows.count; i += 1, o += place.stride) {
    const value = read(i);
    checkInteger(column, rows, i, value, Number.MAX_VALUE, target);
    place.out[o] = BigInt(value);
  }
}

/** Text for a string input. */
export function readStrings(column: Column, rows: RowRange, target: InputTarget): string[] {
  const out = new Array<string>(rows.count);
  if (column.type === 'string') {
    const values = column.values as (string | null)[];
    for (let i = 0; i < rows.count; i += 1) {
      const value = values[rows.start + i];
      if (value === null || value === undefined) throw missing(column, rows, i, target);
      out[i] = value;
    }
    return out;
  }
  if (column.type === 'bool') throw wrongColumnType(column.name, 'booleans', target);
  const values = column.values as Float64Array;
  for (let i = 0; i < rows.count; i += 1) {
    const value = values[rows.start + i] as number;
    if (value !== value) throw missing(column, rows, i, target);
    // 1.5 could be '1.5' or '1.50', and 1 could be '1.0' to whoever wrote the model: only integers convert.
    if (!Number.isSafeInteger(value)) {
      throw badValue(column.name, row(rows, i), `the number ${value} has no single text form`, target);
    }
    out[i] = String(value);
  }
  return out;
}

/** 0/1 bytes for a bool input. */
export function writeBools(column: Column, rows: RowRange, target: InputTarget, out: Uint8Array): void {
  if (column.type === 'string') throw wrongColumnType(column.name, 'text', target);
  if (column.type === 'bool') {
    const values = column.values as Uint8Array;
    const valid = column.valid ?? null;
    for (let i = 0; i < rows.count; i += 1) {
      if (valid !== null && valid[rows.start + i] === 0) throw missing(column, rows, i, target);
      out[i] = values[rows.start + i] === 0 ? 0 : 1;
    }
    return;
  }
  const values = column.values as Float64Array;
  for (let i = 0; i < rows.count; i += 1) {
    const value = values[rows.start + i] as number;
    if (value !== value) throw missing(column, rows, i, target);
    if (value !== 0 && value !== 1) {
      throw badValue(column.name, row(rows, i), `${value} is not a boolean (0 or 1)`, target);
    }
    out[i] = value;
  }
}

/** Reads row i of the range as a number, from any column type. */
function numberReader(column: Column, rows: RowRange, target: InputTarget): (i: number) => number {
  if (column.type === 'float64') {
    const values = column.values as Float64Array;
    return (i) => {
      const value = values[rows.start + i] as number;
      if (value !== value) throw missing(column, rows, i, target);
      return value;
    };
  }
  if (column.type === 'bool') {
    const values = column.values as Uint8Array;
    const valid = column.valid ?? null;
    return (i) => {
      if (valid !== null && valid[rows.start + i] === 0) throw missing(column, rows, i, target);
      return values[rows.start + i] === 0 ? 0 : 1;
    };
  }
  const values = column.values as (string | null)[];
  return (i) => {
    const text = values[rows.start + i];
    if (text === null || text === undefined) throw missing(column, rows, i, target);
    if (!DECIMAL.test(text))
      throw badValue(column.name, row(rows, i), `${quote(text)} is not a number`, target);
    return Number(text);
  };
}

function checkInteger(
  column: Column,
  rows: RowRange,
  i: number,
  value: number,
  limit: number,
  target: InputTarget,
): void {
  if (!Number.isInteger(value)) {
    throw badValue(column.name, row(rows, i), `${value} is not an integer`, target);
  }
  if (Math.abs(value) > limit) {
    throw badValue(column.name, row(rows, i), `${value} is out of the input's range`, target);
  }
}

function missing(column: Column, rows: RowRange, i: number, target: InputTarget): Error {
  return badValue(column.name, row(rows, i), 'missing value', target);
}

/** Quoted for a message, cut short: a cell may hold a whole document. */
function quote(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 57)}...` : text);
}

function row(rows: RowRange, i: number): number {
  return rows.rowNumbers?.[rows.start + i] ?? rows.rowOffset + rows.start + i;
}
