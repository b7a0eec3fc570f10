import { countIncluded } from '../evaluation/metrics/row-mask.js';
import type { DiffReport } from '../behavior/diff-report.js';
import { thresholdCrossings } from '../behavior/diff/threshold-crossings.js';
import { InvalidParameterError } from '../errors/assay-error.js';
import type { Evaluation } from '../evaluation/evaluation-entities.js';
import type { EvaluationOutputs } from '../evaluation/evaluation-outputs.js';
import type { ModelSpec } from '../runtime/model-spec.js';
import type { CheckEvidence } from './check-evidence.js';
import type {
  ContractCheck,
  DirectionCheck,
  InvarianceCheck,
  MetricCheck,
  RangeCheck,
  ThresholdCheck,
} from './contract-definition.js';
import { allOutputValues, outputRole, rowScores } from './output-scores.js';

export interface EvaluatedVersion {
  readonly spec: ModelSpec;
  readonly evaluation: Evaluation;
  readonly outputs: EvaluationOutputs;
}

/** Everything a check may be judged on. */
export interface CheckMaterial {
  readonly candidate: EvaluatedVersion;
  readonly baseline: EvaluatedVersion | null;
  /** The diff baseline -> candidate, when there is a baseline. */
  readonly report: DiffReport | null;
  /** Invariance and direction checks: the candidate's outputs on the perturbed rows, by check. */
  readonly perturbed: ReadonlyMap<ContractCheck, { outputs: EvaluationOutputs; by: number }>;
  /** Outputs closer than this count as unchanged (regressors' "decisions"). */
  readonly tolerance: number;
}

export function gatherEvidence(check: ContractCheck, material: CheckMaterial): CheckEvidence {
  switch (check.kind) {
    case 'metric':
      return metricEvidence(check, material);
    case 'diff': {
      if (!material.report) return { kind: 'no-baseline' };
      const numbers = check.slice ? material.report.slices[check.slice] : material.report.overall;
      if (!numbers) throw unknownSlice(check.slice ?? '', material.candidate.evaluation);
      const value = numbers[check.measure];
      return { kind: 'diff', value: typeof value === 'number' ? value : null };
    }
    case 'threshold':
      return thresholdEvidence(check, material);
    case 'invariance':
      return invarianceEvidence(check, material);
    case 'direction':
      return directionEvidence(check, material);
    case 'range':
      return rangeEvidence(check, material);
  }
}

function metricEvidence(check: MetricCheck, material: CheckMaterial): CheckEvidence {
  const relative = [check.maxDrop, check.maxDropRelative, check.maxRise, check.maxRiseRelative];
  const needsBaseline = relative.some((bound) => bound !== undefined);
  if (needsBaseline && !material.baseline) return { kind: 'no-baseline' };
  return {
    kind: 'metric',
    candidate: metricOf(material.candidate.evaluation, check),
    baseline: material.baseline ? metricOf(material.baseline.evaluation, check) : null,
  };
}

function metricOf(evaluation: Evaluation, check: MetricCheck): number | null {
  const metrics = check.slice ? evaluation.slices[check.slice]?.metrics : evaluation.metrics;
  if (!metrics) throw unknownSlice(check.slice ?? '', evaluation);
  const value = metrics[check.metric];
  return typeof value === 'number' ? value : null;
}

