import { InvalidParameterError } from '../errors/assay-error.js';
import type { ModelTask } from '../runtime/model-spec.js';
import type { EvaluationOutputs } from './evaluation-outputs.js';
import { classificationMetrics } from './metrics/classification-metrics.js';
import { confusionCounts, countsToRows } from './metrics/confusion-matrix.js';
import { accuracyFromCounts, classScoresFromCounts, macroScoresFromCounts } from './metrics/label-metrics.js';
import { regressionMetrics } from './metrics/regression-metrics.js';
import { countIncluded } from './metrics/row-mask.js';

export type MetricValues = Record<string, number | number[][] | null>;

export interface EvaluationMetrics {
  /** Over every scored row with a label; empty when the dataset has no label column. */
  readonly metrics: MetricValues;
  readonly slices: Record<string, { rows: number; metrics: MetricValues }>;
}

/**
 * Metrics of one evaluation's outputs, overall and per slice, keyed as in reference.json. Rows
 * without a label (missing value) are scored but left out of the metrics. A classifier's labels
 * must be class indices: anything else is named with its dataset row.
 */
export function evaluationMetrics(
  outputs: EvaluationOutputs,
  task: ModelTask,
  labelColumn: string | null,
): EvaluationMetrics {
  const slices: Record<string, { rows: number; metrics: MetricValues }> = {};
  const truth = outputs.truth;
  if (truth === null || labelColumn === null) {
    for (const [name, mask] of outputs.slices)
      slices[name] = { rows: countIncluded(mask, mask.length), metrics: {} };
    return { metrics: {}, slices };
  }
  // Usually every row has its label: then no mask at all, and slices use their own masks.
  let labelled: Uint8Array | null = null;
  for (let i = 0; i < outputs.length; i += 1) {
    if (truth[i] !== truth[i]) {
      labelled = new Uint8Array(outputs.length);
      for (let j = 0; j < outputs.length; j += 1) labelled[j] = truth[j] !== truth[j] ? 0 : 1;
      break;
    }
  }
  const compute =
    task === 'classification'
      ? classifierMetrics(outputs, truth, labelColumn)
      : (mask: Uint8Array | null) =>
          ({
            ...regressionMetrics({ yTrue: truth, yPred: outputs.values as Float64Array, mask }),
          }) as MetricValues;
  const metrics = compute(labelled);
  for (const [name, sliceMask] of outputs.slices) {
    let mask = sliceMask;
    if (labelled !== null) {
      mask = new Uint8Array(outputs.length);
      for (let i = 0; i < mask.length; i += 1) mask[i] = (sliceMask[i] as number) & (labelled[i] as number);
    }
    slices[name] = { rows: countIncluded(sliceMask, sliceMask.length), metrics: compute(mask) };
  }
  return { metrics, slices };
}

/** The class count an evaluation's classifier works with: the model's, else what the labels show. */
function outputsClassCount(outputs: EvaluationOutputs): number {
  if (outputs.classCount) return outputs.classCount;
  let largest = 1;
  for (const label of outputs.labels ?? []) largest = Math.max(largest, label);
  for (const value of outputs.truth ?? []) if (!Number.isNaN(value)) largest = Math.max(largest, value);
  return largest + 1;
}

function classifierMetrics(
  outputs: EvaluationOutputs,
  truth: Float64Array,
  labelColumn: string,
): (mask: Uint8Array | null) => MetricValues {
  const classCount = outputsClassCount(outputs);
  const yTrue = classIndices(truth, outputs.rows, classCount, labelColumn);
  const predicted = outputs.labels as Int32Array;
  const probabilities = outputs.probabilities;
  if (probabilities) {
    return (mask) =>
      ({ ...classificationMetrics({ yTrue, predicted, probabilities, classCount, mask }) }) as MetricValues;
  }
  // A classifier without a probabilities output: the metrics of its decisions only.
  return (mask) => {
    const counts = confusionCounts(yTrue, predicted, classCount, mask);
    const metrics: MetricValues = {
      accuracy: accuracyFromCounts(counts, classCount),
      ...macroScoresFromCounts(counts, classCount),
      confusion_matrix: countsToRows(counts, classCount),
    };
    if (classCount === 2) Object.assign(metrics, classScoresFromCounts(counts, classCount, 1));
    return metrics;
  };
}

/** The label column as class indices; rows without a label get 0 (they are masked out). */
function classIndices(
  truth: Float64Array,
  rows: Float64Array,
  classCount: number,
  column: string,
): Int32Array {
  const indices = new Int32Array(truth.length);
  writeClassIndices(truth, rows, classCount, column, indices, null, 0, truth.length);
  return indices;
}

/**
 * Rows [from, to) of the label column as class indices into `indices`, and into `labelled` (when
 * given) whether each row has a label; rows without one get index 0. Returns how many have none.
 * A label that is not a class index is refused, named with its dataset row.
 */
export function writeClassIndices(
  truth: Float64Array,
  rows: Float64Array,
  classCount: number,
  column: string,
  indices: Int32Array,
  labelled: Uint8Array | null,
  from: number,
  to: number,
): number {
  let unlabelled = 0;
  for (let i = from; i < to; i += 1) {
    const value = truth[i] as number;
    if (Number.isNaN(value)) {
      indices[i] = 0;
      if (labelled) labelled[i] = 0;
      unlabelled += 1;
      continue;
    }
    if (!Number.isInteger(value) || value < 0 || value >= classCount) {
      throw new InvalidParameterError(
        `Label column '${column}' holds ${value} at row ${rows[i]}: a classifier's labels must be class indices 0 to ${classCount - 1}`,
      );
    }
    indices[i] = value;
    if (labelled) labelled[i] = 1;
  }
  return unlabelled;
}
