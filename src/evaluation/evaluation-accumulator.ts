import { InvalidParameterError } from '../errors/assay-error.js';
import type { Column } from '../datasets/dataset-table.js';
import type { Predictions } from '../runtime/model-spec.js';
import type { EvaluationOutputs } from './evaluation-outputs.js';

/**
 * Collects an evaluation's per-row results into typed arrays sized for the whole dataset (a filter
 * only makes them shorter), so no row is ever held as an object. What a batch itself holds (row
 * numbers, label, slice membership) is taken when the batch is read, before its memory is reused;
 * its predictions when they come, in the order the batches were read.
 */
export class EvaluationAccumulator {
  /** Rows whose predictions are in. */
  private length = 0;
  /** Rows taken from batches read. */
  private taken = 0;
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

  /**
   * Takes the next `count` rows of what was read: their dataset row numbers (consecutive from
   * `rowNumbers` when it is a number), label column and slice membership. Returns where they start.
   */
  take(
    rowNumbers: Float64Array | number,
    count: number,
    label: Column | undefined,
    sliceMasks: ReadonlyMap<string, Uint8Array>,
  ): number {
    const at = this.taken;
    if (typeof rowNumbers === 'number') {
      for (let i = 0; i < count; i += 1) this.rows[at + i] = rowNumbers + i;
    } else {
      this.rows.set(rowNumbers, at);
    }
    if (this.truth && label) this.writeLabels(label, at, count);
    for (const [name, mask] of sliceMasks) this.slices.get(name)?.set(mask, at);
    this.taken += count;
    return at;
  }

  /** The predictions of the rows taken from `at` on: the next rows in order. */
  add(at: number, predictions: Predictions): void {
    if (at !== this.length) throw new Error(`predictions for row ${at} came before row ${this.length}'s`);
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
    this.length += predictions.length;
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
  private writeLabels(label: Column, at: number, count: number): void {
    const truth = this.truth as Float64Array;
    if (label.values instanceof Float64Array) {
      truth.set(label.values.subarray(0, count), at);
      return;
    }
    if (label.values instanceof Uint8Array) {
      const { values, valid } = label;
      for (let i = 0; i < count; i += 1)
        truth[at + i] = valid && !valid[i] ? Number.NaN : (values[i] as number);
      return;
    }
    throw new InvalidParameterError(
      `label column '${this.labelColumn}' holds text (row ${this.rows[at] ?? 0}: '${label.values[0] ?? ''}'); Assay compares a model's outputs with numeric labels: class indices for a classifier, values for a regressor`,
    );
  }
}
