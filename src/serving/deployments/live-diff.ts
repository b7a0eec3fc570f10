import { DEFAULT_THRESHOLDS } from '../../behavior/diff-service.js';
import { defaultScoreClass } from '../../behavior/diff/score-class.js';
import { thresholdCrossings, thresholdKey } from '../../behavior/diff/threshold-crossings.js';
import { argmaxLabels } from '../../evaluation/metrics/argmax.js';
import { percentile } from '../../evaluation/metrics/quantile.js';
import type { ModelSpec, Predictions } from '../../runtime/model-spec.js';
import { collectPredictions } from '../../runtime/prediction-collector.js';
import type { NamedTensor } from '../named-tensor.js';

/** Deltas kept for the quantiles: the latest this many rows (sums and maxima cover every row). */
const QUANTILE_WINDOW = 100_000;

/**
 * A shadow's disagreement with the served version, accumulated row by row as mirrored requests are
 * answered, with the definitions `assay diff` uses (see src/behavior/diff): classifiers compare
 * argmax labels (flips, the transition matrix) and the followed class's probability (score delta,
 * threshold crossings); regressors compare values. Sums, counts and maxima cover every compared row;
 * the score-delta quantiles cover the latest QUANTILE_WINDOW rows. No true labels live, so no
 * negative/positive flip split.
 */
export class LiveDiff {
  private readonly since = Date.now();
  private rows = 0;
  private errors = 0;
  private skipped = 0;
  private readonly classCount: number | null;
  private readonly scoreClass: number | null;
  private readonly transitions: Float64Array;
  private readonly up: Float64Array;
  private readonly down: Float64Array;
  private readonly recent = new Float64Array(QUANTILE_WINDOW);
  private recentCount = 0;
  private sum = 0;
  private sumAbs = 0;
  private maxAbs = 0;
  /** Why the two cannot be compared (different tasks or class counts), when they cannot. */
  readonly incomparable: string | null;

  constructor(
    private readonly served: ModelSpec,
    private readonly shadow: ModelSpec,
    private readonly thresholds: readonly number[] = DEFAULT_THRESHOLDS,
  ) {
    this.incomparable = incomparable(served, shadow);
    const classes = served.task === 'classification' ? served.classCount : null;
    this.classCount = classes;
    this.scoreClass =
      classes !== null && served.probabilitiesOutput !== null && shadow.probabilitiesOutput !== null
        ? defaultScoreClass(classes)
        : null;
    this.transitions = new Float64Array(classes === null ? 0 : classes * classes);
    this.up = new Float64Array(thresholds.length);
    this.down = new Float64Array(thresholds.length);
  }

  /** One mirrored request: the served version's outputs and the shadow's, for the same `rows` rows. */
  add(servedOutputs: readonly NamedTensor[], shadowOutputs: readonly NamedTensor[], rows: number): void {
    if (this.incomparable !== null || rows === 0) return;
    const a = collectPredictions(this.served, byName(servedOutputs), rows);
    const b = collectPredictions(this.shadow, byName(shadowOutputs), rows);
    this.rows += rows;
    if (this.classCount === null) this.addValues(a.values as Float64Array, b.values as Float64Array);
    else this.addClassification(a, b, this.classCount);
  }

  /** A mirrored request the shadow failed on. */
  failed(): void {
    this.errors += 1;
  }

  /** A request not mirrored because the shadow's queue was full: serving never waits for it. */
  countSkipped(): void {
    this.skipped += 1;
  }

