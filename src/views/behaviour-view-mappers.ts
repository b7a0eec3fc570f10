import type { Diff } from '../behavior/diff-service.js';
import type { Contract, ContractCheckOutcome } from '../contracts/contract-entities.js';
import { describeCheck } from '../contracts/describe-check.js';
import type { DatasetDetails, DatasetVersionInfo } from '../datasets/dataset-entities.js';
import type { Evaluation } from '../evaluation/evaluation-entities.js';
import type { ModelVersion, RegisteredModel } from '../registry/entities.js';
import type { ModelSpec } from '../runtime/model-spec.js';
import type {
  CheckSummaryView,
  CheckView,
  ContractView,
  DatasetVersionView,
  DatasetView,
  DiffView,
  EvaluationSummaryView,
  EvaluationView,
  JsonNumberMap,
  ModelRefView,
  ModelVersionView,
  ModelView,
} from './behaviour-views.js';

/** How a model version was named: `alias` when by alias. */
export interface ModelRef {
  readonly name: string;
  readonly version: number;
  readonly alias?: string | undefined;
}

function modelRefView(ref: ModelRef): ModelRefView {
  return { name: ref.name, version: ref.version, ...(ref.alias ? { alias: ref.alias } : {}) };
}

export function modelVersionView(
  version: ModelVersion,
  spec: ModelSpec | null,
  check: ContractCheckOutcome | null,
  evaluations?: readonly Evaluation[],
): ModelVersionView {
  return {
    name: version.name,
    version: version.version,
    status: version.status,
    ...(version.statusMessage ? { status_message: version.statusMessage } : {}),
    source: version.source,
    aliases: [...version.aliases],
    stage: version.currentStage,
    created_at: version.creationTimestamp,
    ...(spec ? { runtime: runtimeView(spec) } : {}),
    ...(check ? { check: checkSummaryView(check) } : {}),
    ...(evaluations ? { evaluations: evaluations.map(evaluationSummaryView) } : {}),
  };
}

function runtimeView(spec: ModelSpec): NonNullable<ModelVersionView['runtime']> {
  const tensor = (t: ModelSpec['signature']['inputs'][number]) => ({
    name: t.name,
    type: t.type,
    shape: [...t.shape],
  });
  return {
    format: spec.format,
    task: spec.task,
    input_mode: spec.inputMode,
    features: spec.featureColumns ? [...spec.featureColumns] : null,
    outputs: { label: spec.labelOutput, probabilities: spec.probabilitiesOutput, value: spec.valueOutput },
    classes: spec.classCount,
    inputs: spec.signature.inputs.map(tensor),
    signature_outputs: spec.signature.outputs.map(tensor),
    opsets: spec.opsets.map((opset) => ({ domain: opset.domain, version: opset.version })),
    size_bytes: spec.sizeBytes,
    sha256: spec.sha256,
  };
}

export function modelView(
  model: RegisteredModel,
  versions: readonly ModelVersion[],
  specs: ReadonlyMap<number, ModelSpec>,
  checks: ReadonlyMap<number, ContractCheckOutcome>,
  contract: Contract | null,
): ModelView {
  return {
    name: model.name,
    description: model.description ?? '',
    created_at: model.creationTimestamp,
    aliases: Object.fromEntries(model.aliases.map((alias) => [alias.alias, alias.version])),
    versions: versions.map((version) =>
      modelVersionView(version, specs.get(version.version) ?? null, checks.get(version.version) ?? null),
    ),
    contract_version: contract?.version ?? null,
  };
}

export function datasetView(details: DatasetDetails): DatasetView {
  return { name: details.name, versions: details.versions.map(datasetVersionView) };
}

export function datasetVersionView(info: DatasetVersionInfo): DatasetVersionView {
  return {
    name: info.name,
    version: info.version,
    digest: info.digest,
    rows: info.rowCount,
    format: info.sourceFormat,
    label: info.labelColumn,
    id: info.idColumn,
    columns: info.schema.columns.map((column) => ({ name: column.name, type: column.type })),
    slices: info.slices.map((slice) => ({ name: slice.name, predicate: slice.predicate })),
    created_at: info.createdAt,
  };
}

export function evaluationView(evaluation: Evaluation, computed: boolean, alias?: string): EvaluationView {
  return {
    id: evaluation.id,
    model: modelRefView({ ...evaluation.model, alias }),
    dataset: { ...evaluation.dataset },
    where: evaluation.where,
    rows: evaluation.rowCount,
    task: evaluation.task,
    classes: evaluation.classCount,
    metrics: evaluation.metrics as JsonNumberMap,
    slices: Object.fromEntries(
      Object.entries(evaluation.slices).map(([name, slice]) => [
        name,
        { rows: slice.rows, metrics: slice.metrics as JsonNumberMap },
      ]),
    ),
    created_at: evaluation.createdAt,
    computed,
  };
}

function evaluationSummaryView(evaluation: Evaluation): EvaluationSummaryView {
  const metrics: Record<string, number | null> = {};
  for (const [name, value] of Object.entries(evaluation.metrics)) {
    if (typeof value === 'number' || value === null) metrics[name] = value;
  }
  return {
    id: evaluation.id,
    dataset: { ...evaluation.dataset },
    where: evaluation.where,
    rows: evaluation.rowCount,
    metrics,
    created_at: evaluation.createdAt,
  };
}

export function diffView(diff: Diff, a: ModelRef, b: ModelRef): DiffView {
  return {
    a: modelRefView(a),
    b: modelRefView(b),
    dataset: { ...diff.a.dataset },
    where: diff.a.where,
    task: diff.a.task,
    thresholds: [...diff.thresholds],
    overall: diff.report.overall,
    slices: diff.report.slices,
    regressed_slices: diff.report.regressedSlices,
    top: diff.top.map((row) => ({
      row: row.row,
      id: typeof row.id === 'boolean' ? String(row.id) : row.id,
      inputs: row.inputs,
      label: row.label,
      a: { ...row.a },
      b: { ...row.b },
    })),
    evaluations: { a: diff.a.id, b: diff.b.id },
  };
}

export function contractView(contract: Contract): ContractView {
  const { definition } = contract;
  return {
    name: contract.name,
    version: contract.version,
    created_at: contract.createdAt,
    actor: contract.actor,
    source: contract.source,
    dataset:
      definition.dataset.version === null
        ? definition.dataset.name
        : `${definition.dataset.name}@${definition.dataset.version}`,
    baseline: definition.baseline,
    protect: [...definition.protect],
    checks: definition.checks.map(describeCheck),
  };
}

function checkSummaryView(outcome: ContractCheckOutcome): CheckSummaryView {
  return {
    verdict: outcome.verdict,
    suggested_label: outcome.suggestedLabel,
    contract_version: outcome.contractVersion,
    baseline: outcome.baseline
      ? modelRefView({
          name: outcome.model.name,
          version: outcome.baseline.version,
          alias: outcome.baseline.alias,
        })
      : null,
    created_at: outcome.createdAt,
  };
}

export function checkView(outcome: ContractCheckOutcome, alias?: string): CheckView {
  return {
    ...checkSummaryView(outcome),
    model: modelRefView({ ...outcome.model, alias }),
    signature_changed: outcome.signatureChanged,
    evaluation: outcome.evaluation,
    results: outcome.results.map((result) => ({
      check: result.check,
      line: result.line,
      outcome: result.outcome,
      detail: result.detail,
      observed: result.observed,
    })),
  };
}
