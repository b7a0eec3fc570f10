import type { DatasetsService } from '../datasets/datasets-service.js';
import { diffReport, evaluatedSide, type DiffReport } from '../behavior/diff-report.js';
import { DEFAULT_THRESHOLDS } from '../behavior/diff-service.js';
import { NotFoundError } from '../errors/assay-error.js';
import type { EvaluationOutputs } from '../evaluation/evaluation-outputs.js';
import type { EvaluationService } from '../evaluation/evaluation-service.js';
import type { ModelRegistrationService } from '../registry/model-registration-service.js';
import { modelNotFound, versionNotFound } from '../registry/registry-errors.js';
import { REGISTRY_LIMITS } from '../registry/limits.js';
import { RegistryStore } from '../registry/registry-store.js';
import type { ModelSpec } from '../runtime/model-spec.js';
import { ContractRepository, type CheckRow } from '../store/contract-repository.js';
import type { Database } from '../store/database.js';
import type { KeyValue } from '../tracking/entities.js';
import type { CheckResult } from './check-result.js';
import type { ContractCheck, DirectionCheck, InvarianceCheck } from './contract-definition.js';
import type { ContractCheckOutcome, StoredCheckResult } from './contract-entities.js';
import { toContract } from './contracts-service.js';
import { gatherEvidence, type EvaluatedVersion } from './gather-evidence.js';
import { judgeCheck } from './judge-check.js';
import { perturbBatch } from './perturb-batch.js';
import { decideVerdict, suggestVersionLabel, type SameAsBaseline } from './verdict.js';

export interface CheckRequest {
  readonly name: string;
  readonly version: number;
  /** Progress of the evaluations the check needs (candidate, baseline). */
  readonly onProgress?: ((step: string, rowsRead: number, totalRows: number) => void) | undefined;
}

/**
 * Checks a model version against its model's current contract: evaluates it (and the baseline
 * alias's version) on the contract's rows, diffs the two, runs the perturbations, judges every
 * check and records the verdict with the version, where the promotion gate finds it.
 */
export class CheckService {
  private readonly contracts = new ContractRepository();
  private readonly registry: RegistryStore;

  constructor(
    private readonly database: Database,
    private readonly evaluations: EvaluationService,
    private readonly datasets: DatasetsService,
    private readonly registration: ModelRegistrationService,
    private readonly now: () => number = Date.now,
  ) {
    this.registry = new RegistryStore(database.dialect);
  }

  async check(request: CheckRequest): Promise<ContractCheckOutcome> {
    const { name, version } = request;
    const row = await this.contracts.latest(this.database.db, name);
    if (!row) throw await this.noContract(name);
    const contract = toContract(row);
    const { definition } = contract;
    const dataset = await this.datasets.getDatasetVersion(
      definition.dataset.name,
      definition.dataset.version ?? 'latest',
    );
    const pinned = { name: dataset.name, version: dataset.version };
    const evaluate = async (modelVersion: number, step: string): Promise<EvaluatedVersion> => {
      const spec = await this.registration.getModelSpec(name, modelVersion);
      const { evaluation } = await this.evaluations.evaluate({
        model: { name, version: modelVersion },
        dataset: pinned,
        where: definition.where,
        onProgress: request.onProgress && ((read, total) => request.onProgress?.(step, read, total)),
      });
      return { spec, evaluation, outputs: await this.evaluations.readOutputs(evaluation) };
    };

    const candidate = await evaluate(version, `${name}@${version}`);
    const baselineVersion = definition.baseline
      ? ((await this.registry.aliases.find(this.database.db, name, definition.baseline)) ?? null)
      : null;
    const baseline =
      baselineVersion === null ? null : await evaluate(baselineVersion, `${name}@${definition.baseline}`);
    const report = baseline ? diffOf(baseline, candidate) : null;
    const perturbed = await this.perturbedRuns(definition.checks, candidate, request);

    const material = { candidate, baseline, report, perturbed, tolerance: definition.identicalTolerance };
    const results: CheckResult[] = definition.checks.map((check) =>
      judgeCheck(check, gatherEvidence(check, material)),
    );
    const signatureChanged = baseline ? !sameInterface(baseline.spec, candidate.spec) : false;
    const verdict = decideVerdict(
      results,
      baseline ? sameAsBaseline(baseline.outputs, candidate.outputs) : null,
      definition.identicalTolerance,
    );
    const outcome: ContractCheckOutcome = {
      model: { name, version },
      contractVersion: contract.version,
      createdAt: this.now(),
      verdict,
      suggestedLabel: suggestVersionLabel(verdict, signatureChanged),
      baseline:
        baselineVersion === null ? null : { alias: definition.baseline as string, version: baselineVersion },
      signatureChanged,
      evaluation: candidate.evaluation.id,
      baselineEvaluation: baseline?.evaluation.id ?? null,
      results,
    };
    await this.store(outcome);
    return outcome;
  }

