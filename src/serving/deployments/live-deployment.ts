import { NotFoundError, ServiceUnavailableError } from '../../errors/assay-error.js';
import type { NamedTensor } from '../named-tensor.js';
import type { PredictionSource } from '../prediction-log/prediction-log.js';
import type { ServedModel } from '../served-model.js';
import { CanaryMonitor, haltReason } from './canary-monitor.js';
import { toCanary } from './canary-split.js';
import type { CanaryHalt, DeploymentSpec, DeploymentState, DeploymentStatus } from './deployment-spec.js';
import { LiveDiff } from './live-diff.js';

/** The parts of a deployment that each run a model version of their own. */
export type Role = 'main' | 'canary' | 'shadow';

/** How often, in answered canary requests, the halt rules are judged (and at least every second). */
const JUDGE_EVERY = 25;
const JUDGE_INTERVAL_MS = 1000;

export interface LiveDeploymentHooks {
  /** The canary was halted: all traffic is back on the main version. */
  readonly onHalt?: (halt: CanaryHalt) => void;
}

/**
 * A deployment as it is being served: the model version loaded for each role, which one a request
 * goes to, the canary's halt rules and the shadow's live diff. Swapping a role's model is one
 * assignment, so a request is routed either to the old version or to the new, never to neither;
 * the runtime (model-server.ts) loads, swaps and drains around it.
 */
export class LiveDeployment {
  private readonly models: Record<Role, ServedModel | null> = { main: null, canary: null, shadow: null };
  private readonly sources = new Map<ServedModel, PredictionSource>();
  private monitor: CanaryMonitor | null = null;
  private judgedAt = 0;
  private sinceJudged = 0;
  private diff: LiveDiff | null = null;
  /** The last load or resolution error, until a reconciliation goes through without one. */
  error: string | null = null;
  /** Whether a first load of the main version is under way or has failed. */
  private failed = false;

  constructor(
    public spec: DeploymentSpec,
    public generation: string,
    public canaryHalt: CanaryHalt | null,
    private readonly hooks: LiveDeploymentHooks = {},
  ) {}

  get name(): string {
    return this.spec.name;
  }

  model(role: Role): ServedModel | null {
    return this.models[role];
  }

  /**
   * Puts `model` in `role` (null empties it) and returns the model it replaces, for the caller to
   * drain and unload. A new canary starts a fresh halt window; a new shadow or main a fresh diff.
   */
  swap(role: Role, model: ServedModel | null, source: PredictionSource | null): ServedModel | null {
    const old = this.models[role];
    this.models[role] = model;
    if (old) this.sources.delete(old);
    if (model && source) this.sources.set(model, source);
    if (role === 'main' && model) this.failed = false;
    if (role === 'canary')
      this.monitor = model ? new CanaryMonitor(this.spec.canary?.halt.windowMs ?? 0) : null;
    if (role !== 'canary') {
      const main = this.models.main;
      const shadow = this.models.shadow;
      this.diff = main && shadow ? new LiveDiff(main.spec, shadow.spec) : null;
    }
    return old;
  }

  /** A new spec for the deployment: its canary is judged afresh, from an empty window. */
  respec(spec: DeploymentSpec, generation: string, canaryHalt: CanaryHalt | null): void {
    this.spec = spec;
    this.generation = generation;
    this.canaryHalt = canaryHalt;
    if (this.monitor) this.monitor = new CanaryMonitor(spec.canary?.halt.windowMs ?? 0);
  }

  /** The main version never loaded: the deployment cannot serve until a reconciliation succeeds. */
  markFailed(error: string): void {
    this.error = error;
    if (this.models.main === null) this.failed = true;
  }

  get state(): DeploymentState {
    if (this.models.main !== null) return 'ready';
    return this.failed ? 'failed' : 'loading';
  }

  /**
   * The model a request goes to: the version it names, else the canary for its share of traffic
   * (sticky by `key` when given), else the main version.
   */
  route(key: string | null, version?: string): ServedModel {
    if (version !== undefined) {
      for (const model of Object.values(this.models)) if (model?.version === version) return model;
      throw new NotFoundError(
        `Model '${this.name}' is served at version ${this.servedVersions().join(', ') || 'none'}, not ${version}`,
      );
    }
    const canary = this.models.canary;
    if (canary && this.canaryHalt === null && toCanary(this.spec.canary?.percent ?? 0, key)) return canary;
    const main = this.models.main;
    if (main) return main;
    throw new ServiceUnavailableError(
      this.failed
        ? `Model '${this.name}' failed to load: ${this.error ?? 'unknown error'}`
        : `Model '${this.name}' is loading`,
      1,
    );
  }

  /** Versions that answer requests that name them, main first. */
  servedVersions(): string[] {
    return [this.models.main, this.models.canary, this.models.shadow]
      .filter((model): model is ServedModel => model !== null)
      .map((model) => model.version);
  }

  source(model: ServedModel): PredictionSource | undefined {
    return this.sources.get(model);
  }

  /** A request `model` answered with `status` after `latencyMs`: canary requests feed the halt rules. */
  answered(model: ServedModel, status: number, latencyMs: number): void {
    const monitor = this.monitor;
    const rules = this.spec.canary?.halt;
    if (model !== this.models.canary || !monitor || !rules || this.canaryHalt !== null) return;
    const now = Date.now();
    monitor.record(now, latencyMs, status >= 500);
    this.sinceJudged += 1;
    if (this.sinceJudged < JUDGE_EVERY && now - this.judgedAt < JUDGE_INTERVAL_MS) return;
    this.sinceJudged = 0;
    this.judgedAt = now;
    const reason = haltReason(rules, monitor.window(now));
    if (reason === null) return;
    this.canaryHalt = { reason: `canary version ${model.version} halted: ${reason}`, at: now };
    this.hooks.onHalt?.(this.canaryHalt);
  }

  /**
   * Mirrors a request the main version answered to the shadow, off the response path: the shadow
   * gets its own copy of the inputs, and a full shadow queue skips the request rather than wait.
   */
  mirror(
    model: ServedModel,
    inputs: readonly NamedTensor[],
    rows: number,
    outputs: readonly NamedTensor[],
  ): void {
    const shadow = this.models.shadow;
    const diff = this.diff;
    if (!shadow || !diff || model !== this.models.main) return;
    if (shadow.queueFull) {
      diff.countSkipped();
      return;
    }
    const copies = inputs.map((input) => ({ ...input, data: input.data.slice() }) as NamedTensor);
    shadow.infer(copies, rows).then(
      (shadowed) => {
        try {
          diff.add(outputs, shadowed, rows);
        } catch {
          diff.failed();
        }
      },
      () => diff.failed(),
    );
  }

  status(): DeploymentStatus {
    const version = (role: Role) => {
      const model = this.models[role];
      return model ? Number(model.version) : null;
    };
    return {
      state: this.state,
      servedVersion: version('main'),
      canaryVersion: version('canary'),
      shadowVersion: version('shadow'),
      error: this.error,
      canaryHalt: this.canaryHalt,
      shadowDiff: this.diff?.toJSON() ?? null,
      updatedAt: Date.now(),
    };
  }
}
