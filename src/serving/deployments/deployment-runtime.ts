import type { ModelServer } from '../model-server.js';
import type { CanaryHalt, DeploymentSpec, DeploymentStatus } from './deployment-spec.js';

/** A deployment as stored: its spec, the generation of that spec, and a canary halt on record. */
export interface StoredDeployment {
  readonly spec: DeploymentSpec;
  /** Changes whenever the spec does (opaque: compared for equality only). */
  readonly generation: string;
  readonly canaryHalt: CanaryHalt | null;
}

/** Where a runtime reads the deployments it must serve and reports what it made of them. */
export interface DeploymentSource {
  list(): Promise<StoredDeployment[]>;
  /** `generation`: the stored generation the status is about (a report on an older spec is dropped). */
  saveStatus(name: string, status: DeploymentStatus, generation: string): Promise<void>;
  /** Calls `listener` when the stored set changes in this process; returns an unsubscribe. */
  onChange?(listener: () => void): () => void;
}

export interface RuntimeLogger {
  error(details: object, message: string): void;
  warn(details: object, message: string): void;
}

/**
 * Keeps a ModelServer serving what a DeploymentSource holds: every `pollMs` (and at once when the
 * source says it changed) it loads new deployments, applies changed specs, drops deleted ones and
 * re-resolves aliases, so a moved alias is followed however it was moved (this process's API,
 * another replica's, the database directly). Statuses go back to the source when they change, and
 * every `pollMs` for deployments whose shadow diff is accumulating.
 */
export class DeploymentRuntime {
  private timer: NodeJS.Timeout | null = null;
  private syncing: Promise<void> | null = null;
  private again = false;
  private unsubscribe: (() => void) | null = null;
  private stopped = false;

  constructor(
    private readonly server: ModelServer,
    private readonly source: DeploymentSource,
    private readonly pollMs: number,
    private readonly logger: RuntimeLogger,
  ) {}

  /** Per deployment, the last error and canary halt told to the log: each is logged once. */
  private readonly logged = new Map<string, string>();

  /** The status hook to give the ModelServer, so that changes are reported as they happen. */
  readonly report = (name: string, status: DeploymentStatus, generation: string): void => {
    const said = `${status.error ?? ''}\u0000${status.canaryHalt?.reason ?? ''}`;
    if (this.logged.get(name) !== said) {
      this.logged.set(name, said);
      if (status.canaryHalt)
        this.logger.warn({ deployment: name, reason: status.canaryHalt.reason }, 'canary halted');
      if (status.error) this.logger.error({ deployment: name, error: status.error }, 'deployment error');
    }
    this.source.saveStatus(name, status, generation).catch((error: unknown) => {
      this.logger.error({ err: error, deployment: name }, 'could not save the deployment status');
    });
  };

  /** Serves what is stored now (resolves once each deployment loaded or failed), then keeps polling. */
  async start(): Promise<void> {
    this.unsubscribe = this.source.onChange?.(() => void this.sync()) ?? null;
    await this.sync();
    this.schedule();
  }

  /** One reconciliation; a call during one runs another right after it. */
  sync(): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = this.reconcile()
      .catch((error: unknown) => this.logger.error({ err: error }, 'deployment reconciliation failed'))
      .finally(() => {
        this.syncing = null;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.sync();
        }
      });
    return this.syncing;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.syncing;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.sync().then(() => {
        this.reportShadows();
        this.schedule();
      });
    }, this.pollMs);
    this.timer.unref();
  }

  private async reconcile(): Promise<void> {
    if (this.stopped) return;
    const stored = await this.source.list();
    const wanted = new Set(stored.map((each) => each.spec.name));
    await Promise.all(
      this.server
        .names()
        .filter((name) => !wanted.has(name))
        .map((name) => this.server.remove(name)),
    );
    await Promise.all(stored.map((each) => this.server.apply(each.spec, each.generation, each.canaryHalt)));
  }

  private reportShadows(): void {
    for (const name of this.server.names()) {
      const deployment = this.server.find(name);
      const status = deployment?.status();
      if (deployment && status?.shadowDiff) this.report(name, status, deployment.generation);
    }
  }
}
