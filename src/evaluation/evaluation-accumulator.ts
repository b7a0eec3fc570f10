import { InvalidParameterError } from '../errors/assay-error.js';
import type { Column } from '../datasets/dataset-table.js';
import type { Predictions } from '../runtime/model-spec.js';
import type { EvaluationOutputs } from './evaluation-outputs.js';

/**
 * Collects an evaluation's per-row results batch by batch into typed arrays sized for the whole
 * dataset (a filter only makes them shorter), so no row is ever held as an object.
 */
export class EvaluationAccumulator {
  private length = 0;
  private readonly rows: Float64Array;
  private readonly truth: Float64Array | null;
  private labels: Int32Array | undefined;
  private probabilities: Float32Array | undefined;
  private classCount: number | undefined;
  private values: Float64Array | undefined;
  private readonly slices = new Map<string, Uint8Array>();

  constructor(
    private readonly capacity: number,
    private readonly task: 'classification' | 'regression',
    private readonly labelColumn: string | null,
    sliceNames: readonly string[],
  ) {
    this.rows = new Float64Array(capacity);
    this.truth = labelColumn ? new Float64Array(capacity) : null;
    for (const name of sliceNames) this.slices.set(name, new Uint8Array(capacity));
  }

  /** Appends one batch: its dataset row numbers, label column, predictions and slice membership. */
  add(
    rowNumbers: Float64Array,
    label: Column | undefined,
    predictions: Predictions,
    sliceMasks: ReadonlyMap<string, Uint8Array>,
  ): void {
    const at = this.length;
    const count = rowNumbers.length;
    this.rows.set(rowNumbers, at);
    if (this.truth && label) this.truth.set(this.labelValues(label, rowNumbers), at);
    if (this.task === 'classification') {
      if (!predictions.labels) throw new Error('a classifier returned no labels');
      this.labels ??= new Int32Array(this.capacity);
      this.labels.set(predictions.labels, at);
      if (predictions.probabilities) {
        const classCount = predictions.classCount ?? 0;
        this.classCount ??= classCount;
        this.probabilities ??= new Float32Array(this.capacity * classCount);
        this.probabilities.set(predictions.probabilities, at * classCount);
      }
    } else {
      if (!predictions.values) throw new Error('a regressor returned no values');
      this.values ??= new Float64Array(this.capacity);
      this.values.set(predictions.values, at);
    }
    for (const [name, mask] of sliceMasks) this.slices.get(name)?.set(mask, at);
    this.length += count;
  }

  /** Rows collected so far. */
  get rowCount(): number {
    return this.length;
  }

  /**
   * What is collected so far, without copying: arrays sized for the whole dataset, valid for rows
   * [0, rowCount).
   */
  current(): EvaluationOutputs {
    return {
      length: this.length,
      rows: this.rows,
      truth: this.truth,
      ...(this.labels ? { labels: this.labels } : {}),
      ...(this.probabilities ? { probabilities: this.probabilities, classCount: this.classCount ?? 0 } : {}),
      ...(this.values ? { values: this.values } : {}),
      slices: this.slices,
    };
  }

  finish(): EvaluationOutputs {
    const n = this.length;
    const classCount = this.classCount ?? 0;
    const slices = new Map<string, Uint8Array>();
    for (const [name, mask] of this.slices) slices.set(name, mask.subarray(0, n));
    return {
      length: n,
      rows: this.rows.subarray(0, n),
      truth: this.truth ? this.truth.subarray(0, n) : null,
      ...(this.labels ? { labels: this.labels.subarray(0, n) } : {}),
      ...(this.probabilities
        ? { probabilities: this.probabilities.subarray(0, n * classCount), classCount }
        : {}),
      ...(this.values ? { values: this.values.subarray(0, n) } : {}),
      slices,
    };
  }

  /** The label column as numbers; a classifier's labels must be class indices (checked later). */
  private labelValues(label: Column, rowNumbers: Float64Array): Float64Array {
    if (label.values instanceof Float64Array) return label.values;
    if (label.values instanceof Uint8Array) {
      const values = new Float64Array(label.values.length);
      for (let i = 0; i < values.length; i += 1)
        values[i] = label.valid && !label.valid[i] ? Number.NaN : (label.values[i] as number);
      return values;
    }
    throw new InvalidParameterError(
      `label column '${this.labelColumn}' holds text (row ${rowNumbers[0] ?? 0}: '${label.values[0] ?? ''}'); Assay compares a model's outputs with numeric labels: class indices for a classifier, values for a regressor`,
    );
  }
}
