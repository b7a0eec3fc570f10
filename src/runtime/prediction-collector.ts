import type { InferenceSession, Tensor } from 'onnxruntime-node';
import { InvalidStateError } from '../errors/assay-error.js';
import type { ModelSpec, Predictions } from './model-spec.js';

/** What the collector reads of an output: onnxruntime's Tensor, or serving's NamedTensor. */
type OutputTensor = Pick<Tensor, 'type' | 'dims' | 'data'>;

/** The outputs a run must fetch for the spec's task. */
function fetchedOutputs(spec: ModelSpec): string[] {
  if (spec.task === 'regression') return [spec.valueOutput as string];
  return [spec.labelOutput, spec.probabilitiesOutput].filter((name): name is string => name !== null);
}

/**
 * Gathers a batch's predictions chunk by chunk into arrays sized for the whole batch. Labels come
 * from the label output or, for models without one, as the argmax of the probabilities.
 */
class PredictionCollector {
  private labels: Int32Array | undefined;
  private probabilities: Float32Array | undefined;
  private values: Float64Array | undefined;
  private classCount: number | null;

  constructor(
    private readonly spec: ModelSpec,
    private readonly length: number,
  ) {
    this.classCount = spec.classCount;
    if (spec.task === 'regression') this.values = new Float64Array(length);
    else this.labels = new Int32Array(length);
  }

  /** Takes the outputs of rows [start, start + count) of the batch: the first `count` rows of each output. */
  add(outputs: Record<string, OutputTensor>, start: number, count: number): void {
    const spec = this.spec;
    if (spec.task === 'regression') {
      // TypedArray.set converts float32 to float64 exactly.
      (this.values as Float64Array).set(numbers(output(outputs, spec.valueOutput), count), start);
      return;
    }
    if (spec.probabilitiesOutput !== null) {
      const tensor = output(outputs, spec.probabilitiesOutput);
      const classes = tensor.dims[1] ?? 0;
      if (this.probabilities === undefined) {
        this.classCount ??= classes;
        this.probabilities = new Float32Array(this.length * this.classCount);
      }
      if (classes !== this.classCount) {
        throw new InvalidStateError(
          `output '${spec.probabilitiesOutput}' gave ${classes} classes, expected ${this.classCount}`,
        );
      }
      this.probabilities.set(numbers(tensor, count * classes), start * classes);
    }
    const labels = this.labels as Int32Array;
    if (spec.labelOutput !== null) copyLabels(output(outputs, spec.labelOutput), labels, start, count);
    else argmaxLabels(this.probabilities as Float32Array, this.classCount ?? 0, labels, start, count);
  }

  result(): Predictions {
    if (this.spec.task === 'regression') return { length: this.length, values: this.values as Float64Array };
    const prediction: Predictions = { length: this.length, labels: this.labels as Int32Array };
    if (this.spec.probabilitiesOutput === null) return prediction;
    const classCount = this.classCount ?? 0;
    return {
      ...prediction,
      probabilities: this.probabilities ?? new Float32Array(0),
      classCount,
    };
  }
}

function output(outputs: Record<string, OutputTensor>, name: string | null): OutputTensor {
  const tensor = name === null ? undefined : outputs[name];
  if (!tensor) throw new InvalidStateError(`onnxruntime returned no output '${name}'`);
  return tensor;
}

function numbers(tensor: OutputTensor, expected: number): Float32Array | Float64Array {
  const data = tensor.data;
  if (!(data instanceof Float32Array || data instanceof Float64Array) || data.length < expected) {
    throw new InvalidStateError(
      `output of type ${tensor.type} [${tensor.dims.join(', ')}]: expected ${expected} float values`,
    );
  }
  return data.length === expected ? data : data.subarray(0, expected);
}

/**
 * int64 labels to int32 by their low words (typed arrays use the platform's byte order, little-endian
 * on every platform onnxruntime-node ships for), checking each label fits.
 */
function copyLabels(tensor: OutputTensor, out: Int32Array, start: number, count: number): void {
  const data = tensor.data;
  if (data instanceof Int32Array && data.length >= count) {
    out.set(data.subarray(0, count), start);
    return;
  }
  if (!(data instanceof BigInt64Array) || data.length < count) {
    throw new InvalidStateError(
      `label output of type ${tensor.type} [${tensor.dims.join(', ')}]: expected ${count} integers`,
    );
  }
  const words = new Int32Array(data.buffer, data.byteOffset, count * 2);
  for (let i = 0; i < count; i += 1) {
    const low = words[2 * i] as number;
    if (words[2 * i + 1] !== low >> 31)
      throw new InvalidStateError(`label ${data[i]} does not fit in 32 bits`);
    out[start + i] = low;
  }
}

function argmaxLabels(
  probabilities: Float32Array,
  classes: number,
  out: Int32Array,
  start: number,
  count: number,
): void {
  for (let row = start; row < start + count; row += 1) {
    let best = 0;
    for (let c = 1; c < classes; c += 1) {
      if ((probabilities[row * classes + c] as number) > (probabilities[row * classes + best] as number))
        best = c;
    }
    out[row] = best;
  }
}

/** The predictions in one call's outputs (`rows` rows), read as an evaluation reads them. */
export function collectPredictions(
  spec: ModelSpec,
  outputs: Record<string, OutputTensor>,
  rows: number,
): Predictions {
  const collector = new PredictionCollector(spec, rows);
  collector.add(outputs, 0, rows);
  return collector.result();
}

/**
 * Scores `rows` rows, `chunkRows` per onnxruntime call, with `feeds(start, count)` giving each
 * call's inputs, and collects the predictions.
 */
export async function scoreInChunks(
  session: InferenceSession,
  spec: ModelSpec,
  rows: number,
  chunkRows: number,
  feeds: (start: number, count: number) => Record<string, Tensor>,
): Promise<Predictions> {
  const fetches = fetchedOutputs(spec);
  const collector = new PredictionCollector(spec, rows);
  for (let start = 0; start < rows; start += chunkRows) {
    const count = Math.min(chunkRows, rows - start);
    const outputs = await session.run(feeds(start, count), fetches);
    collector.add(outputs as Record<string, Tensor>, start, count);
  }
  return collector.result();
}
