/**
 * Rows of a dataset as columns of typed arrays, read batch by batch (datasets may be larger than
 * memory). Shared by the dataset store (which writes and reads them), the model runtime (which feeds
 * them to models) and evaluation (which scores them).
 */

/** Column types as stored: numbers are float64 (ints up to 2^53 are exact), text, booleans. */
export type ColumnType = 'float64' | 'string' | 'bool';

export type ColumnValues = Float64Array | (string | null)[] | Uint8Array;

export interface Column {
  readonly name: string;
  readonly type: ColumnType;
  /** float64: NaN marks a missing value. string: null marks one. bool: 0/1 values, see `valid`. */
  readonly values: ColumnValues;
  /** For bool columns only: 1 where a value is present, null when none are missing. */
  readonly valid?: Uint8Array | null;
}

export interface TableBatch {
  /** Number of rows in this batch. */
  readonly length: number;
  /** Row number (0-based, in the dataset) of the batch's first row. */
  readonly offset: number;
  /**
   * The dataset row number of each row, when they are not offset, offset + 1, ... (a filtered
   * batch): errors name the row in the dataset either way.
   */
  readonly rowNumbers?: Float64Array | undefined;
  readonly columns: ReadonlyMap<string, Column>;
}

export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  /** Integral float64 values only, as read from the file (e.g. `42` not `42.5`): ints in the source. */
  readonly integer?: boolean;
}

export interface DatasetSchema {
  readonly columns: readonly ColumnSchema[];
}
