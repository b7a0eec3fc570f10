import { InvalidParameterError, NotFoundError } from '../errors/assay-error.js';
import type { ModelSelector } from '../operations/model-refs.js';
import type { BatchingOptions } from './batching/batching-options.js';
import type { CanaryHalt, DeploymentSpec, DeploymentStatus } from './deployments/deployment-spec.js';
import { LiveDeployment, type Role } from './deployments/live-deployment.js';
import type { ModelCatalog } from './model-catalog.js';
import { ServedModel } from './served-model.js';
import type { ServingMetrics } from './serving-metrics.js';
import type { PredictionSource } from './prediction-log/prediction-log.js';

/** A model to serve from the command line: which version (by number or alias), under which name. */
export interface ServeRequest {
  readonly model: ModelSelector;
  /** The name clients use (`/v2/models/{name}`); the registered name unless given. */
  readonly servedName?: string | undefined;
  readonly batching: BatchingOptions;
  /** Share of requests logged (the log's own rate when absent). */
  readonly logSampleRate?: number | undefined;
}

/** A request routed: the deployment it named and the model version that answers it. */
export interface Routed {
  readonly deployment: LiveDeployment;
  readonly model: ServedModel;
}

export interface ModelServerHooks {
  /** A deployment's status changed (loaded, swapped, failed, canary halted): to be reported. */
  /** `generation`: the spec the deployment was serving when it reported (as given to apply). */
  readonly onStatus?: (name: string, status: DeploymentStatus, generation: string) => void;
}

const ROLES: readonly Role[] = ['main', 'canary', 'shadow'];

/**
 * The deployments a serving process serves, by the name clients use, and the runtime that keeps
 * each one's models in line with its spec: `apply` loads a deployment or changes it, `refresh`
 * re-resolves its aliases and swaps in a version an alias moved to. A new version is loaded and
 * warmed up beside the old, swapped in with one assignment, then the old drains (answers what it
 * queued) and unloads: no request fails during a swap. A version that fails to load leaves the old
 * one serving, with the error reported. Services only: the HTTP routes (src/server/inference) route
 * a request with `route`, decode it with the model's signature and call `infer`.
 */
export class ModelServer {
  private readonly deployments = new Map<string, LiveDeployment>();
  /** Per deployment, the reconciliation under way: one at a time, in order. */
  private readonly work = new Map<string, Promise<void>>();
  /** Per deployment and role, a version that failed to load: not retried until something changes. */
  private readonly failedVersions = new Map<string, number>();

  constructor(
    private readonly catalog: ModelCatalog,
    private readonly metrics: ServingMetrics | null = null,
    private readonly hooks: ModelServerHooks = {},
  ) {}

  /**
   * `assay serve`: loads and warms up each model, all or nothing: a failure unloads what this call
   * loaded and throws its reason.
   */
  async serve(requests: readonly ServeRequest[]): Promise<void> {
    const specs = requests.map((request): DeploymentSpec => ({
      name: request.servedName ?? request.model.name,
      model: request.model,
      canary: null,
      shadow: null,
      batching: request.batching,
      logSampleRate: request.logSampleRate ?? 1,
    }));
    const names = specs.map((spec) => spec.name);
    const twice = names.find((name, i) => names.indexOf(name) !== i || this.deployments.has(name));
    if (twice !== undefined) throw new InvalidParameterError(`Two models would be served as '${twice}'`);
    for (const spec of specs) {
      await this.apply(spec, '0');
      const deployment = this.deployments.get(spec.name) as LiveDeployment;
      if (deployment.state !== 'ready') {
        await Promise.all(names.map((name) => this.remove(name)));
        throw new InvalidParameterError(deployment.error ?? `Model '${spec.name}' did not load`);
      }
    }
  }

