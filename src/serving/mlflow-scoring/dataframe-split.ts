import type { TableBatch } from '../../datasets/dataset-table.js';
import { BadRequestError } from '../../errors/assay-error.js';
import { isPlainObject, jsonColumn, jsonKind, tableOf } from './json-columns.js';

const SOURCE = 'dataframe_split';
const FIELDS = new Set(['columns', 'data', 'index']);

/**
 * `{"dataframe_split": {"columns": [...], "data": [[...], ...], "index": [...]}}`: pandas' `split`
 * orientation, checked as MLflow's `dataframe_from_parsed_json` checks it (mlflow/utils/
 * proto_json_utils.py), whose messages these follow. Without `columns`, pandas numbers the columns
 * 0, 1, ...; a tensor-mode model that records its feature columns takes them in that order instead
 * (`unnamed`), which is how MLflow's ONNX flavor reads any DataFrame: by position.
 */
export function dataframeSplitTable(value: unknown, unnamed: readonly string[] | null): TableBatch {
  if (!isPlainObject(value)) {
    throw new BadRequestError(`Dataframe split format must be a dictionary. Got ${jsonKind(value)}.`);
  }
  const keys = Object.keys(value);
  if (!('data' in value) || keys.some((key) => !FIELDS.has(key))) {
    throw new BadRequestError(
      `Dataframe split format must have 'data' field and optionally 'columns' and 'index' fields. Got ${keys.join(', ')}.`,
    );
  }
  const data = value.data;
  if (!Array.isArray(data))
    throw new BadRequestError(`${SOURCE}: 'data' must be a list of rows, got ${jsonKind(data)}`);
  const names = columnNames(value.columns, data, unnamed);
  data.forEach((row, index) => {
    if (!Array.isArray(row)) {
      throw new BadRequestError(
        `${SOURCE}: row ${index} of 'data' is ${jsonKind(row)}, not a list of values`,
      );
    }
    if (row.length !== names.length) {
      throw new BadRequestError(
        `${SOURCE}: row ${index} of 'data' has ${row.length} values; 'columns' names ${names.length}`,
      );
    }
  });
  const rows = data as unknown[][];
  checkIndex(value.index, rows.length);
  const columns = names.map((name, at) =>
    jsonColumn(
      name,
      rows.map((row) => row[at]),
      SOURCE,
    ),
  );
  return tableOf(columns, rows.length, SOURCE);
}

function columnNames(
  columns: unknown,
  data: unknown[],
  unnamed: readonly string[] | null,
): readonly string[] {
  if (columns === undefined) {
    if (unnamed !== null) return unnamed;
    const first = data[0];
    return Array.isArray(first) ? first.map((_, at) => String(at)) : [];
  }
  if (!Array.isArray(columns)) {
    throw new BadRequestError(`${SOURCE}: 'columns' must be a list of names, got ${jsonKind(columns)}`);
  }
  return columns.map((name, at) => {
    // pandas takes any label; numbers name columns as well as strings do.
    if (typeof name === 'string' || typeof name === 'number') return String(name);
    throw new BadRequestError(`${SOURCE}: column name ${at} in 'columns' is ${jsonKind(name)}, not a name`);
  });
}

/** pandas refuses an index whose length is not the number of rows; nothing else reads it. */
function checkIndex(index: unknown, rows: number): void {
  if (index === undefined) return;
  if (!Array.isArray(index))
    throw new BadRequestError(`${SOURCE}: 'index' must be a list, got ${jsonKind(index)}`);
  if (index.length !== rows) {
    throw new BadRequestError(`${SOURCE}: 'index' has ${index.length} entries and 'data' ${rows} rows`);
  }
}
