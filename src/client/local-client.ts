import { openAssay, type AssayContext, type AssayOptions } from '../context.js';
import { BehaviourOperations } from '../operations/behaviour-operations.js';
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
import { cliActor } from './actor.js';
import type {
  AssayClient,
  CreateDatasetInput,
  DiffInput,
  EvaluateInput,
  PredictionsQuery,
  RegisterModelInput,
  SetAliasInput,
} from './assay-client.js';
import type { LoggedPrediction } from '../serving/prediction-log/prediction-log.js';
import type { CreateDeploymentInput, DeploymentPatch } from '../serving/deployments/deployments-service.js';
import { deploymentView } from '../views/deployment-view-mappers.js';
import type { DeploymentView } from '../views/deployment-views.js';
import { splitRef } from './split-ref.js';

/** The CLI on the embedded store: the same operations the server's /api/assay/v1 routes call. */
export class LocalClient implements AssayClient {
  private readonly operations: BehaviourOperations;
  private readonly context = { actor: cliActor() };

  private constructor(private readonly assay: AssayContext) {
    this.operations = new BehaviourOperations(assay);
  }

  static async open(options: AssayOptions): Promise<LocalClient> {
    return new LocalClient(await openAssay(options));
  }

  registerModel(input: RegisterModelInput): Promise<ModelVersionView> {
    return this.operations.registerModel(input, this.context);
  }

  listModels(): Promise<ModelView[]> {
    return this.operations.listModels();
  }

  showModel(name: string): Promise<ModelView> {
    return this.operations.showModel(name);
  }

  showModelVersion(ref: string): Promise<ModelVersionView> {
    const { name, selector } = splitRef(ref);
    return this.operations.showModelVersion(name, selector);
  }

  setAlias(input: SetAliasInput): Promise<AliasView> {
    return this.operations.setAlias(input, { ...this.context, reason: input.reason ?? null });
  }

  createDataset(input: CreateDatasetInput): Promise<{ dataset: DatasetVersionView; created: boolean }> {
    return this.operations.createDataset({
      ...input,
      progress: input.progress && ((done, total) => input.progress?.update(done, total)),
    });
  }

  listDatasets(): Promise<DatasetView[]> {
    return this.operations.listDatasets();
  }

  showDataset(name: string): Promise<DatasetView> {
    return this.operations.showDataset(name);
  }

  predictions(query: PredictionsQuery): Promise<LoggedPrediction[]> {
    return this.assay.predictions.query(query);
  }

  evaluate(input: EvaluateInput): Promise<EvaluationView> {
    return this.operations.evaluate({
      ...input,
      progress: input.progress && ((done, total) => input.progress?.update(done, total)),
    });
  }

  diff(input: DiffInput): Promise<DiffView> {
    return this.operations.diff(input);
  }

  setContract(name: string, source: string): Promise<ContractView> {
    return this.operations.setContract(name, source, this.context);
  }

  showContract(name: string): Promise<ContractView> {
    return this.operations.showContract(name);
  }

  check(ref: string): Promise<CheckView> {
    const { name, selector } = splitRef(ref);
    return this.operations.check(name, selector);
  }

  async createDeployment(input: CreateDeploymentInput): Promise<DeploymentView> {
    return deploymentView(await this.assay.deployments.create(input));
  }

  async listDeployments(): Promise<DeploymentView[]> {
    return (await this.assay.deployments.list()).map(deploymentView);
  }

  async showDeployment(name: string): Promise<DeploymentView> {
    return deploymentView(await this.assay.deployments.get(name));
  }

  async updateDeployment(name: string, patch: DeploymentPatch): Promise<DeploymentView> {
    return deploymentView(await this.assay.deployments.update(name, patch));
  }

  deleteDeployment(name: string): Promise<void> {
    return this.assay.deployments.delete(name);
  }

  close(): Promise<void> {
    return this.assay.close();
  }
}