  /**
   * Serves `spec` as deployment `spec.name`, or brings a served one in line with it: resolves its
   * selectors, loads what changed (everything when batching changed), swaps, drains the old. Resolves
   * once done; failures are in the deployment's status, never thrown. `generation` names the spec's
   * version: the same generation again only re-resolves aliases.
   */
  async apply(spec: DeploymentSpec, generation: string, canaryHalt: CanaryHalt | null = null): Promise<void> {
    let deployment = this.deployments.get(spec.name);
    if (!deployment) {
      deployment = new LiveDeployment(spec, generation, canaryHalt, {
        onHalt: () => {
          this.report(spec.name);
          void this.refresh(spec.name);
        },
      });
      this.deployments.set(spec.name, deployment);
      await this.reconcile(deployment, true);
      return;
    }
    if (deployment.generation === generation) return this.refresh(spec.name);
    const reload = JSON.stringify(deployment.spec.batching) !== JSON.stringify(spec.batching);
    deployment.respec(spec, generation, canaryHalt);
    for (const role of ROLES) this.failedVersions.delete(`${spec.name}\u0000${role}`);
    await this.reconcile(deployment, reload);
  }

  /** Re-resolves a deployment's aliases (all when no name) and swaps in versions they moved to. */
  async refresh(name?: string): Promise<void> {
    const targets = name === undefined ? [...this.deployments.values()] : [this.deployments.get(name)];
    await Promise.all(
      targets.map((deployment) => (deployment ? this.reconcile(deployment, false) : undefined)),
    );
  }

  /** Stops serving a deployment: it drains, then its models unload. */
  async remove(name: string): Promise<void> {
    const deployment = this.deployments.get(name);
    if (!deployment) return;
    this.deployments.delete(name);
    await this.work.get(name);
    await Promise.all(ROLES.map((role) => this.retire(deployment, deployment.swap(role, null, null))));
  }

  names(): string[] {
    return [...this.deployments.keys()];
  }

  status(name: string): DeploymentStatus | null {
    return this.deployments.get(name)?.status() ?? null;
  }

  /** Every deployment serving, and at least one. */
  get ready(): boolean {
    if (this.deployments.size === 0) return false;
    for (const deployment of this.deployments.values()) if (deployment.state !== 'ready') return false;
    return true;
  }

  /** The main version of every deployment that has one. */
  list(): ServedModel[] {
    return [...this.deployments.values()]
      .map((deployment) => deployment.model('main'))
      .filter((model): model is ServedModel => model !== null);
  }

  /** The deployment served as `name`; a clear 404 listing what is served otherwise. */
  deployment(name: string): LiveDeployment {
    const deployment = this.deployments.get(name);
    if (!deployment) {
      const served = [...this.deployments.keys()];
      throw new NotFoundError(
        `Model '${name}' is not served here (served: ${served.length > 0 ? served.join(', ') : 'none'})`,
      );
    }
    return deployment;
  }

  /** The one deployment, when there is exactly one (`/invocations` names none). */
  sole(): LiveDeployment | undefined {
    return this.deployments.size === 1
      ? (this.deployments.values().next().value as LiveDeployment)
      : undefined;
  }

  find(name: string): LiveDeployment | undefined {
    return this.deployments.get(name);
  }

  /** The model a request to `name` goes to (see LiveDeployment.route). */
  route(name: string, version?: string, key: string | null = null): Routed {
    const deployment = this.deployment(name);
    return { deployment, model: deployment.route(key, version) };
  }

  /** Where a served model's predictions come from, for the prediction log. */
  source(routed: Routed): PredictionSource {
    const source = routed.deployment.source(routed.model);
    if (!source) throw new Error(`no prediction source for '${routed.deployment.name}'`);
    return source;
  }

  /** Answers what is queued, then unloads every model. */
  async close(): Promise<void> {
    await Promise.all(this.names().map((name) => this.remove(name)));
  }

  private reconcile(deployment: LiveDeployment, reload: boolean): Promise<void> {
    const name = deployment.name;
    const previous = this.work.get(name) ?? Promise.resolve();
    const next = previous.then(() => this.bringInLine(deployment, reload));
    this.work.set(name, next);
    return next;
  }

