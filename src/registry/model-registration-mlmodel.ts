import { parse } from 'yaml';

export interface OnnxMlmodel {
  /** The model file, relative to the model directory (the onnx flavor's `data`). */
  readonly onnxData: string;
  /** A column-based signature's input names, in order; null for a tensor-based or absent one. */
  readonly featureColumns: readonly string[] | null;
}

/** mlflow.onnx writes `data: model.onnx`; older versions may leave it out. */
const DEFAULT_ONNX_DATA = 'model.onnx';

/**
 * Reads what Assay needs from an MLmodel file: null unless its flavors include `onnx` (or when the
 * YAML does not parse: MLflow clients could not load such a model either).
 */
export function readMlmodel(text: string): OnnxMlmodel | null {
  let document: unknown;
  try {
    document = parse(text);
  } catch {
    return null;
  }
  const flavors = field(document, 'flavors');
  const onnx = field(flavors, 'onnx');
  if (onnx === undefined) return null;
  const data = field(onnx, 'data');
  return {
    onnxData: typeof data === 'string' && data !== '' ? data : DEFAULT_ONNX_DATA,
    featureColumns: signatureColumns(field(field(document, 'signature'), 'inputs')),
  };
}

/**
 * MLflow stores each side of a signature as a JSON string: a list of `{name, type}` columns, or of
 * `{type: "tensor", "tensor-spec": ...}` tensors. Only a column-based list with every column named
 * gives feature columns.
 */
function signatureColumns(inputs: unknown): string[] | null {
  if (typeof inputs !== 'string') return null;
  let specs: unknown;
  try {
    specs = JSON.parse(inputs);
  } catch {
    return null;
  }
  if (!Array.isArray(specs) || specs.length === 0) return null;
  const names: string[] = [];
  for (const spec of specs) {
    const name = field(spec, 'name');
    if (field(spec, 'type') === 'tensor' || typeof name !== 'string' || name === '') return null;
    names.push(name);
  }
  return names;
}

function field(value: unknown, key: string): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return (value as Record<string, unknown>)[key];
}
