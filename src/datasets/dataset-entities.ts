import type { Readable } from 'node:stream';
import type { DatasetSchema } from './dataset-table.js';

export type SourceFormat = 'csv' | 'jsonl' | 'parquet';

export const SOURCE_FORMATS: readonly SourceFormat[] = ['csv', 'jsonl', 'parquet'];

/** A named subset of rows: those for which `predicate` (the row expression language) holds. */
export interface SliceDefinition {
  readonly name: string;
  readonly predicate: string;
}

/** One immutable version of a dataset. */
export interface DatasetVersionInfo {
  readonly name: string;
  readonly version: number;
  /** sha256 of the content digest and the definition (label, id, slices): the version's identity. */
  readonly digest: string;
  /** sha256 of the source file's bytes: versions with the same rows share one stored file. */
  readonly contentDigest: string;
  readonly rowCount: number;
  readonly schema: DatasetSchema;
  readonly labelColumn: string | null;
  readonly idColumn: string | null;
  /** Sorted by name. */
  readonly slices: readonly SliceDefinition[];
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly sourceFormat: SourceFormat;
  readonly description: string | null;
  /** The rows, as an Arrow IPC file, relative to the artifact root. */
  readonly artifactPath: string;
}

export interface DatasetSummary {
  readonly name: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly latestVersion: number;
}

export interface DatasetDetails {
  readonly name: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  /** Oldest first. */
  readonly versions: readonly DatasetVersionInfo[];
}

/** Which stage of an import progress is reported for. */
export type ImportPhase =
  /** Reading the source once to hash it (and, for a stream, to keep a local copy). */
  | 'reading'
  /** Parsing and storing the rows. */
  | 'importing'
  /** Parsing and storing again: a column's type changed far into the file (see table-import.ts). */
  | 'reimporting';

export interface CreateDatasetOptions {
  /** Inferred from the file extension (.csv, .jsonl / .ndjson, .parquet) when not given; required for a stream. */
  readonly format?: SourceFormat | undefined;
  readonly labelColumn?: string | null | undefined;
  readonly idColumn?: string | null | undefined;
  readonly slices?: readonly SliceDefinition[] | undefined;
  /** Kept with the version; not part of its identity. */
  readonly description?: string | null | undefined;
  /** Called as the source is read: bytes so far and the total (null while a stream's size is unknown). */
  readonly onProgress?: ((bytes: number, totalBytes: number | null, phase: ImportPhase) => void) | undefined;
}

export interface CreateDatasetResult {
  readonly dataset: DatasetVersionInfo;
  /** False when the same content and definition already were a version of this dataset. */
  readonly created: boolean;
}

/** A source: a file path, or a stream of the file's bytes (then `format` is required). */
export type DatasetSource = string | Readable;