  toJSON(): Record<string, unknown> {
    const n = this.rows;
    const rate = (count: number) => (n === 0 ? null : count / n);
    const common = {
      since: this.since,
      rows_compared: n,
      shadow_errors: this.errors,
      skipped_requests: this.skipped,
    };
    if (this.incomparable !== null) return { ...common, comparable: false, reason: this.incomparable };
    if (this.classCount === null) {
      return {
        ...common,
        task: 'regression',
        mean_abs_delta: n === 0 ? null : this.sumAbs / n,
        max_abs_delta: n === 0 ? null : this.maxAbs,
        mean_delta: n === 0 ? null : this.sum / n,
      };
    }
    const classes = this.classCount;
    let agreeing = 0;
    for (let c = 0; c < classes; c += 1) agreeing += this.transitions[c * classes + c] as number;
    const transitions = Array.from({ length: classes }, (_, row) =>
      Array.from(this.transitions.subarray(row * classes, (row + 1) * classes)),
    );
    const json: Record<string, unknown> = {
      ...common,
      task: 'classification',
      agreement: rate(agreeing),
      flip_rate: rate(n - agreeing),
      label_flips: n - agreeing,
      transitions,
    };
    if (this.scoreClass === null) return json;
    const kept = Math.min(this.recentCount, QUANTILE_WINDOW);
    const deltas = this.recent.slice(0, kept);
    const p50 = percentile(deltas, 50);
    for (let i = 0; i < kept; i += 1) deltas[i] = Math.abs(deltas[i] as number);
    return {
      ...json,
      score_class: this.scoreClass,
      score_delta: {
        mean_abs: n === 0 ? null : this.sumAbs / n,
        max_abs: n === 0 ? null : this.maxAbs,
        p50,
        p99_abs: percentile(deltas, 99),
      },
      crossings: Object.fromEntries(
        this.thresholds.map((t, k) => {
          const up = this.up[k] as number;
          const down = this.down[k] as number;
          return [thresholdKey(t), { rate: rate(up + down), up, down }];
        }),
      ),
    };
  }

  private addClassification(a: Predictions, b: Predictions, classes: number): void {
    // As `assay diff`: labels are the argmax of the probabilities when the model gives them.
    const oldLabels = a.probabilities ? argmaxLabels(a.probabilities, classes) : (a.labels as Int32Array);
    const newLabels = b.probabilities ? argmaxLabels(b.probabilities, classes) : (b.labels as Int32Array);
    for (let i = 0; i < oldLabels.length; i += 1) {
      const from = oldLabels[i] as number;
      const to = newLabels[i] as number;
      if (from >>> 0 < classes && to >>> 0 < classes) this.transitions[from * classes + to]! += 1;
    }
    const scoreClass = this.scoreClass;
    if (scoreClass === null || !a.probabilities || !b.probabilities) return;
    const crossings = thresholdCrossings({
      oldProbabilities: a.probabilities,
      newProbabilities: b.probabilities,
      classCount: classes,
      classIndex: scoreClass,
      thresholds: this.thresholds,
    });
    this.thresholds.forEach((t, k) => {
      const crossing = crossings[thresholdKey(t)];
      this.up[k]! += crossing?.up ?? 0;
      this.down[k]! += crossing?.down ?? 0;
    });
    for (let i = 0, at = scoreClass; i < oldLabels.length; i += 1, at += classes) {
      this.addDelta((b.probabilities[at] as number) - (a.probabilities[at] as number));
    }
  }

  private addValues(a: Float64Array, b: Float64Array): void {
    for (let i = 0; i < a.length; i += 1) this.addDelta((b[i] as number) - (a[i] as number));
  }

  private addDelta(delta: number): void {
    const abs = Math.abs(delta);
    this.sum += delta;
    this.sumAbs += abs;
    if (abs > this.maxAbs || abs !== abs) this.maxAbs = abs;
    this.recent[this.recentCount % QUANTILE_WINDOW] = delta;
    this.recentCount += 1;
  }
}

function byName(tensors: readonly NamedTensor[]): Record<string, NamedTensor> {
  return Object.fromEntries(tensors.map((tensor) => [tensor.name, tensor]));
}

function incomparable(served: ModelSpec, shadow: ModelSpec): string | null {
  if (served.task !== shadow.task) {
    return `the served version is a ${served.task} model, the shadow a ${shadow.task} model`;
  }
  if (served.task === 'classification' && served.classCount !== shadow.classCount) {
    return `the served version has ${String(served.classCount)} classes, the shadow ${String(shadow.classCount)}`;
  }
  if (served.task === 'classification' && served.classCount === null) {
    return 'the served model does not say how many classes it has';
  }
  return null;
}
