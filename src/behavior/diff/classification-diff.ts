import type { RowMask } from '../../evaluation/metrics/row-mask.js';
import type { Probabilities } from '../../evaluation/metrics/metric-inputs.js';
import { checkProbabilities } from '../../evaluation/metrics/metric-inputs.js';
import type { LabelDiff } from './label-diff.js';
import { labelDiff } from './label-diff.js';
import type { ScoreDelta } from './score-delta.js';
import { scoreDelta } from './score-delta.js';
import type { Crossing } from './threshold-crossings.js';
import { thresholdCrossings } from './threshold-crossings.js';
import { checkBothOrNeither, defaultScoreClass } from './score-class.js';

export interface ClassificationDiffInputs {
  /** True class per row, or null for unlabelled rows. */
  readonly yTrue: Int32Array | null;
  /** Each model's predicted labels; the reference compares argmax(probabilities) (see argmaxLabels). */
  readonly oldLabels: Int32Array;
  readonly newLabels: Int32Array;
  readonly classCount: number;
  /** Both or neither; without them there is no score_delta or crossings. */
  readonly oldProbabilities?: Probabilities | null;
  readonly newProbabilities?: Probabilities | null;
  /**
   * The class whose probability `score_delta` and `crossings` follow. Default: 1 for binary problems
   * (the positive class), none for multiclass (give one to get them there too).
   */
  readonly scoreClass?: number | null;
  /** Decision thresholds for `crossings` (the reference uses 0.5, 0.7, 0.9). */
  readonly thresholds?: readonly number[];
  readonly mask?: RowMask | null;
}

/** reference.json's diff object: the label comparison, plus the score movement when a class is followed. */
export interface ClassificationDiff extends LabelDiff {
  readonly score_delta?: ScoreDelta;
  readonly crossings?: Record<string, Crossing>;
}

/** Everything reference.json reports for two classifiers on the same rows, over the included rows. */
export function classificationDiff(inputs: ClassificationDiffInputs): ClassificationDiff {
  const { classCount, mask, oldProbabilities, newProbabilities } = inputs;
  const labels = labelDiff(inputs);
  checkBothOrNeither(oldProbabilities, newProbabilities);
  const scoreClass = defaultScoreClass(classCount, inputs.scoreClass);
  if (oldProbabilities == null || newProbabilities == null || scoreClass === null) return labels;
  const rows = inputs.oldLabels.length;
  checkProbabilities('Old probabilities', oldProbabilities, rows, classCount);
  checkProbabilities('New probabilities', newProbabilities, rows, classCount);
  const scores = { oldProbabilities, newProbabilities, classCount, classIndex: scoreClass, mask };
  return {
    ...labels,
    score_delta: scoreDelta(scores),
    crossings: thresholdCrossings({ ...scores, thresholds: inputs.thresholds ?? [] }),
  };
}