  private async bringInLine(deployment: LiveDeployment, reload: boolean): Promise<void> {
    if (this.deployments.get(deployment.name) !== deployment) return;
    const spec = deployment.spec;
    const errors: string[] = [];
    let changed = false;
    for (const role of ROLES) {
      const selector =
        role === 'main' ? spec.model : role === 'canary' ? spec.canary?.model : spec.shadow?.model;
      const wanted = role === 'canary' && deployment.canaryHalt !== null ? undefined : selector;
      const current = deployment.model(role);
      if (!wanted) {
        if (current) {
          changed = true;
          await this.retire(deployment, deployment.swap(role, null, null));
        }
        continue;
      }
      let version: number;
      try {
        version = await this.catalog.resolve(wanted);
      } catch (error) {
        errors.push(`${label(role)}${describe(wanted)}: ${message(error)}`);
        continue;
      }
      if (current && Number(current.version) === version && !reload) continue;
      const failedKey = `${deployment.name}\u0000${role}`;
      if (this.failedVersions.get(failedKey) === version && !reload) {
        errors.push(`${label(role)}${wanted.name} version ${version} failed to load`);
        continue;
      }
      try {
        const model = await this.load(deployment, wanted.name, version);
        if (this.deployments.get(deployment.name) !== deployment) {
          await this.retire(deployment, model);
          return;
        }
        this.failedVersions.delete(failedKey);
        changed = true;
        const source = this.predictionSource(deployment, wanted.name, model);
        await this.retire(deployment, deployment.swap(role, model, source));
      } catch (error) {
        this.failedVersions.set(failedKey, version);
        errors.push(`${label(role)}${wanted.name} version ${version} failed to load: ${message(error)}`);
      }
    }
    const error = errors.length > 0 ? errors.join('; ') : null;
    if (error !== deployment.error) changed = true;
    if (error === null) deployment.error = null;
    else deployment.markFailed(error);
    if (changed) this.report(deployment.name);
  }

  private async load(deployment: LiveDeployment, modelName: string, version: number): Promise<ServedModel> {
    const name = deployment.name;
    const found = await this.catalog.get(modelName, version);
    const started = performance.now();
    const model = await ServedModel.load(
      name,
      String(found.version),
      found.spec,
      await found.readBytes(),
      deployment.spec.batching,
      this.metrics?.batcherHooks(name, String(found.version)),
    );
    this.metrics?.modelLoaded(
      name,
      model.version,
      (performance.now() - started) / 1000,
      () => model.queueDepth,
    );
    return model;
  }

  /** Drains and unloads a model taken out of service (null: nothing to do). */
  private async retire(deployment: LiveDeployment, model: ServedModel | null): Promise<void> {
    if (!model) return;
    // The same version may still serve in another role (a canary on the main's version).
    const stillServed = ROLES.some((role) => deployment.model(role)?.version === model.version);
    if (!stillServed) this.metrics?.modelUnloaded(deployment.name, model.version);
    await model.unload();
  }

  private predictionSource(
    deployment: LiveDeployment,
    modelName: string,
    model: ServedModel,
  ): PredictionSource {
    const spec = model.spec;
    const [input] = spec.signature.inputs;
    return {
      deployment: deployment.name,
      modelName,
      modelVersion: Number(model.version),
      sampleRate: deployment.spec.logSampleRate,
      featureNames: new Map(
        spec.inputMode === 'tensor' && spec.featureColumns && input
          ? [[input.name, spec.featureColumns]]
          : [],
      ),
    };
  }

  private report(name: string): void {
    const deployment = this.deployments.get(name);
    if (deployment) this.hooks.onStatus?.(name, deployment.status(), deployment.generation);
  }
}

/** How an error names the role: the main model goes unnamed, a canary or shadow is said. */
function label(role: Role): string {
  return role === 'main' ? '' : `${role} `;
}

function describe(selector: ModelSelector): string {
  return `${selector.name}@${selector.alias ?? String(selector.version)}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
