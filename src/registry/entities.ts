import type { KeyValue } from '../tracking/entities.js';

/** The registry's domain records, as services hand them out. Wire formats are the routes' concern. */

export type Stage = 'None' | 'Staging' | 'Production' | 'Archived';

/** MLflow's statuses Assay uses: a version whose ONNX file does not load is FAILED_REGISTRATION. */
export type ModelVersionStatus = 'READY' | 'FAILED_REGISTRATION';

export interface ModelVersion {
  readonly name: string;
  readonly version: number;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly userId: string | null;
  readonly currentStage: Stage;
  /** Null once an update cleared it; "" when created without one (MLflow prints both differently). */
  readonly description: string | null;
  readonly source: string;
  readonly runId: string | null;
  readonly runLink: string | null;
  readonly status: ModelVersionStatus;
  readonly statusMessage: string | null;
  readonly tags: readonly KeyValue[];
  /** Only filled where MLflow's SQL store fills it (single-version reads); empty elsewhere. */
  readonly aliases: readonly string[];
}

export interface ModelAlias {
  readonly alias: string;
  readonly version: number;
}

export interface RegisteredModel {
  readonly name: string;
  readonly creationTimestamp: number;
  readonly lastUpdatedTimestamp: number;
  readonly description: string | null;
  /** The highest version in each stage present, in the order each stage is first met by version. */
  readonly latestVersions: readonly ModelVersion[];
  readonly tags: readonly KeyValue[];
  readonly aliases: readonly ModelAlias[];
}
