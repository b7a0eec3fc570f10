import type { Column, TableBatch } from '../../datasets/dataset-table.js';
import { BadRequestError } from '../../errors/assay-error.js';
import type { ModelSpec, TensorSpec } from '../../runtime/model-spec.js';
import { describe, isPlainObject, jsonColumn, jsonKind, tableOf } from './json-columns.js';

export type TensorKey = 'instances' | 'inputs';

/** A tensor payload as table columns, with the feature columns that name a tensor input's positions. */
export interface TensorTable {
  readonly batch: TableBatch;
  /** Tensor mode: the columns the [N, F] input's positions were given as (null in columns mode). */
  readonly featureColumns: readonly string[] | null;
}

/**
 * `{"instances": ...}` or `{"inputs": ...}` (TensorFlow Serving's request formats, as MLflow's
 * `parse_tf_serving_input` in mlflow/utils/proto_json_utils.py reads them) as table columns, so that
 * they reach the model through the same feeder as every other request:
 * - a list of rows feeds a model's only input: for a tensor-mode model each row is F values, which
 *   become its feature columns in order;
 * - an object maps input names to their values: `{"input": rows}`, or for a model with one input per
 *   column `{"hr": [3, 4], "season": ["fall", "winter"]}` (`[[3], [4]]` as well, the [N, 1] shape);
 * - `instances` may also be a list of objects, one per row, which MLflow turns into the object form.
 */
export function tensorPayloadTable(key: TensorKey, value: unknown, spec: ModelSpec): TensorTable {
  const named =
    key === 'instances' && Array.isArray(value) && isPlainObject(value[0]) ? byName(value) : value;
  const inputs = spec.signature.inputs;
  if (Array.isArray(named)) {
    if (inputs.length !== 1) {
      // MLflow's ONNX flavor refuses a bare array for a model of several inputs just so.
      throw new BadRequestError(
        `'${key}' is a list, which can only feed a model with a single input; this model has ${inputs.length}. Pass an object mapping each input to its values: ${inputs.map((input) => input.name).join(', ')}`,
      );
    }
    return inputTable(key, inputs[0] as TensorSpec, named, spec);
  }
  if (!isPlainObject(named)) {
    throw new BadRequestError(
      `'${key}' must be a list of rows or an object mapping input names to values, got ${jsonKind(named)}`,
    );
  }
  const known = new Set(inputs.map((input) => input.name));
  const unknown = Object.keys(named).filter((name) => !known.has(name));
  if (unknown.length > 0) {
    throw new BadRequestError(
      `'${key}' names ${unknown.map((name) => `'${name}'`).join(', ')}, which the model does not take; its inputs: ${[...known].join(', ')}`,
    );
  }
  if (spec.inputMode === 'tensor') {
    const input = inputs[0] as TensorSpec;
    if (!Object.hasOwn(named, input.name)) {
      throw new BadRequestError(`'${key}' has no values for the model's input '${input.name}'`);
    }
    return inputTable(`${key}.${input.name}`, input, named[input.name], spec);
  }
  // A missing input is left to the feeder, whose message lists what the request holds.
  const entries = Object.entries(named);
  const columns = entries.map(([name, values]) => columnValues(`${key}.${name}`, name, values));
  return { batch: tableOf(columns, sameLength(key, columns), key), featureColumns: null };
}

/** `[{"a": 1, "b": 2}, {"a": 3, "b": 4}]` as `{"a": [1, 3], "b": [2, 4]}`, as MLflow converts instances. */
function byName(rows: readonly unknown[]): Record<string, unknown[]> {
  const columns: Record<string, unknown[]> = {};
  rows.forEach((row, index) => {
    if (!isPlainObject(row)) {
      throw new BadRequestError(`'instances': row ${index} is ${jsonKind(row)}, where row 0 is an object`);
    }
    for (const [name, value] of Object.entries(row)) (columns[name] ??= []).push(value);
  });
  return columns;
}

/** The values of one input: rows of F values for a tensor-mode input, one value per row otherwise. */
function inputTable(source: string, input: TensorSpec, values: unknown, spec: ModelSpec): TensorTable {
  if (spec.inputMode === 'columns') {
    const column = columnValues(source, input.name, values);
    return { batch: tableOf([column], column.values.length, source), featureColumns: null };
  }
  const width = spec.featureColumns?.length ?? (input.shape[1] as number);
  // Without recorded feature columns, positions name the columns: `input[0]`, `input[1]`, ...
  const names = spec.featureColumns ?? Array.from({ length: width }, (_, at) => `${input.name}[${at}]`);
  const rows = rowsOf(source, values, input, width);
  const columns = names.map((name, at) =>
    jsonColumn(
      name,
      rows.map((row) => row[at]),
      source,
    ),
  );
  return { batch: tableOf(columns, rows.length, source), featureColumns: names };
}

function rowsOf(source: string, values: unknown, input: TensorSpec, width: number): unknown[][] {
  if (!Array.isArray(values)) {
    throw new BadRequestError(`'${source}' must be a list of rows, got ${jsonKind(values)}`);
  }
  values.forEach((row, index) => {
    if (!Array.isArray(row)) {
      throw new BadRequestError(
        `'${source}': row ${index} is ${describe(row)}, not a list of ${width} values (the model's input '${input.name}' is [N, ${width}])`,
      );
    }
    if (row.length !== width) {
      throw new BadRequestError(
        `'${source}': row ${index} has ${row.length} values; the model's input '${input.name}' takes ${width} per row`,
      );
    }
  });
  return values as unknown[][];
}

/** One column's values: a list of scalars, or of one-element lists (the [N, 1] shape). */
function columnValues(source: string, name: string, values: unknown): Column {
  if (!Array.isArray(values)) {
    throw new BadRequestError(`'${source}' must be a list with one value per row, got ${jsonKind(values)}`);
  }
  const cells = (values as unknown[]).map((value, row) => {
    if (!Array.isArray(value)) return value;
    if (value.length === 1) return value[0] as unknown;
    throw new BadRequestError(
      `'${source}': row ${row} has ${value.length} values; the model's input '${name}' takes one per row`,
    );
  });
  return jsonColumn(name, cells, source);
}

/** The rows every column agrees on (MLflow refuses inputs of different lengths too). */
function sameLength(key: string, columns: readonly Column[]): number {
  const [first] = columns;
  const length = first?.values.length ?? 0;
  const other = columns.find((column) => column.values.length !== length);
  if (first !== undefined && other !== undefined) {
    throw new BadRequestError(
      `'${key}': '${first.name}' has ${length} values and '${other.name}' ${other.values.length}; every input needs one per row`,
    );
  }
  return length;
}
