import type { Generated } from 'kysely';

/**
 * Table types of the metadata store. One schema serves SQLite and PostgreSQL: times are epoch
 * milliseconds in 64-bit integers, booleans are 0/1 integers, free text is `text`.
 */
export interface ExperimentsTable {
  experiment_id: Generated<number>;
  name: string;
  artifact_location: string;
  lifecycle_stage: string;
  creation_time: number;
  last_update_time: number;
}

export interface ExperimentTagsTable {
  experiment_id: number;
  key: string;
  value: string;
}

export interface RunsTable {
  run_uuid: string;
  experiment_id: number;
  name: string;
  user_id: string;
  status: string;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: string;
  artifact_uri: string;
  deleted_time: number | null;
}

/** Every metric point ever logged; the primary key makes re-logging an identical point a no-op. */
export interface MetricsTable {
  run_uuid: string;
  key: string;
  step: number;
  timestamp: number;
  /** 0 when `is_nan` is 1: SQLite cannot store NaN. */
  value: number;
  is_nan: number;
}

/**
 * The latest point per (run, key): highest step, then timestamp, then value. What search compares
 * and orders by; it carries the run's experiment (runs never move) so that one experiment's values
 * of a key can be walked in order through one index.
 */
export interface LatestMetricsTable extends MetricsTable {
  experiment_id: number;
}

export interface ParamsTable {
  run_uuid: string;
  key: string;
  value: string;
}

export interface TagsTable {
  run_uuid: string;
  key: string;
  value: string;
}

export interface DatasetsTable {
  dataset_uuid: string;
  experiment_id: number;
  name: string;
  digest: string;
  source_type: string;
  source: string;
  schema: string | null;
  profile: string | null;
}

export interface InputsTable {
  input_uuid: string;
  source_type: string;
  source_id: string;
  destination_type: string;
  destination_id: string;
}

export interface InputTagsTable {
  input_uuid: string;
  name: string;
  value: string;
}

export interface RegisteredModelsTable {
  name: string;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
  /** Highest version number ever issued: versions are never reused, even after deletion. */
  max_version: number;
}

export interface RegisteredModelTagsTable {
  name: string;
  key: string;
  value: string;
}

export interface ModelVersionsTable {
  name: string;
  version: number;
  creation_time: number;
  last_updated_time: number;
  description: string | null;
  user_id: string | null;
  current_stage: string;
  source: string;
  storage_location: string | null;
  run_id: string | null;
  run_link: string | null;
  status: string;
  status_message: string | null;
}

export interface ModelVersionTagsTable {
  name: string;
  version: number;
  key: string;
  value: string;
}

export interface RegisteredModelAliasesTable {
  name: string;
  alias: string;
  version: number;
}

/** Append-only: who moved which alias or stage, when, from what to what. */
export interface AuditEventsTable {
  id: Generated<number>;
  occurred_at: number;
  actor: string;
  action: string;
  model_name: string;
  /** The previous name, on `model.renamed` events. */
  from_model: string | null;
  alias: string | null;
  from_version: number | null;
  to_version: number | null;
  from_stage: string | null;
  to_stage: string | null;
  reason: string | null;
}

export interface ModelRuntimesTable {
  name: string;
  version: number;
  /** Where the model file is, relative to the artifact root. */
  artifact_path: string;
  /** JSON of runtime/model-spec.ts ModelSpec. */
  spec: string;
  creation_time: number;
}

export interface AssayDatasetsTable {
  name: string;
  creation_time: number;
  last_updated_time: number;
  max_version: number;
}

export interface AssayDatasetVersionsTable {
  name: string;
  version: number;
  digest: string;
  content_digest: string;
  creation_time: number;
  source_format: string;
  row_count: number;
  /** JSON of datasets/dataset-table.ts DatasetSchema. */
  schema: string;
  label_column: string | null;
  id_column: string | null;
  /** JSON: [{ name, predicate }]. */
  slices: string;
  artifact_path: string;
}

export interface EvaluationsTable {
  id: string;
  model_name: string;
  model_version: number;
  dataset_name: string;
  dataset_version: number;
  where_expr: string;
  creation_time: number;
  row_count: number;
  task: string;
  class_count: number | null;
  metrics: string;
  slice_metrics: string;
  outputs_path: string;
}

export interface ContractsTable {
  name: string;
  version: number;
  creation_time: number;
  actor: string;
  /** The YAML as given. */
  source: string;
  /** JSON of the parsed, validated contract. */
  definition: string;
}

export interface ContractChecksTable {
  id: Generated<number>;
  model_name: string;
  model_version: number;
  contract_version: number;
  creation_time: number;
  verdict: string;
  suggested_label: string;
  result: string;
}

export interface PredictionBatchesTable {
  id: string;
  deployment: string;
  model_name: string;
  model_version: number;
  first_time: number;
  last_time: number;
  row_count: number;
  artifact_path: string;
  creation_time: number;
}

export interface PredictionIndexTable {
  id: string;
  batch_id: string;
  row_index: number;
  time: number;
}

export interface PredictionLabelsTable {
  prediction_id: string;
  /** JSON of the label as sent. */
  label: string;
  time: number;
}

/** One row per deployment: its spec (selectors as typed, options as JSON) and its last reported status. */
export interface DeploymentsTable {
  name: string;
  model: string;
  canary_model: string | null;
  canary_percent: number | null;
  /** JSON of serving/deployments/deployment-spec.ts CanaryHaltRules. */
  canary_halt_rules: string | null;
  shadow_model: string | null;
  /** JSON of serving/batching/batching-options.ts BatchingOptions. */
  batching: string;
  log_sample_rate: number;
  generation: number;
  creation_time: number;
  last_updated_time: number;
  status_state: string | null;
  /** The generation the status was reported for, when the reporter said. */
  status_generation: number | null;
  served_version: number | null;
  canary_version: number | null;
  shadow_version: number | null;
  status_error: string | null;
  canary_halt_reason: string | null;
  canary_halt_time: number | null;
  /** JSON object. */
  shadow_diff: string | null;
  status_time: number | null;
}

export interface Schema {
  experiments: ExperimentsTable;
  experiment_tags: ExperimentTagsTable;
  runs: RunsTable;
  metrics: MetricsTable;
  latest_metrics: LatestMetricsTable;
  params: ParamsTable;
  tags: TagsTable;
  datasets: DatasetsTable;
  inputs: InputsTable;
  input_tags: InputTagsTable;
  registered_models: RegisteredModelsTable;
  registered_model_tags: RegisteredModelTagsTable;
  model_versions: ModelVersionsTable;
  model_version_tags: ModelVersionTagsTable;
  registered_model_aliases: RegisteredModelAliasesTable;
  audit_events: AuditEventsTable;
  model_runtimes: ModelRuntimesTable;
  assay_datasets: AssayDatasetsTable;
  assay_dataset_versions: AssayDatasetVersionsTable;
  evaluations: EvaluationsTable;
  contracts: ContractsTable;
  contract_checks: ContractChecksTable;
  prediction_batches: PredictionBatchesTable;
  prediction_index: PredictionIndexTable;
  prediction_labels: PredictionLabelsTable;
  deployments: DeploymentsTable;
}
