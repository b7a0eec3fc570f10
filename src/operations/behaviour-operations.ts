import type { Readable } from 'node:stream';
import type { RequestContext } from '../audit/request-context.js';
import type { AssayContext } from '../context.js';
import type { SourceFormat } from '../datasets/dataset-entities.js';
import { InvalidParameterError } from '../errors/assay-error.js';
import type { ModelTask } from '../runtime/model-spec.js';
import {
  checkView,
  contractView,
  datasetVersionView,
  datasetView,
  diffView,
  evaluationView,
  modelVersionView,
  modelView,
  type ModelRef,
} from '../views/behaviour-view-mappers.js';
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
import {
  parseDatasetRef,
  parseModelRef,
  resolveModelVersion,
  selector,
  type ModelSelector,
} from './model-refs.js';
import type { RegisteredModel } from '../registry/entities.js';

export type Progress = (done: number, total: number | null) => void;

export interface RegisterModelRequest {
  readonly name: string;
  readonly file: string | Readable;
  readonly features?: readonly string[] | undefined;
  readonly task?: ModelTask | undefined;
  readonly outputs?:
    | { label?: string | undefined; probabilities?: string | undefined; value?: string | undefined }
    | undefined;
  readonly description?: string | undefined;
}

export interface CreateDatasetRequest {
  readonly name: string;
  readonly file: string | Readable;
  readonly format?: SourceFormat | undefined;
  readonly label?: string | undefined;
  readonly id?: string | undefined;
  readonly slices?: readonly { name: string; predicate: string }[] | undefined;
  readonly description?: string | undefined;
  readonly progress?: Progress | undefined;
}

export interface EvaluateRequest {
  readonly model: string;
  readonly dataset: string;
  readonly where?: string | undefined;
  readonly progress?: Progress | undefined;
}

export interface DiffRequest {
  readonly a: string;
  readonly b: string;
  readonly dataset: string;
  readonly where?: string | undefined;
  readonly thresholds?: readonly number[] | undefined;
  readonly top?: number | undefined;
  readonly progress?: Progress | undefined;
}

export interface SetAliasRequest {
  readonly name: string;
  readonly alias: string;
  readonly version: number;
  readonly force?: boolean | undefined;
}

/**
 * Assay's own operations (behavioural versioning) as the CLI and /api/assay/v1 offer them: refs as
 * typed (`NAME@VERSION`, `NAME@ALIAS`, `DATASET[@VERSION]`) in, views out. The embedded client and
 * the HTTP routes both call these, which is why the CLI prints the same thing either way.
 */
export class BehaviourOperations {
  constructor(private readonly assay: AssayContext) {}

  async registerModel(request: RegisterModelRequest, context: RequestContext): Promise<ModelVersionView> {
    const { version, spec } = await this.assay.modelRegistration.registerModelFile(
      request.name,
      request.file,
      {
        features: request.features,
        task: request.task,
        outputs: request.outputs,
        description: request.description,
        actor: context.actor,
      },
    );
    return modelVersionView(version, spec, null);
  }

  async listModels(): Promise<ModelView[]> {
    const views: ModelView[] = [];
    let pageToken: string | undefined;
    do {
      const page = await this.assay.registeredModels.search({ maxResults: 1000, pageToken });
      for (const model of page.items) views.push(await this.modelView(model));
      pageToken = page.nextPageToken ?? undefined;
    } while (pageToken);
    return views;
  }

  async showModel(name: string): Promise<ModelView> {
    return this.modelView(await this.assay.registeredModels.get(name));
  }

  private async modelView(model: RegisteredModel): Promise<ModelView> {
    const { name } = model;
    const [versions, specs, checks, contract] = await Promise.all([
      this.assay.modelVersions.listForModel(name),
      this.assay.modelRegistration.modelSpecs(name),
      this.assay.checks.latestPerVersion(name),
      this.assay.contracts.find(name),
    ]);
    return modelView(model, versions, specs, checks, contract);
  }

  async showModelVersion(name: string, versionOrAlias: string): Promise<ModelVersionView> {
    const ref = await this.resolve(selector(name, versionOrAlias));
    const version = await this.assay.modelVersions.get(ref.name, String(ref.version));
    const [spec, check, evaluations] = await Promise.all([
      this.assay.modelRegistration.findModelSpec(ref.name, ref.version),
      this.assay.checks.latest(ref.name, ref.version),
      this.assay.evaluations.list({ modelName: ref.name, modelVersion: ref.version }),
    ]);
    return modelVersionView(version, spec, check, evaluations);
  }