  /** The latest check of a version, if it was checked. */
  async latest(name: string, version: number): Promise<ContractCheckOutcome | null> {
    const row = await this.contracts.latestCheck(this.database.db, name, version);
    return row ? toOutcome(row) : null;
  }

  /** The latest check of each version of the model that was checked. */
  async latestPerVersion(name: string): Promise<Map<number, ContractCheckOutcome>> {
    const rows = await this.contracts.latestChecks(this.database.db, name);
    return new Map(rows.map((row) => [row.model_version, toOutcome(row)]));
  }

  /** Scores the candidate on perturbed rows, once per invariance and direction check (one model load). */
  private async perturbedRuns(
    checks: readonly ContractCheck[],
    candidate: EvaluatedVersion,
    request: CheckRequest,
  ): Promise<Map<ContractCheck, { outputs: EvaluationOutputs; by: number }>> {
    const { evaluation } = candidate;
    const perturbed: { check: InvarianceCheck | DirectionCheck; by: number }[] = [];
    for (const check of checks) {
      if (check.kind !== 'invariance' && check.kind !== 'direction') continue;
      const by = check.kind === 'direction' ? (check.by ?? (await this.spread(check, candidate))) : 0;
      perturbed.push({ check, by });
    }
    const outputs = await this.evaluations.scoreTransformed(
      evaluation,
      perturbed.map(({ check, by }) => {
        const perturbation = check.kind === 'direction' ? { add: by } : check.perturbation;
        return (batch) => perturbBatch(batch, check.column, perturbation);
      }),
      (index) =>
        request.onProgress?.(`perturbing ${perturbed[index]?.check.column ?? ''}`, 0, evaluation.rowCount),
    );
    return new Map(
      perturbed.map(({ check, by }, index) => [check, { outputs: outputs[index] as EvaluationOutputs, by }]),
    );
  }

  /**
   * How far a direction check raises its column by default: one standard deviation of the column
   * over the checked rows (1 when it does not vary), a move that matters for any scale.
   */
  private async spread(check: DirectionCheck, candidate: EvaluatedVersion): Promise<number> {
    const { evaluation, outputs } = candidate;
    const dataset = await this.datasets.openDatasetVersion(
      evaluation.dataset.name,
      evaluation.dataset.version,
    );
    let next = 0;
    let n = 0;
    let mean = 0;
    let m2 = 0;
    for await (const batch of dataset.batches({ columns: [check.column] })) {
      const values = batch.columns.get(check.column)?.values;
      if (!(values instanceof Float64Array)) break;
      const end = batch.offset + batch.length;
      for (; next < outputs.length && (outputs.rows[next] as number) < end; next += 1) {
        const value = values[(outputs.rows[next] as number) - batch.offset] as number;
        if (Number.isNaN(value)) continue;
        n += 1;
        const delta = value - mean;
        mean += delta / n;
        m2 += delta * (value - mean);
      }
    }
    const deviation = n > 1 ? Math.sqrt(m2 / n) : 0;
    return deviation > 0 ? deviation : 1;
  }

