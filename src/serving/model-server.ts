import { InvalidParameterError, NotFoundError } from '../errors/assay-error.js';
import { resolveModelVersion, type ModelSelector } from '../operations/model-refs.js';
import type { ModelRegistrationService } from '../registry/model-registration-service.js';
import type { RegisteredModelsService } from '../registry/registered-models-service.js';
import type { BatchingOptions } from './batching/batching-options.js';
import { ServedModel } from './served-model.js';
import type { ServingMetrics } from './serving-metrics.js';
import type { PredictionSource } from './prediction-log/prediction-log.js';

/** A model to serve: which registered version (by number or alias), under which name, batched how. */
export interface ServeRequest {
  readonly model: ModelSelector;
  /** The name clients use (`/v2/models/{name}`); the registered name unless given. */
  readonly servedName?: string | undefined;
  readonly batching: BatchingOptions;
}

/**
 * The models a serving process serves, by the name clients use. Services only: the HTTP routes
 * (src/server/inference) decode requests with a protocol and call `infer` on what `get` returns.
 */
export class ModelServer {
  private readonly models = new Map<string, ServedModel>();
  private readonly sources = new Map<string, PredictionSource>();
  private loading = 0;

  constructor(
    private readonly registeredModels: RegisteredModelsService,
    private readonly registration: ModelRegistrationService,
    private readonly metrics: ServingMetrics | null = null,
  ) {}

  /** Loads and warms up each model; ready once every one is. A failure unloads what this call loaded. */
  async serve(requests: readonly ServeRequest[]): Promise<void> {
    const names = requests.map((request) => request.servedName ?? request.model.name);
    const twice = names.find((name, i) => names.indexOf(name) !== i || this.models.has(name));
    if (twice !== undefined) throw new InvalidParameterError(`Two models would be served as '${twice}'`);
    this.loading += 1;
    const loaded: ServedModel[] = [];
    try {
      for (const [i, request] of requests.entries()) {
        const number = await resolveModelVersion(this.registeredModels, request.model);
        const runnable = await this.registration.getRunnable(request.model.name, number);
        const name = names[i] as string;
        const version = String(runnable.version);
        const started = performance.now();
        const model = await ServedModel.load(
          name,
          version,
          runnable.spec,
          await runnable.readBytes(),
          request.batching,
          this.metrics?.batcherHooks(name, version),
        );
        loaded.push(model);
        this.metrics?.modelLoaded(
          name,
          version,
          (performance.now() - started) / 1000,
          () => model.queueDepth,
        );
      }
    } catch (error) {
      await Promise.all(loaded.map((model) => model.unload()));
      throw error;
    } finally {
      this.loading -= 1;
    }
    for (const [i, model] of loaded.entries()) {
      this.models.set(model.name, model);
      const spec = model.spec;
      const [input] = spec.signature.inputs;
      this.sources.set(model.name, {
        deployment: model.name,
        modelName: (requests[i] as ServeRequest).model.name,
        modelVersion: Number(model.version),
        featureNames: new Map(
          spec.inputMode === 'tensor' && spec.featureColumns && input
            ? [[input.name, spec.featureColumns]]
            : [],
        ),
      });
    }
  }

  /** Every model loaded and warmed up, and none loading. */
  get ready(): boolean {
    return this.loading === 0 && this.models.size > 0;
  }

  list(): ServedModel[] {
    return [...this.models.values()];
  }

  /** Where a served model's predictions come from, for the prediction log. */
  source(model: ServedModel): PredictionSource {
    const source = this.sources.get(model.name);
    if (!source) throw new Error(`no prediction source for '${model.name}'`);
    return source;
  }

  /** The one model served, when there is exactly one (`/invocations` names none). */
  sole(): ServedModel | undefined {
    return this.models.size === 1 ? (this.models.values().next().value as ServedModel) : undefined;
  }

  /** The model served as `name`, if any. */
  find(name: string): ServedModel | undefined {
    return this.models.get(name);
  }

  /** The served model, checked against `version` when the client names one. */
  get(name: string, version?: string): ServedModel {
    const model = this.models.get(name);
    if (!model) {
      const served = [...this.models.keys()];
      throw new NotFoundError(
        `Model '${name}' is not served here (served: ${served.length > 0 ? served.join(', ') : 'none'})`,
      );
    }
    if (version !== undefined && version !== model.version) {
      throw new NotFoundError(`Model '${name}' is served at version ${model.version}, not ${version}`);
    }
    return model;
  }

  /** Answers what is queued, then unloads every model. */
  async close(): Promise<void> {
    const models = [...this.models.values()];
    this.models.clear();
    for (const model of models) this.metrics?.modelUnloaded(model.name);
    await Promise.all(models.map((model) => model.unload()));
  }
}
