import type { DatasetVersionInfo } from '../datasets/dataset-entities.js';
import { InvalidParameterError } from '../errors/assay-error.js';
import { checkExpression, unknownColumnProblem } from '../expression/expression-check.js';
import { parseExpression } from '../expression/expression-parser.js';
import type { ModelSpec } from '../runtime/model-spec.js';
import type { ContractCheck, ContractDefinition } from './contract-definition.js';
import { describeCheck } from './describe-check.js';
import { outputRole } from './output-scores.js';
import { checkPerturbation } from './perturb-batch.js';

/**
 * Checks a parsed contract against what it refers to: its row filter, slices and columns against
 * the dataset version, its outputs against the model (when a version of it can run). A contract
 * that could never be evaluated is refused when it is set, not when a promotion depends on it.
 */
export function validateContract(
  definition: ContractDefinition,
  dataset: DatasetVersionInfo,
  spec: ModelSpec | null,
): void {
  if (definition.where) {
    try {
      checkExpression(parseExpression(definition.where), dataset.schema);
    } catch (error) {
      throw new InvalidParameterError(`contract, where: ${(error as Error).message}`);
    }
  }
  const slices = dataset.slices.map((slice) => slice.name);
  const columns = dataset.schema.columns.map((column) => column.name);
  for (const check of definition.checks) {
    const at = `contract: line ${check.line}, check '${describeCheck(check)}'`;
    const slice = 'slice' in check ? check.slice : null;
    if (slice && !slices.includes(slice)) {
      throw new InvalidParameterError(
        `${at}: dataset ${dataset.name}@${dataset.version} has no slice '${slice}' (its slices: ${slices.length > 0 ? slices.join(', ') : 'none'})`,
      );
    }
    if (check.kind === 'invariance' || check.kind === 'direction') {
      const column = dataset.schema.columns.find((candidate) => candidate.name === check.column);
      if (!column) throw new InvalidParameterError(`${at}: ${unknownColumnProblem(check.column, columns)}`);
      try {
        checkPerturbation(
          check.column,
          column.type,
          check.kind === 'direction' ? { add: 1 } : check.perturbation,
        );
      } catch (error) {
        throw new InvalidParameterError(`${at}: ${(error as Error).message}`);
      }
    }
    if (spec) checkOutputs(check, spec, at);
  }
}

function checkOutputs(check: ContractCheck, spec: ModelSpec, at: string): void {
  if (!('output' in check)) return;
  try {
    const role = outputRole(spec, check.output);
    const classIndex = 'classIndex' in check ? check.classIndex : null;
    if (
      role === 'probabilities' &&
      classIndex !== null &&
      spec.classCount !== null &&
      classIndex >= spec.classCount
    ) {
      throw new InvalidParameterError(
        `class ${classIndex} is not one of the model's ${spec.classCount} classes (0 to ${spec.classCount - 1})`,
      );
    }
  } catch (error) {
    throw new InvalidParameterError(`${at}: ${(error as Error).message}`);
  }
}
