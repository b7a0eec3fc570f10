import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Column, TableBatch } from '../../../src/datasets/dataset-table.js';

export const DATA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/data');

export function fixturePath(...parts: string[]): string {
  return path.join(DATA_DIR, ...parts);
}

export function fixtureBytes(...parts: string[]): Buffer {
  return fs.readFileSync(fixturePath(...parts));
}

export interface FixtureTable {
  readonly header: readonly string[];
  readonly rows: readonly Record<string, string>[];
}

export function readFixtureCsv(...parts: string[]): FixtureTable {
  const text = fs.readFileSync(fixturePath(...parts), 'utf8');
  const rows = parse(text, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  const header = Object.keys(rows[0] ?? {});
  return { header, rows };
}

/**
 * A batch built the simple way (the dataset store is another part's work): a column whose every
 * value reads as a number is float64 (empty cells NaN), any other column is text (empty cells null).
 */
export function tableBatch(
  rows: readonly Record<string, string>[],
  columns: readonly string[],
  offset = 0,
): TableBatch {
  const map = new Map<string, Column>();
  for (const name of columns) {
    const cells = rows.map((row) => row[name] ?? '');
    const numeric = cells.every((cell) => cell === '' || Number.isFinite(Number(cell)));
    map.set(
      name,
      numeric
        ? {
            name,
            type: 'float64',
            values: Float64Array.from(cells, (cell) => (cell === '' ? Number.NaN : Number(cell))),
          }
        : { name, type: 'string', values: cells.map((cell) => (cell === '' ? null : cell)) },
    );
  }
  return { length: rows.length, offset, columns: map };
}

/** The README's feature columns: every column except id, target and split, in file order. */
export function featureColumns(
  table: FixtureTable,
  exclude: readonly string[] = ['id', 'target', 'split'],
): string[] {
  return table.header.filter((name) => !exclude.includes(name));
}
