/** Tracking's domain records, as services hand them out. Wire formats are the routes' concern. */

export type LifecycleStage = 'active' | 'deleted';
export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';
export const RUN_STATUSES: readonly RunStatus[] = ['RUNNING', 'SCHEDULED', 'FINISHED', 'FAILED', 'KILLED'];
export type ViewType = 'ACTIVE_ONLY' | 'DELETED_ONLY' | 'ALL';
export const VIEW_TYPES: readonly ViewType[] = ['ACTIVE_ONLY', 'DELETED_ONLY', 'ALL'];

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface Experiment {
  readonly experimentId: string;
  readonly name: string;
  readonly artifactLocation: string;
  readonly lifecycleStage: LifecycleStage;
  readonly creationTime: number;
  readonly lastUpdateTime: number;
  readonly tags: readonly KeyValue[];
}

export interface Metric {
  readonly key: string;
  /** NaN and ±Infinity are legal metric values. */
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

export interface RunInfo {
  readonly runId: string;
  readonly experimentId: string;
  readonly runName: string;
  readonly userId: string;
  readonly status: RunStatus;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly artifactUri: string;
  readonly lifecycleStage: LifecycleStage;
}

export interface DatasetRecord {
  readonly name: string;
  readonly digest: string;
  readonly sourceType: string;
  readonly source: string;
  readonly schema: string | null;
  readonly profile: string | null;
}

export interface InputTag {
  readonly key: string;
  readonly value: string;
}

export interface DatasetInput {
  readonly tags: readonly InputTag[];
  readonly dataset: DatasetRecord;
}

export interface Run {
  readonly info: RunInfo;
  readonly data: {
    readonly metrics: readonly Metric[];
    readonly params: readonly KeyValue[];
    readonly tags: readonly KeyValue[];
  };
  readonly inputs: { readonly datasetInputs: readonly DatasetInput[] };
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextPageToken: string | null;
}
