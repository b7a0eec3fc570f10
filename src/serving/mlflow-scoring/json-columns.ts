import type { Column, TableBatch } from '../../datasets/dataset-table.js';
import { BadRequestError } from '../../errors/assay-error.js';

/**
 * JSON values as table columns, so that JSON requests reach a model through the same feeders (and
 * the same conversions and errors) as dataset rows do in evaluations. A column is float64 when its
 * values are numbers, bool when booleans, text when strings; null is a missing value. A column
 * mixing kinds is refused rather than guessed at: the feeder would read "1" and 1 alike, but not
 * true and "true", and a client sending both has a bug worth hearing about.
 */
export function jsonColumn(name: string, cells: readonly unknown[], source: string): Column {
  let kind: ScalarKind | null = null;
  let first = -1;
  for (const [row, cell] of cells.entries()) {
    if (cell === null || cell === undefined) continue;
    const cellKind = scalarKind(cell);
    if (cellKind === null) {
      throw new BadRequestError(
        `${source}: column '${name}', row ${row} holds ${describe(cell)}; a column holds numbers, strings or booleans`,
      );
    }
    if (kind === null) {
      kind = cellKind;
      first = row;
    } else if (cellKind !== kind) {
      throw new BadRequestError(
        `${source}: column '${name}' mixes kinds: row ${first} holds ${describe(cells[first])}, row ${row} holds ${describe(cell)}`,
      );
    }
  }
  switch (kind) {
    case 'string':
      return { name, type: 'string', values: cells.map((cell) => (typeof cell === 'string' ? cell : null)) };
    case 'boolean': {
      const valid = Uint8Array.from(cells, (cell) => (typeof cell === 'boolean' ? 1 : 0));
      const values = Uint8Array.from(cells, (cell) => (cell === true ? 1 : 0));
      return { name, type: 'bool', values, valid: valid.includes(0) ? valid : null };
    }
    default:
      // All missing is a float64 column of NaN: the feeder then names the first missing row.
      return {
        name,
        type: 'float64',
        values: Float64Array.from(cells, (cell) => (typeof cell === 'number' ? cell : Number.NaN)),
      };
  }
}

/** Columns of equal length as a batch whose rows are numbered from 0, as the request holds them. */
export function tableOf(columns: readonly Column[], length: number, source: string): TableBatch {
  const map = new Map<string, Column>();
  for (const column of columns) {
    if (map.has(column.name)) throw new BadRequestError(`${source}: column '${column.name}' appears twice`);
    map.set(column.name, column);
  }
  if (length === 0) throw new BadRequestError(`${source}: the request holds no rows`);
  return { length, offset: 0, columns: map };
}

/** A value as a message names it: strings quoted and cut short, lists and objects by kind. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value);
  return String(value);
}

/** JSON's name for what a value is, for "got a ..." messages. */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

type ScalarKind = 'number' | 'boolean' | 'string';

function scalarKind(cell: unknown): ScalarKind | null {
  const kind = typeof cell;
  return kind === 'number' || kind === 'boolean' || kind === 'string' ? kind : null;
}
