/**
 * What Assay knows about a runnable model version: its ONNX signature and how to use it on a table.
 * Recorded at registration; shared by the runtime, evaluation, serving and the CLI.
 */

export interface TensorSpec {
  readonly name: string;
  /** onnxruntime's element type: float32, float64, int64, int32, string, bool, ... */
  readonly type: string;
  /** Dimensions; symbolic ones (batch) as their name, e.g. ['N', 30]. */
  readonly shape: readonly (number | string)[];
}

export interface ModelSignature {
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
}

export type ModelTask = 'classification' | 'regression';

/**
 * How rows become inputs: `tensor` = one [N, F] input fed from `featureColumns` in order;
 * `columns` = one [N, 1] input per column, matched by name, each with its own dtype; `tensors` =
 * inputs no table feeds (an image [N, 1, 28, 28], several tensors of any shape): the model is
 * served as it is, with tensors from the client, but never run over a dataset.
 */
export type InputMode = 'tensor' | 'columns' | 'tensors';

export interface ModelSpec {
  readonly format: 'onnx';
  readonly signature: ModelSignature;
  readonly opsets: readonly { readonly domain: string; readonly version: number }[];
  readonly sizeBytes: number;
  readonly sha256: string;
  readonly task: ModelTask;
  readonly inputMode: InputMode;
  /** tensor mode: the columns feeding the input, in order (null until known: then the dataset decides). */
  readonly featureColumns: readonly string[] | null;
  /** classification: the int64 label output, and the [N, C] probabilities output. */
  readonly labelOutput: string | null;
  readonly probabilitiesOutput: string | null;
  /** regression: the one-value-per-row output. */
  readonly valueOutput: string | null;
  /** classification: number of classes (C), when the signature says. */
  readonly classCount: number | null;
}

/** A model's outputs for a batch of rows, as typed arrays. */
export interface Predictions {
  readonly length: number;
  /** classification: predicted class per row. */
  readonly labels?: Int32Array;
  /** classification: row-major [length x classCount]. */
  readonly probabilities?: Float32Array;
  readonly classCount?: number;
  /** regression: one value per row. */
  readonly values?: Float64Array;
}
