import type { ModelTask } from '../runtime/model-spec.js';
import type { CreateDeploymentInput, DeploymentPatch } from '../serving/deployments/deployments-service.js';
import type { LoggedPrediction } from '../serving/prediction-log/prediction-log.js';
import type { DeploymentView } from '../views/deployment-views.js';
import type {
  AliasView,
  CheckView,
  ContractView,
  DatasetVersionView,
  DatasetView,
  DiffView,
  EvaluationView,
  ModelVersionView,
  ModelView,
} from '../views/behaviour-views.js';

export interface ProgressReporter {
  /** `done` and `total` in the unit of the step (bytes, rows); total null when unknown. */
  update(done: number, total: number | null): void;
}

export interface RegisterModelInput {
  readonly name: string;
  /** Path of an .onnx file. */
  readonly file: string;
  readonly features?: readonly string[];
  readonly task?: ModelTask;
  readonly outputs?: { readonly label?: string; readonly probabilities?: string; readonly value?: string };
  readonly description?: string;
}

export interface CreateDatasetInput {
  readonly name: string;
  /** Path of a CSV, JSONL or Parquet file. */
  readonly file: string;
  readonly format?: 'csv' | 'jsonl' | 'parquet';
  readonly label?: string;
  readonly id?: string;
  readonly slices?: readonly { readonly name: string; readonly predicate: string }[];
  readonly progress?: ProgressReporter;
}

export interface EvaluateInput {
  /** NAME@VERSION or NAME@ALIAS. */
  readonly model: string;
  /** NAME or NAME@VERSION. */
  readonly dataset: string;
  readonly where?: string;
  readonly progress?: ProgressReporter;
}

export interface DiffInput {
  readonly a: string;
  readonly b: string;
  readonly dataset: string;
  readonly where?: string;
  readonly thresholds?: readonly number[];
  readonly top?: number;
}

export interface SetAliasInput {
  readonly name: string;
  readonly alias: string;
  readonly version: number;
  readonly force?: boolean;
  readonly reason?: string;
}

export interface PredictionsQuery {
  /** The served name. */
  readonly deployment: string;
  /** Epoch milliseconds, inclusive. */
  readonly from?: number;
  readonly to?: number;
  readonly version?: number;
  readonly limit?: number;
  /** The last `limit` of the window rather than the first. */
  readonly latest?: boolean;
}

/**
 * Everything the CLI does, against the embedded store (LocalClient) or a server (HttpClient).
 * Both return the same views, so the CLI prints the same output either way.
 */
export interface AssayClient {
  registerModel(input: RegisterModelInput): Promise<ModelVersionView>;
  listModels(): Promise<ModelView[]>;
  showModel(name: string): Promise<ModelView>;
  /** NAME@VERSION or NAME@ALIAS. */
  showModelVersion(ref: string): Promise<ModelVersionView>;
  setAlias(input: SetAliasInput): Promise<AliasView>;
  createDataset(input: CreateDatasetInput): Promise<{ dataset: DatasetVersionView; created: boolean }>;
  listDatasets(): Promise<DatasetView[]>;
  showDataset(name: string): Promise<DatasetView>;
  evaluate(input: EvaluateInput): Promise<EvaluationView>;
  diff(input: DiffInput): Promise<DiffView>;
  setContract(name: string, source: string): Promise<ContractView>;
  showContract(name: string): Promise<ContractView>;
  /** NAME@VERSION or NAME@ALIAS. */
  check(ref: string): Promise<CheckView>;
  /** Logged predictions of a deployment, oldest first, with their labels. */
  predictions(query: PredictionsQuery): Promise<LoggedPrediction[]>;
  /** Deployments served by `assay server`. */
  createDeployment(input: CreateDeploymentInput): Promise<DeploymentView>;
  listDeployments(): Promise<DeploymentView[]>;
  showDeployment(name: string): Promise<DeploymentView>;
  /** What the patch leaves out stays; `canary: null` / `shadow: null` remove them. */
  updateDeployment(name: string, patch: DeploymentPatch): Promise<DeploymentView>;
  deleteDeployment(name: string): Promise<void>;
  close(): Promise<void>;
}
