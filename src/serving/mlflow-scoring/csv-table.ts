import { CsvError, parse } from 'csv-parse/sync';
import type { Column, TableBatch } from '../../datasets/dataset-table.js';
import { parseBoolText, parseDecimal } from '../../datasets/import/text-values.js';
import { BadRequestError } from '../../errors/assay-error.js';
import { tableOf } from './json-columns.js';

const SOURCE = 'CSV';

/** MLflow's opening for CSV it cannot read (mlflow/pyfunc/scoring_server/__init__.py, parse_csv_input). */
const CSV_FAILURE =
  'Failed to parse input as a Pandas DataFrame. Ensure that the input is a valid CSV-formatted Pandas DataFrame';

/**
 * A `text/csv` body: a header row, then one record per row, as `pandas.DataFrame.to_csv()` writes
 * it. Columns are typed the way dataset imports type them (src/datasets/import/text-values.ts):
 * float64 when every non-empty field is a decimal number, bool when every one is true or false,
 * text otherwise, and an empty field is missing. A row then feeds a model exactly as the same row of
 * a dataset does.
 */
export function csvTable(body: Buffer): TableBatch {
  let records: string[][];
  try {
    records = parse(body, { bom: true, skip_empty_lines: true, relax_column_count: false }) as string[][];
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw new BadRequestError(`${CSV_FAILURE}. Error: '${error.message}'`);
  }
  const [header, ...rows] = records;
  if (header === undefined)
    throw new BadRequestError(`${CSV_FAILURE}. Error: 'No columns to parse from input'`);
  const columns = header.map((name, at) =>
    textColumn(
      name,
      rows.map((row) => row[at] as string),
    ),
  );
  return tableOf(columns, rows.length, SOURCE);
}

function textColumn(name: string, fields: readonly string[]): Column {
  const present = fields.filter((field) => field !== '');
  if (present.every((field) => !Number.isNaN(parseDecimal(field)))) {
    const values = Float64Array.from(fields, (field) => (field === '' ? Number.NaN : parseDecimal(field)));
    return { name, type: 'float64', values };
  }
  if (present.every((field) => parseBoolText(field) >= 0)) {
    const valid = Uint8Array.from(fields, (field) => (field === '' ? 0 : 1));
    const values = Uint8Array.from(fields, (field) => (parseBoolText(field) === 1 ? 1 : 0));
    return { name, type: 'bool', values, valid: valid.includes(0) ? valid : null };
  }
  return { name, type: 'string', values: fields.map((field) => (field === '' ? null : field)) };
}
