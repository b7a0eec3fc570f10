import type { TableBatch } from '../../datasets/dataset-table.js';
import { BadRequestError } from '../../errors/assay-error.js';
import { isPlainObject, jsonColumn, jsonKind, tableOf } from './json-columns.js';

const SOURCE = 'dataframe_records';

/**
 * `{"dataframe_records": [{"col": value, ...}, ...]}`: pandas' `records` orientation. As in pandas,
 * the columns are every key of any record, in the order first seen, and a record without one of
 * them has a missing value there (which the feeder reports with its row, if the model needs it).
 */
export function dataframeRecordsTable(value: unknown): TableBatch {
  if (!Array.isArray(value)) {
    const got = isPlainObject(value) ? 'dictionary' : jsonKind(value);
    // MLflow's message (mlflow/utils/proto_json_utils.py, dataframe_from_parsed_json).
    throw new BadRequestError(`Dataframe records format must be a list of records. Got ${got}.`);
  }
  const names = new Set<string>();
  value.forEach((record, row) => {
    if (!isPlainObject(record)) {
      throw new BadRequestError(
        `${SOURCE}: row ${row} is ${jsonKind(record)}, not a record ({"column": value})`,
      );
    }
    for (const name of Object.keys(record)) names.add(name);
  });
  const records = value as Record<string, unknown>[];
  const columns = [...names].map((name) =>
    jsonColumn(
      name,
      records.map((record) => record[name]),
      SOURCE,
    ),
  );
  return tableOf(columns, records.length, SOURCE);
}