  /** Moves an alias; a protected one only to a version that passed its contract, unless forced. */
  async setAlias(request: SetAliasRequest, context: RequestContext): Promise<AliasView> {
    if (request.force && !context.reason?.trim()) {
      throw new InvalidParameterError('reason is required with force: say why the contract is overridden');
    }
    if (!Number.isSafeInteger(request.version) || request.version < 1) {
      throw new InvalidParameterError(`version must be a positive integer, got ${String(request.version)}`);
    }
    const { previous, forced } = await this.assay.modelAliases.set(
      request.name,
      request.alias,
      String(request.version),
      context,
      { force: request.force === true },
    );
    return {
      name: request.name,
      alias: request.alias,
      version: request.version,
      previous_version: previous,
      forced,
    };
  }

  async createDataset(
    request: CreateDatasetRequest,
  ): Promise<{ dataset: DatasetVersionView; created: boolean }> {
    const { dataset, created } = await this.assay.datasets.createDataset(request.name, request.file, {
      format: request.format,
      labelColumn: request.label ?? null,
      idColumn: request.id ?? null,
      slices: request.slices,
      description: request.description ?? null,
      // Two passes over the file (hashing it, then importing it) make one bar: each is half of it.
      onProgress:
        request.progress &&
        ((bytes, total, phase) =>
          request.progress?.(
            phase === 'reading' ? bytes : (total ?? bytes) + bytes,
            total === null ? null : 2 * total,
          )),
    });
    return { dataset: datasetVersionView(dataset), created };
  }

  async listDatasets(): Promise<DatasetView[]> {
    const datasets = await this.assay.datasets.listDatasets();
    return datasets.map(datasetView);
  }

  async showDataset(name: string): Promise<DatasetView> {
    return datasetView(await this.assay.datasets.showDataset(name));
  }

  async evaluate(request: EvaluateRequest): Promise<EvaluationView> {
    const model = await this.resolve(parseModelRef(request.model));
    const dataset = parseDatasetRef(request.dataset);
    const { evaluation, computed } = await this.assay.evaluations.evaluate({
      model,
      dataset,
      where: request.where,
      onProgress: request.progress,
    });
    return evaluationView(evaluation, computed, model.alias);
  }

  async getEvaluation(id: string): Promise<EvaluationView> {
    return evaluationView(await this.assay.evaluations.get(id), false);
  }

  async listEvaluations(filter: {
    model?: string | undefined;
    dataset?: string | undefined;
  }): Promise<EvaluationView[]> {
    let modelName: string | undefined;
    let modelVersion: number | undefined;
    if (filter.model) {
      if (filter.model.includes('@')) {
        const ref = await this.resolve(parseModelRef(filter.model));
        modelName = ref.name;
        modelVersion = ref.version;
      } else {
        modelName = filter.model;
      }
    }
    const evaluations = await this.assay.evaluations.list({
      modelName,
      modelVersion,
      datasetName: filter.dataset,
    });
    return evaluations.map((evaluation) => evaluationView(evaluation, false));
  }

  async diff(request: DiffRequest): Promise<DiffView> {
    const a = await this.resolve(parseModelRef(request.a, 'a'));
    const b = await this.resolve(parseModelRef(request.b, 'b'));
    const diff = await this.assay.diffs.diff({
      a,
      b,
      dataset: parseDatasetRef(request.dataset),
      where: request.where,
      thresholds: request.thresholds,
      top: request.top,
      onProgress: request.progress && ((_side, read, total) => request.progress?.(read, total)),
    });
    return diffView(diff, a, b);
  }

  async setContract(name: string, source: string, context: RequestContext): Promise<ContractView> {
    return contractView(await this.assay.contracts.set(name, source, context));
  }

  async showContract(name: string): Promise<ContractView> {
    return contractView(await this.assay.contracts.get(name));
  }

  async check(name: string, versionOrAlias: string, progress?: Progress): Promise<CheckView> {
    const ref = await this.resolve(selector(name, versionOrAlias));
    const outcome = await this.assay.checks.check({
      name: ref.name,
      version: ref.version,
      onProgress: progress && ((_step, read, total) => progress(read, total)),
    });
    return checkView(outcome, ref.alias);
  }

  /** A version by number, or the version an alias points at (a missing alias is an error naming it). */
  private async resolve(ref: ModelSelector): Promise<ModelRef & { alias?: string }> {
    const version = await resolveModelVersion(this.assay.registeredModels, ref);
    return ref.alias === null ? { name: ref.name, version } : { name: ref.name, version, alias: ref.alias };
  }
}
