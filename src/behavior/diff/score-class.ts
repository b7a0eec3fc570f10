import type { Probabilities } from '../../evaluation/metrics/metric-inputs.js';
import { checkClassIndex } from '../../evaluation/metrics/metric-inputs.js';
import { InvalidParameterError } from '../../errors/assay-error.js';

/**
 * The class whose probability a diff follows: the caller's, else the positive class (1) of a binary
 * problem; null for multiclass, where no single class is "the score" unless the caller names one.
 */
export function defaultScoreClass(classCount: number, scoreClass?: number | null): number | null {
  if (scoreClass != null) {
    checkClassIndex('Score class', scoreClass, classCount);
    return scoreClass;
  }
  return classCount === 2 ? 1 : null;
}

/** Score comparisons need both models' probabilities; one side alone is a caller's mistake. */
export function checkBothOrNeither(
  oldProbabilities: Probabilities | null | undefined,
  newProbabilities: Probabilities | null | undefined,
): void {
  if ((oldProbabilities == null) !== (newProbabilities == null)) {
    throw new InvalidParameterError("Give both models' probabilities or neither.");
  }
}
