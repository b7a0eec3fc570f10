import type { NamedTensor } from '../named-tensor.js';
import type { ScoringFormat } from './scoring-format.js';
import { elementReader, nestedValues, type JsonValue } from './tensor-json.js';

/** The body of a successful `POST /invocations`. */
export interface ScoringResponse {
  readonly predictions: Record<string, JsonValue>[] | Record<string, JsonValue>;
}

/**
 * The model's outputs (in signature order, each dims[0] = rows) as `mlflow models serve` answers
 * for an ONNX model: `predictions_to_json` (mlflow/pyfunc/scoring_server/__init__.py) over what the
 * ONNX flavor's pyfunc returns (mlflow/onnx/__init__.py, `_OnnxModelWrapper.predict`).
 * - `dataframe`: a DataFrame with one column per output, written as records:
 *   `[{"label": 1, "probabilities": [0.1, 0.9]}, ...]`. An output with one value per row ([N] or
 *   [N, 1]) gives that value. MLflow flattens each output (`reshape(-1)`), so for an output with
 *   several values per row ([N, C] probabilities) its DataFrame cannot be built and it fails; here
 *   the row's values come as a list, as pandas writes a column of arrays.
 * - `tensor`: a dict of arrays, each output nested by its dims: `{"label": [1, 0],
 *   "probabilities": [[0.1, 0.9], [0.8, 0.2]], "variable": [[3.5], [7.25]]}`.
 *
 * @example
 * encodeScoringResponse([{ name: 'variable', type: 'float32', dims: [2, 1], data }], 'dataframe')
 * // { predictions: [{ variable: 3.5 }, { variable: 7.25 }] }
 */
export function encodeScoringResponse(
  outputs: readonly NamedTensor[],
  format: ScoringFormat,
): ScoringResponse {
  if (format === 'tensor') {
    const predictions: Record<string, JsonValue> = {};
    for (const output of outputs)
      predictions[output.name] = nestedValues(elementReader(output), output.dims, 0);
    return { predictions };
  }
  return { predictions: records(outputs) };
}

function records(outputs: readonly NamedTensor[]): Record<string, JsonValue>[] {
  const rows = outputs[0]?.dims[0] ?? 0;
  const columns = outputs.map((output) => {
    if (output.dims.length === 0 || output.dims[0] !== rows) {
      throw new Error(`output '${output.name}' has dims [${output.dims.join(', ')}], not ${rows} rows`);
    }
    const inner = output.dims.slice(1);
    const size = inner.reduce((product, dim) => product * dim, 1);
    const read = elementReader(output);
    const cell = (row: number): JsonValue => (size === 1 ? read(row) : nestedValues(read, inner, row * size));
    return { name: output.name, cell };
  });
  return Array.from({ length: rows }, (_, row) => {
    const record: Record<string, JsonValue> = {};
    for (const { name, cell } of columns) record[name] = cell(row);
    return record;
  });
}