  private async store(outcome: ContractCheckOutcome): Promise<void> {
    const result: StoredCheckResult = {
      baselineVersion: outcome.baseline?.version ?? null,
      baselineAlias: outcome.baseline?.alias ?? null,
      signatureChanged: outcome.signatureChanged,
      evaluation: outcome.evaluation,
      baselineEvaluation: outcome.baselineEvaluation,
      results: outcome.results,
    };
    const { name, version } = outcome.model;
    await this.database.write(async (trx) => {
      const row = (await this.registry.models.lock(trx, name))
        ? await this.registry.versions.find(trx, name, version)
        : undefined;
      if (!row) throw versionNotFound(name, version);
      await this.contracts.insertCheck(trx, {
        model_name: name,
        model_version: version,
        contract_version: outcome.contractVersion,
        creation_time: outcome.createdAt,
        verdict: outcome.verdict,
        suggested_label: outcome.suggestedLabel,
        result: JSON.stringify(result),
      });
      for (const tag of checkTags(outcome)) await this.registry.versions.upsertTag(trx, row, tag);
    });
  }

  private async noContract(name: string): Promise<NotFoundError> {
    if (!(await this.registry.models.find(this.database.db, name))) return modelNotFound(name);
    return new NotFoundError(
      `Registered model '${name}' has no contract to check against: set one with \`assay contracts set ${name} FILE\``,
    );
  }
}

function diffOf(baseline: EvaluatedVersion, candidate: EvaluatedVersion): DiffReport {
  const side = (version: EvaluatedVersion) => evaluatedSide(version.evaluation, version.outputs);
  return diffReport(side(baseline), side(candidate), candidate.evaluation.task, DEFAULT_THRESHOLDS, 0);
}

/** The interface consumers code against: inputs, outputs, task and the feature order. */
function sameInterface(a: ModelSpec, b: ModelSpec): boolean {
  const shape = (spec: ModelSpec) =>
    JSON.stringify({
      signature: spec.signature,
      task: spec.task,
      features: spec.featureColumns,
      classes: spec.classCount,
    });
  return shape(a) === shape(b);
}

function sameAsBaseline(baseline: EvaluationOutputs, candidate: EvaluationOutputs): SameAsBaseline {
  let decisionChanges = 0;
  let maxAbsOutputDelta = 0;
  const compare = (x: ArrayLike<number> | undefined, y: ArrayLike<number> | undefined) => {
    if (!x || !y) return;
    if (x.length !== y.length) {
      maxAbsOutputDelta = Number.POSITIVE_INFINITY;
      return;
    }
    for (let i = 0; i < x.length; i += 1) {
      const delta = Math.abs((x[i] as number) - (y[i] as number));
      if (!(delta <= maxAbsOutputDelta))
        maxAbsOutputDelta = Number.isNaN(delta) ? Number.POSITIVE_INFINITY : delta;
    }
  };
  if (baseline.labels && candidate.labels) {
    for (let i = 0; i < baseline.length; i += 1)
      if (baseline.labels[i] !== candidate.labels[i]) decisionChanges += 1;
  }
  compare(baseline.probabilities, candidate.probabilities);
  compare(baseline.values, candidate.values);
  return { decisionChanges, maxAbsOutputDelta };
}

/** How a check shows to MLflow clients: tags on the model version. */
function checkTags(outcome: ContractCheckOutcome): KeyValue[] {
  const failed = outcome.results
    .filter((result) => result.outcome === 'failed')
    .map((result) => result.check);
  return [
    { key: 'assay.check.verdict', value: outcome.verdict },
    { key: 'assay.check.suggested_label', value: outcome.suggestedLabel },
    { key: 'assay.check.contract_version', value: String(outcome.contractVersion) },
    { key: 'assay.check.failed', value: failed.join('; ').slice(0, REGISTRY_LIMITS.tagValueLength) },
  ];
}

function toOutcome(row: CheckRow): ContractCheckOutcome {
  const result = JSON.parse(row.result) as StoredCheckResult;
  return {
    model: { name: row.model_name, version: row.model_version },
    contractVersion: row.contract_version,
    createdAt: row.creation_time,
    verdict: row.verdict as ContractCheckOutcome['verdict'],
    suggestedLabel: row.suggested_label as ContractCheckOutcome['suggestedLabel'],
    baseline:
      result.baselineVersion === null || result.baselineAlias === null
        ? null
        : { alias: result.baselineAlias, version: result.baselineVersion },
    signatureChanged: result.signatureChanged,
    evaluation: result.evaluation,
    baselineEvaluation: result.baselineEvaluation,
    results: result.results,
  };
}
