import type { DatasetInput, Experiment, KeyValue, Metric, Run, RunInfo } from '../../tracking/entities.js';

/**
 * MLflow's JSON for tracking entities (protobuf JSON with MLflow's settings): snake_case names in
 * field-number order, int64 as numbers, non-finite doubles as "NaN" / "Infinity" / "-Infinity",
 * empty repeated fields and unset optional fields left out.
 */

export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export function experimentJson(experiment: Experiment): JsonObject {
  const json: JsonObject = {
    experiment_id: experiment.experimentId,
    name: experiment.name,
    artifact_location: experiment.artifactLocation,
    lifecycle_stage: experiment.lifecycleStage,
  };
  if (experiment.lastUpdateTime) json.last_update_time = experiment.lastUpdateTime;
  if (experiment.creationTime) json.creation_time = experiment.creationTime;
  if (experiment.tags.length > 0) json.tags = keyValuesJson(experiment.tags);
  return json;
}

export function runInfoJson(info: RunInfo): JsonObject {
  const json: JsonObject = {
    run_uuid: info.runId,
    experiment_id: info.experimentId,
    run_name: info.runName,
    user_id: info.userId,
    status: info.status,
    start_time: info.startTime,
  };
  if (info.endTime) json.end_time = info.endTime;
  if (info.artifactUri) json.artifact_uri = info.artifactUri;
  json.lifecycle_stage = info.lifecycleStage;
  json.run_id = info.runId;
  return json;
}

/** `withInputs`: runs/get and runs/search carry `inputs`; runs/create does not. */
export function runJson(run: Run, withInputs = true): JsonObject {
  const data: JsonObject = {};
  if (run.data.metrics.length > 0) data.metrics = run.data.metrics.map(metricJson);
  if (run.data.params.length > 0) data.params = keyValuesJson(run.data.params);
  if (run.data.tags.length > 0) data.tags = keyValuesJson(run.data.tags);
  const json: JsonObject = { info: runInfoJson(run.info), data };
  if (withInputs) {
    json.inputs =
      run.inputs.datasetInputs.length > 0
        ? { dataset_inputs: run.inputs.datasetInputs.map(datasetInputJson) }
        : {};
  }
  return json;
}

export function metricJson(metric: Metric): JsonObject {
  return { key: metric.key, value: doubleJson(metric.value), timestamp: metric.timestamp, step: metric.step };
}

export function doubleJson(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return 'Infinity';
  if (value === Number.NEGATIVE_INFINITY) return '-Infinity';
  return value;
}

export function keyValuesJson(entries: readonly KeyValue[]): Json[] {
  return entries.map((entry) => ({ key: entry.key, value: entry.value }));
}

function datasetInputJson(input: DatasetInput): JsonObject {
  const dataset: JsonObject = {
    name: input.dataset.name,
    digest: input.dataset.digest,
    source_type: input.dataset.sourceType,
    source: input.dataset.source,
  };
  if (input.dataset.schema) dataset.schema = input.dataset.schema;
  if (input.dataset.profile) dataset.profile = input.dataset.profile;
  const json: JsonObject = {};
  if (input.tags.length > 0) json.tags = keyValuesJson(input.tags);
  json.dataset = dataset;
  return json;
}
