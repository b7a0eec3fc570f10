import type { ModelVersion, RegisteredModel } from '../../registry/entities.js';
import { keyValuesJson, type Json } from './tracking-json.js';

/**
 * MLflow's JSON for registry entities (ModelVersion.to_proto / RegisteredModel.to_proto): fields
 * in proto order, versions as strings, empty lists left out. A model version prints its
 * description, run_id and run_link even when "" (proto2 "set" fields), a registered model only a
 * non-empty description.
 */

type JsonObject = { [key: string]: Json };

export function modelVersionJson(version: ModelVersion): JsonObject {
  const json: JsonObject = {
    name: version.name,
    version: String(version.version),
    creation_timestamp: version.creationTimestamp,
    last_updated_timestamp: version.lastUpdatedTimestamp,
  };
  if (version.userId !== null) json.user_id = version.userId;
  json.current_stage = version.currentStage;
  if (version.description !== null) json.description = version.description;
  json.source = version.source;
  if (version.runId !== null) json.run_id = version.runId;
  json.status = version.status;
  if (version.statusMessage) json.status_message = version.statusMessage;
  if (version.tags.length > 0) json.tags = keyValuesJson(version.tags);
  if (version.runLink !== null) json.run_link = version.runLink;
  if (version.aliases.length > 0) json.aliases = [...version.aliases];
  return json;
}

export function registeredModelJson(model: RegisteredModel): JsonObject {
  const json: JsonObject = { name: model.name, creation_timestamp: model.creationTimestamp };
  if (model.lastUpdatedTimestamp) json.last_updated_timestamp = model.lastUpdatedTimestamp;
  if (model.description) json.description = model.description;
  if (model.latestVersions.length > 0) json.latest_versions = model.latestVersions.map(modelVersionJson);
  if (model.tags.length > 0) json.tags = keyValuesJson(model.tags);
  if (model.aliases.length > 0) {
    json.aliases = model.aliases.map((alias) => ({ alias: alias.alias, version: String(alias.version) }));
  }
  return json;
}
