import { InvalidParameterError } from '../errors/assay-error.js';
import type { EvaluationOutputs } from '../evaluation/evaluation-outputs.js';
import type { ModelSpec } from '../runtime/model-spec.js';

/** Which of a model's outputs a check is about, by role. */
export type OutputRole = 'probabilities' | 'label' | 'value';

/**
 * A contract names an output by role (`probabilities`, `label`, `value`) or by the model's own
 * tensor name (`variable`); either way it must be one the model has.
 */
export function outputRole(spec: ModelSpec, output: string): OutputRole {
  const roles: [OutputRole, string | null][] = [
    ['probabilities', spec.probabilitiesOutput],
    ['label', spec.labelOutput],
    ['value', spec.valueOutput],
  ];
  for (const [role, tensor] of roles) {
    if (tensor !== null && (output === role || output === tensor)) return role;
  }
  const known = roles
    .filter(([, tensor]) => tensor !== null)
    .map(([role, tensor]) => (role === tensor ? role : `${role} ('${tensor}')`));
  throw new InvalidParameterError(
    `The contract names output '${output}'; this ${spec.task} model has ${known.join(', ')}`,
  );
}

/** One number per row: a class's probability, the label, or the regressor's value. */
export function rowScores(
  outputs: EvaluationOutputs,
  role: OutputRole,
  classIndex: number | null,
): Float64Array {
  const scores = new Float64Array(outputs.length);
  if (role === 'value') {
    scores.set(outputs.values ?? []);
    return scores;
  }
  if (role === 'label') {
    scores.set(outputs.labels ?? []);
    return scores;
  }
  const classCount = outputs.classCount ?? 0;
  const index = classIndex ?? 1;
  if (!outputs.probabilities || index >= classCount) {
    throw new InvalidParameterError(
      `The contract follows the probability of class ${index}; the model gives ${classCount} classes`,
    );
  }
  for (let i = 0; i < outputs.length; i += 1)
    scores[i] = outputs.probabilities[i * classCount + index] as number;
  return scores;
}

/** Every value of the output (all classes' probabilities, for probabilities). */
export function allOutputValues(outputs: EvaluationOutputs, role: OutputRole): ArrayLike<number> {
  if (role === 'value') return outputs.values ?? [];
  if (role === 'label') return outputs.labels ?? [];
  return outputs.probabilities ?? [];
}
