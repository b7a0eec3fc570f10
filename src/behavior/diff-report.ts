import { InvalidParameterError } from '../errors/assay-error.js';
import { argmaxLabels } from '../evaluation/metrics/argmax.js';
import { lowerIsBetter } from '../evaluation/metric-catalog.js';
import type { Evaluation } from '../evaluation/evaluation-entities.js';
import type { EvaluationOutputs } from '../evaluation/evaluation-outputs.js';
import { classificationDiff } from './diff/classification-diff.js';
import { metricDeltas } from './diff/metric-deltas.js';
import { topMovedClassificationRows, topMovedRegressionRows, type MovedRow } from './diff/moved-rows.js';
import { regressionDiff } from './diff/regression-diff.js';

export interface EvaluatedSide {
  readonly outputs: EvaluationOutputs;
  readonly metrics: Readonly<Record<string, unknown>>;
  readonly sliceMetrics: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** A stored evaluation and its outputs as one side of a diff. */
export function evaluatedSide(evaluation: Evaluation, outputs: EvaluationOutputs): EvaluatedSide {
  return {
    outputs,
    metrics: evaluation.metrics,
    sliceMetrics: Object.fromEntries(
      Object.entries(evaluation.slices).map(([name, slice]) => [name, slice.metrics]),
    ),
  };
}

export interface DiffReport {
  readonly overall: Record<string, unknown>;
  readonly slices: Record<string, Record<string, unknown>>;
  readonly regressedSlices: { slice: string; reason: string }[];
  /** Positions in the outputs (not dataset row numbers), most moved first. */
  readonly top: MovedRow[];
}

/**
 * The diff of two evaluations of the same rows: decisions and scores as reference.json defines them
 * (classifications compared by argmax of the probabilities), overall and per slice, with the metric
 * changes, the slices that regressed and the rows that moved most.
 */
export function diffReport(
  a: EvaluatedSide,
  b: EvaluatedSide,
  task: string,
  thresholds: readonly number[],
  top: number,
): DiffReport {
  assertSameRows(a.outputs, b.outputs);
  const slices: Record<string, Record<string, unknown>> = {};
  const regressedSlices: { slice: string; reason: string; severity: number }[] = [];

  if (task === 'classification') {
    const classCount = a.outputs.classCount ?? b.outputs.classCount ?? 0;
    if (!a.outputs.probabilities || !b.outputs.probabilities || (b.outputs.classCount ?? 0) !== classCount) {
      throw new InvalidParameterError(
        'both versions must be classifiers with the same number of classes to be compared',
      );
    }
    const inputs = {
      yTrue: classIndices(a.outputs.truth, a.outputs.rows),
      oldLabels: argmaxLabels(a.outputs.probabilities, classCount),
      newLabels: argmaxLabels(b.outputs.probabilities, classCount),
      classCount,
      oldProbabilities: a.outputs.probabilities,
      newProbabilities: b.outputs.probabilities,
      thresholds,
    };
    const overall = { ...classificationDiff(inputs), metric_deltas: metricDeltas(a.metrics, b.metrics) };
    for (const [name, mask] of a.outputs.slices) {
      const deltas = metricDeltas(a.sliceMetrics[name] ?? {}, b.sliceMetrics[name] ?? {});
      const diff = { ...classificationDiff({ ...inputs, mask }), metric_deltas: deltas };
      slices[name] = diff;
      const regression = classificationRegression(diff.negative_flips ?? 0, diff.positive_flips ?? 0, deltas);
      if (regression) regressedSlices.push({ slice: name, ...regression });
    }
    return {
      overall,
      slices,
      regressedSlices: bySeverity(regressedSlices),
      top: top > 0 ? topMovedClassificationRows({ ...inputs, k: top }) : [],
    };
  }

  const oldValues = a.outputs.values;
  const newValues = b.outputs.values;
  if (!oldValues || !newValues)
    throw new InvalidParameterError('both versions must be regressors to be compared');
  const overall = {
    ...regressionDiff({ oldValues, newValues }),
    metric_deltas: metricDeltas(a.metrics, b.metrics),
  };
  for (const [name, mask] of a.outputs.slices) {
    const deltas = metricDeltas(a.sliceMetrics[name] ?? {}, b.sliceMetrics[name] ?? {});
    slices[name] = { ...regressionDiff({ oldValues, newValues, mask }), metric_deltas: deltas };
    const worse = worsened(deltas);
    if (worse.length > 0)
      regressedSlices.push({
        slice: name,
        reason: worse.map(describeDelta).join(', '),
        severity: worse[0]?.[2] ?? 0,
      });
  }
  return {
    overall,
    slices,
    regressedSlices: bySeverity(regressedSlices),
    top: top > 0 ? topMovedRegressionRows({ oldValues, newValues, k: top }) : [],
  };
}

function assertSameRows(a: EvaluationOutputs, b: EvaluationOutputs): void {
  const same = a.length === b.length && a.rows.every((row, index) => row === b.rows[index]);
  if (!same)
    throw new InvalidParameterError(
      'the two evaluations did not score the same rows (different dataset version or filter)',
    );
}

/**
 * The label column as class indices, or null when no row has a label (no right/wrong then). Flip
 * counts need every compared row's label: partly labelled rows are refused rather than miscounted.
 */
function classIndices(truth: Float64Array | null, rows: Float64Array): Int32Array | null {
  if (!truth) return null;
  let missing = 0;
  let first = -1;
  for (let i = 0; i < truth.length; i += 1) {
    if (!Number.isNaN(truth[i])) continue;
    missing += 1;
    if (first < 0) first = i;
  }
  if (missing === truth.length) return null;
  if (missing > 0) {
    throw new InvalidParameterError(
      `${missing} of the compared rows have no label (the first is row ${rows[first]}): compare labelled rows only, e.g. with a filter '<label> is not null'`,
    );
  }
  return Int32Array.from(truth);
}

function classificationRegression(
  negative: number,
  positive: number,
  deltas: Record<string, number>,
): { reason: string; severity: number } | null {
  const worse = worsened(deltas);
  if (negative <= positive && worse.length === 0) return null;
  const parts: string[] = [];
  if (negative > positive) parts.push(`${negative} rows now wrong, ${positive} now right`);
  parts.push(...worse.slice(0, 3).map(describeDelta));
  return { reason: parts.join('; '), severity: (negative - positive) * 1e6 + (worse[0]?.[2] ?? 0) };
}

/** Metrics that got worse, worst (largest relative loss) first: [name, delta, loss]. */
function worsened(deltas: Record<string, number>): [string, number, number][] {
  return Object.entries(deltas)
    .map(([name, delta]): [string, number, number] => [name, delta, lowerIsBetter(name) ? delta : -delta])
    .filter(([, , loss]) => loss > 0)
    .sort((x, y) => y[2] - x[2]);
}

function describeDelta([name, delta]: [string, number, number]): string {
  return `${name} ${delta > 0 ? '+' : ''}${Number(delta.toPrecision(4))}`;
}

function bySeverity(
  slices: { slice: string; reason: string; severity: number }[],
): { slice: string; reason: string }[] {
  return slices.sort((x, y) => y.severity - x.severity).map(({ slice, reason }) => ({ slice, reason }));
}
