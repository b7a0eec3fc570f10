import fs from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { LocalArtifactStore } from '../../src/artifacts/local-artifact-store.js';
import type { DatasetVersion } from '../../src/datasets/dataset-version.js';
import type { Column, TableBatch } from '../../src/datasets/dataset-table.js';
import { DatasetsService, type ImportTuning } from '../../src/datasets/datasets-service.js';
import { openDatabase, type Database } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import type { FreshStore } from '../helpers/stores.js';

export const DATA = path.resolve(import.meta.dirname, '../fixtures/data');
export const FIXTURES = path.resolve(import.meta.dirname, 'fixtures');

export interface DatasetsHarness {
  readonly database: Database;
  readonly artifacts: LocalArtifactStore;
  readonly artifactsDir: string;
  readonly dir: string;
  readonly datasets: DatasetsService;
  /** Another service over the same store, with other import settings. */
  withTuning(tuning: Partial<ImportTuning>): DatasetsService;
  close(): Promise<void>;
}

/** A DatasetsService over a fresh store (for describeEachStore). */
export async function openDatasetsHarness(
  store: FreshStore,
  tuning: Partial<ImportTuning> = {},
): Promise<DatasetsHarness> {
  const database = openDatabase(store.storeUri);
  await migrateToLatest(database);
  const artifacts = new LocalArtifactStore(store.artifactsDir);
  return {
    database,
    artifacts,
    artifactsDir: store.artifactsDir,
    dir: store.dir,
    datasets: new DatasetsService(database, artifacts, { tuning }),
    withTuning: (other) => new DatasetsService(database, artifacts, { tuning: { ...tuning, ...other } }),
    close: () => database.close(),
  };
}

export type Cell = number | string | boolean | null;

/** A column's value at `row` (null when missing). */
export function cell(column: Column, row: number): Cell {
  if (column.type === 'float64') {
    const value = (column.values as Float64Array)[row] as number;
    return Number.isNaN(value) ? null : value;
  }
  if (column.type === 'string') return (column.values as (string | null)[])[row] ?? null;
  if (column.valid && column.valid[row] === 0) return null;
  return (column.values as Uint8Array)[row] === 1;
}

export function batchRows(batch: TableBatch): Record<string, Cell>[] {
  return Array.from({ length: batch.length }, (_, row) =>
    Object.fromEntries([...batch.columns].map(([name, column]) => [name, cell(column, row)])),
  );
}

/** Every row of a version, as objects, checking batch offsets on the way. */
export async function allRows(
  version: DatasetVersion,
  columns?: readonly string[],
): Promise<Record<string, Cell>[]> {
  const rows: Record<string, Cell>[] = [];
  for await (const batch of version.batches(columns ? { columns } : {})) {
    if (batch.offset !== rows.length)
      throw new Error(`batch offset ${batch.offset}, expected ${rows.length}`);
    rows.push(...batchRows(batch));
  }
  return rows;
}

/** A CSV file read independently of the importer: header + records of text. */
export async function readCsvText(file: string): Promise<{ header: string[]; records: string[][] }> {
  const [header, ...records] = parse(await fs.readFile(file), { bom: true }) as string[][];
  return { header: header ?? [], records };
}

/** Files under the artifact store's datasets/ directory. */
export async function storedFiles(artifactsDir: string): Promise<string[]> {
  try {
    return (await fs.readdir(path.join(artifactsDir, 'datasets'))).sort();
  } catch {
    return [];
  }
}

export async function writeTemp(dir: string, name: string, content: string | Buffer): Promise<string> {
  const file = path.join(dir, name);
  await fs.writeFile(file, content);
  return file;
}
