import type { RowMask } from './row-mask.js';
import type { Probabilities } from './metric-inputs.js';
import { checkClassCount, checkLength, checkProbabilities } from './metric-inputs.js';
import { tallyClassification, type ClassificationTally } from './classification-pass.js';
import { countsToRows } from './confusion-matrix.js';
import { accuracyFromCounts, classScoresFromCounts, macroScoresFromCounts } from './label-metrics.js';
import { rocAuc, rocAucOvrMacro } from './roc-auc.js';
import { checkMask } from './row-mask.js';

export interface ClassificationInputs {
  /** True class per row, 0..classCount-1. */
  readonly yTrue: Int32Array;
  /**
   * Predicted class per row; label-based metrics and ECE's accuracy use these. The model's label output
   * and argmax(probabilities) agree on every fixture row, so either reproduces reference.json.
   */
  readonly predicted: Int32Array;
  /** Row-major [rows x classCount]. */
  readonly probabilities: Probabilities;
  readonly classCount: number;
  readonly mask?: RowMask | null;
}

/**
 * Metrics of a classifier, keyed as in reference.json. Rates are null when undefined for the rows
 * (no included row, or ROC AUC without both classes); the binary-only keys (class 1 positive) appear
 * when classCount is 2, `roc_auc_ovr_macro` otherwise.
 */
export interface ClassificationMetrics {
  readonly accuracy: number | null;
  readonly precision_macro: number | null;
  readonly recall_macro: number | null;
  readonly f1_macro: number | null;
  readonly log_loss: number | null;
  readonly ece: number | null;
  readonly confusion_matrix: number[][];
  readonly roc_auc?: number | null;
  readonly f1?: number | null;
  readonly precision?: number | null;
  readonly recall?: number | null;
  readonly roc_auc_ovr_macro?: number | null;
}

/**
 * Every classification metric of reference.json over the included rows. `tallied`: the rows'
 * tally when the caller took it already (an evaluation does, batch by batch).
 */
export function classificationMetrics(
  inputs: ClassificationInputs,
  tallied?: ClassificationTally,
): ClassificationMetrics {
  const { yTrue, predicted, probabilities, classCount, mask } = inputs;
  checkClassCount(classCount);
  checkLength('Predicted labels', predicted, yTrue.length);
  checkProbabilities('Probabilities', probabilities, yTrue.length, classCount);
  checkMask(mask, yTrue.length);
  const tally = tallied ?? tallyClassification(yTrue, predicted, probabilities, classCount, mask);
  const { counts } = tally;
  const common = {
    accuracy: accuracyFromCounts(counts, classCount),
    ...macroScoresFromCounts(counts, classCount),
    log_loss: tally.logLoss,
    ece: tally.ece,
    confusion_matrix: countsToRows(counts, classCount),
  };
  if (classCount === 2) {
    const { f1, precision, recall } = classScoresFromCounts(counts, classCount, 1);
    // The tally has it for float32 scores; float64 ones are sorted natively, by rocAuc.
    const auc = tally.rocAuc === undefined ? rocAuc(yTrue, probabilities, classCount, 1, mask) : tally.rocAuc;
    return { ...common, roc_auc: auc, f1, precision, recall };
  }
  return { ...common, roc_auc_ovr_macro: rocAucOvrMacro(yTrue, probabilities, classCount, mask) };
}
