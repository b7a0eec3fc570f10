import type { ModelTask } from '../runtime/model-spec.js';
import {
  evaluationMetrics,
  writeClassIndices,
  type EvaluationMetrics,
  type MetricValues,
} from './evaluation-metrics.js';
import type { EvaluationOutputs } from './evaluation-outputs.js';
import { ClassificationTallier } from './metrics/classification-pass.js';
import { classificationMetrics } from './metrics/classification-metrics.js';
import { countIncluded } from './metrics/row-mask.js';

/** One tally per group of rows: every labelled row, and each slice's labelled rows. */
interface Group {
  readonly tally: ClassificationTallier;
  /** The slice's membership, and where its labelled rows are gathered; null for every row. */
  readonly slice: { readonly name: string; readonly labelled: Uint8Array } | null;
}

/**
 * An evaluation's metrics, gathered as its batches are collected, so that what is left after the
 * last row is scored is little more than sorting ROC AUC's scores: a classifier's per-row sums
 * (confusion counts, log loss, calibration gaps, AUC keys) are taken batch by batch while the
 * model scores the next rows. The numbers equal evaluationMetrics' over the finished outputs
 * (same rows, same order). What cannot be tallied as it comes (a regressor's quantiles, a
 * classifier without probabilities, whose class count only the last label settles) is computed
 * by evaluationMetrics at the end.
 */
export class EvaluationMetricsCollector {
  private classCount = 0;
  private yTrue: Int32Array | null = null;
  /** Whether each row has a label (1) or not (0). */
  private labelled: Uint8Array | null = null;
  private unlabelled = false;
  private groups: Group[] | null = null;
  /** Rows tallied so far. */
  private done = 0;

  constructor(
    private readonly task: ModelTask,
    private readonly labelColumn: string | null,
    /** The most rows the evaluation can have (the dataset's). */
    private readonly capacity: number,
  ) {}

  /** Rows [from, to) of `outputs` are collected (called in order, as EvaluationAccumulator fills them). */
  collect(outputs: EvaluationOutputs, from: number, to: number): void {
    if (from !== this.done) return;
    const groups = this.groups ?? this.start(outputs);
    if (groups === null) return;
    const yTrue = this.yTrue as Int32Array;
    const labelled = this.labelled as Uint8Array;
    const truth = outputs.truth as Float64Array;
    const missing = writeClassIndices(
      truth,
      outputs.rows,
      this.classCount,
      this.labelColumn as string,
      yTrue,
      labelled,
      from,
      to,
    );
    if (missing > 0) this.unlabelled = true;
    const predicted = outputs.labels as Int32Array;
    const probabilities = outputs.probabilities as Float32Array;
    for (const group of groups) {
      let mask = labelled;
      if (group.slice !== null) {
        const members = outputs.slices.get(group.slice.name) as Uint8Array;
        mask = group.slice.labelled;
        for (let i = from; i < to; i += 1) mask[i] = (members[i] as number) & (labelled[i] as number);
      }
      group.tally.add(yTrue, predicted, probabilities, from, to, mask);
    }
    this.done = to;
  }

  /** The metrics of the finished outputs. */
  finish(outputs: EvaluationOutputs): EvaluationMetrics {
    const groups = this.groups;
    if (groups === null || this.done !== outputs.length) {
      return evaluationMetrics(outputs, this.task, this.labelColumn);
    }
    const n = outputs.length;
    const inputs = {
      yTrue: (this.yTrue as Int32Array).subarray(0, n),
      predicted: outputs.labels as Int32Array,
      probabilities: outputs.probabilities as Float32Array,
      classCount: this.classCount,
    };
    // As evaluationMetrics: no mask at all when every row has its label.
    const labelled = this.unlabelled ? (this.labelled as Uint8Array).subarray(0, n) : null;
    let metrics: MetricValues = {};
    const slices: EvaluationMetrics['slices'] = {};
    for (const group of groups) {
      const mask = group.slice === null ? labelled : group.slice.labelled.subarray(0, n);
      const values = { ...classificationMetrics({ ...inputs, mask }, group.tally.result()) } as MetricValues;
      if (group.slice === null) {
        metrics = values;
        continue;
      }
      const members = outputs.slices.get(group.slice.name) as Uint8Array;
      slices[group.slice.name] = { rows: countIncluded(members, members.length), metrics: values };
    }
    return { metrics, slices };
  }

  /** The tallies, when the outputs are those of a classifier with probabilities and labels to compare. */
  private start(outputs: EvaluationOutputs): Group[] | null {
    const classCount = outputs.classCount ?? 0;
    if (
      this.task !== 'classification' ||
      this.labelColumn === null ||
      outputs.truth === null ||
      !outputs.labels ||
      !(outputs.probabilities instanceof Float32Array) ||
      classCount < 1
    ) {
      return null;
    }
    this.classCount = classCount;
    this.yTrue = new Int32Array(this.capacity);
    this.labelled = new Uint8Array(this.capacity);
    const group = (slice: Group['slice']): Group => ({
      tally: new ClassificationTallier(this.capacity, classCount, true),
      slice,
    });
    this.groups = [
      group(null),
      ...[...outputs.slices.keys()].map((name) => group({ name, labelled: new Uint8Array(this.capacity) })),
    ];
    return this.groups;
  }
}