function thresholdEvidence(check: ThresholdCheck, material: CheckMaterial): CheckEvidence {
  const { candidate, baseline } = material;
  if (!baseline) return { kind: 'no-baseline' };
  const role = outputRole(candidate.spec, check.output);
  const classCount = candidate.outputs.classCount ?? 0;
  if (role !== 'probabilities' || !candidate.outputs.probabilities || !baseline.outputs.probabilities) {
    throw new InvalidParameterError(
      `The threshold check on line ${check.line} follows a class probability; output '${check.output}' is the model's ${role}`,
    );
  }
  if (check.classIndex >= classCount || (baseline.outputs.classCount ?? 0) !== classCount) {
    throw new InvalidParameterError(
      `The threshold check on line ${check.line} follows class ${check.classIndex}; the models give ${classCount} and ${baseline.outputs.classCount ?? 0} classes`,
    );
  }
  const mask = check.slice ? sliceMask(candidate, check.slice) : null;
  const crossing = thresholdCrossings({
    oldProbabilities: baseline.outputs.probabilities,
    newProbabilities: candidate.outputs.probabilities,
    classCount,
    classIndex: check.classIndex,
    thresholds: [check.at],
    mask,
  });
  const result = Object.values(crossing)[0] ?? { rate: null, up: 0, down: 0 };
  return {
    kind: 'threshold',
    rate: result.rate ?? 0,
    up: result.up,
    down: result.down,
    n: countIncluded(mask, candidate.outputs.length),
  };
}

function invarianceEvidence(check: InvarianceCheck, material: CheckMaterial): CheckEvidence {
  const original = material.candidate.outputs;
  const perturbed = perturbedOutputs(check, material).outputs;
  let flips = 0;
  if (original.values && perturbed.values) {
    for (let i = 0; i < original.length; i += 1) {
      if (!(Math.abs((perturbed.values[i] as number) - (original.values[i] as number)) <= material.tolerance))
        flips += 1;
    }
  } else {
    const before = original.labels ?? new Int32Array(0);
    const after = perturbed.labels ?? new Int32Array(0);
    for (let i = 0; i < original.length; i += 1) if (before[i] !== after[i]) flips += 1;
  }
  return { kind: 'invariance', flips, n: original.length };
}

function directionEvidence(check: DirectionCheck, material: CheckMaterial): CheckEvidence {
  const role = outputRole(material.candidate.spec, check.output);
  const { outputs: raised, by } = perturbedOutputs(check, material);
  const before = rowScores(material.candidate.outputs, role, check.classIndex);
  const after = rowScores(raised, role, check.classIndex);
  let violations = 0;
  let worst = 0;
  for (let i = 0; i < before.length; i += 1) {
    const delta = (after[i] as number) - (before[i] as number);
    const wrongWay = check.increasing ? -delta : delta;
    if (wrongWay > check.tolerance || Number.isNaN(delta)) violations += 1;
    if (wrongWay > worst) worst = wrongWay;
  }
  return { kind: 'direction', violations, n: before.length, worst, by };
}

function rangeEvidence(check: RangeCheck, material: CheckMaterial): CheckEvidence {
  const role = outputRole(material.candidate.spec, check.output);
  const values = allOutputValues(material.candidate.outputs, role);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let nonFinite = 0;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i] as number;
    if (!Number.isFinite(value)) {
      nonFinite += 1;
      continue;
    }
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const sawFinite = values.length > nonFinite;
  return {
    kind: 'range',
    min: sawFinite ? min : null,
    max: sawFinite ? max : null,
    nonFinite,
    n: material.candidate.outputs.length,
  };
}

function perturbedOutputs(
  check: ContractCheck,
  material: CheckMaterial,
): { outputs: EvaluationOutputs; by: number } {
  const perturbed = material.perturbed.get(check);
  if (!perturbed) throw new Error(`no perturbed run for the check on line ${check.line}`);
  return perturbed;
}

function sliceMask(version: EvaluatedVersion, slice: string): Uint8Array {
  const mask = version.outputs.slices.get(slice);
  if (!mask) throw unknownSlice(slice, version.evaluation);
  return mask;
}

function unknownSlice(slice: string, evaluation: Evaluation): InvalidParameterError {
  const known = Object.keys(evaluation.slices);
  return new InvalidParameterError(
    `The contract names slice '${slice}', which dataset ${evaluation.dataset.name}@${evaluation.dataset.version} does not define (its slices: ${known.length > 0 ? known.join(', ') : 'none'})`,
  );
}
