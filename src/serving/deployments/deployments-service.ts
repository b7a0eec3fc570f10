import {
  AlreadyExistsError,
  AssayError,
  InvalidParameterError,
  InvalidStateError,
  NotFoundError,
} from '../../errors/assay-error.js';
import {
  formatModelRef,
  parseModelRef,
  resolveModelVersion,
  type ModelSelector,
} from '../../operations/model-refs.js';
import type { ModelRegistrationService } from '../../registry/model-registration-service.js';
import type { RegisteredModelsService } from '../../registry/registered-models-service.js';
import type { Database } from '../../store/database.js';
import { isUniqueViolation } from '../../store/db-errors.js';
import { DeploymentRepository } from '../../store/deployment-repository.js';
import type { BatchingOptions } from '../batching/batching-options.js';
import { DEFAULT_PREDICTION_LOG } from '../prediction-log/prediction-log-options.js';
import type { DeploymentChange, DeploymentRecord, ServableDeployment } from './deployment-record.js';
import type { DeploymentSpec, DeploymentStatus } from './deployment-spec.js';
import {
  canarySpec,
  mergeBatching,
  refuseSameSelector,
  validateDeploymentName,
  validateSampleRate,
  type CanaryInput,
} from './deployment-validation.js';

export interface CreateDeploymentInput {
  readonly name: string;
  /** NAME@VERSION or NAME@ALIAS; on an alias, the deployment follows it. */
  readonly model: string;
  readonly canary?: CanaryInput | null | undefined;
  readonly shadow?: { readonly model: string } | null | undefined;
  /** Unset options take their defaults (DEFAULT_BATCHING). */
  readonly batching?: Partial<BatchingOptions> | undefined;
  /** 0 to 1; default 1. */
  readonly logSampleRate?: number | undefined;
}

/**
 * A change to a deployment: what is left out stays as it is; `canary: null` and `shadow: null`
 * remove them; a canary's and batching's fields are merged over the current ones.
 */
export interface DeploymentPatch {
  readonly model?: string | undefined;
  readonly canary?: CanaryInput | null | undefined;
  readonly shadow?: { readonly model: string } | null | undefined;
  readonly batching?: Partial<BatchingOptions> | undefined;
  readonly logSampleRate?: number | undefined;
}

export type DeploymentListener = (change: DeploymentChange) => void;

/** Concurrent updates of one deployment are retried this many times before giving up. */
const UPDATE_ATTEMPTS = 10;

/**
 * Deployments: what `assay server` serves, defined through the API and CLI. Definitions are
 * checked in full (selectors against the registry) before anything is written; every change of a
 * spec bumps its generation, which serving processes poll for, and tells in-process listeners at
 * once. Serving processes write back what they made of a deployment with saveStatus.
 */
export class DeploymentsService {
  private readonly repository = new DeploymentRepository();
  private readonly listeners = new Set<DeploymentListener>();

  constructor(
    private readonly database: Database,
    private readonly models: Pick<RegisteredModelsService, 'get'>,
    private readonly registration: Pick<ModelRegistrationService, 'getModelSpec'>,
    private readonly now: () => number = Date.now,
  ) {}

  async create(input: CreateDeploymentInput): Promise<DeploymentRecord> {
    validateDeploymentName(input.name);
    const logSampleRate = input.logSampleRate ?? DEFAULT_PREDICTION_LOG.sampleRate;
    validateSampleRate(logSampleRate);
    const batching = mergeBatching(input.batching);
    const model = await this.checkedSelector(input.model, 'model');
    const canary = input.canary
      ? canarySpec(input.canary, await this.optionalSelector(input.canary.model, 'canary.model'), null)
      : null;
    const shadow = input.shadow
      ? { model: await this.checkedSelector(input.shadow.model, 'shadow.model') }
      : null;
    const spec = checkedSpec({ name: input.name, model, canary, shadow, batching, logSampleRate });
    const createdAt = this.now();
    let record: DeploymentRecord | undefined;
    try {
      record = await this.database.write(async (trx) => {
        await this.repository.insert(trx, spec, createdAt);
        return this.repository.get(trx, spec.name);
      });
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new AlreadyExistsError(`Deployment (name=${spec.name}) already exists.`);
      }
      throw error;
    }
    if (!record) throw notFound(spec.name);
    this.notify({ kind: 'created', name: spec.name, generation: record.generation });
    return record;
  }

  /**
   * Applies `patch`, bumps the generation and clears a halted canary (the runtime starts the changed
   * deployment afresh: an update that changes nothing resumes a halted canary).
   */
  async update(name: string, patch: DeploymentPatch): Promise<DeploymentRecord> {
    validateDeploymentName(name);
    if (patch.logSampleRate !== undefined) validateSampleRate(patch.logSampleRate);
    await this.get(name);
    // Selectors the patch names are checked once, against the registry, before the loop below.
    const model = await this.optionalSelector(patch.model, 'model');
    const canaryModel = patch.canary ? await this.optionalSelector(patch.canary.model, 'canary.model') : null;
    const shadowModel = patch.shadow ? await this.checkedSelector(patch.shadow.model, 'shadow.model') : null;
    for (let attempt = 1; attempt <= UPDATE_ATTEMPTS; attempt += 1) {
      const current = await this.get(name);
      const previous = current.spec;
      const spec = checkedSpec({
        name,
        model: model ?? previous.model,
        canary:
          patch.canary === null
            ? null
            : patch.canary === undefined
              ? previous.canary
              : canarySpec(patch.canary, canaryModel, previous.canary),
        shadow: patch.shadow === null ? null : shadowModel ? { model: shadowModel } : previous.shadow,
        batching: mergeBatching(patch.batching, previous.batching),
        logSampleRate: patch.logSampleRate ?? previous.logSampleRate,
      });
      const updated = await this.database.write(async (trx) => {
        const generation = await this.repository.updateSpec(trx, spec, this.now(), current.generation);
        return generation === null ? undefined : this.repository.get(trx, name);
      });
      if (updated) {
        this.notify({ kind: 'updated', name, generation: updated.generation });
        return updated;
      }
      // Changed (or deleted) by someone else since it was read: read it again.
    }
    throw new InvalidStateError(`Deployment '${name}' kept changing while being updated: try again`);
  }

  async get(name: string): Promise<DeploymentRecord> {
    validateDeploymentName(name);
    const record = await this.repository.get(this.database.db, name);
    if (!record) throw notFound(name);
    return record;
  }

  /** Every deployment, by name. */
  list(): Promise<DeploymentRecord[]> {
    return this.repository.list(this.database.db);
  }

  async delete(name: string): Promise<void> {
    validateDeploymentName(name);
    const deleted = await this.database.write((trx) => this.repository.delete(trx, name));
    if (!deleted) throw notFound(name);
    this.notify({ kind: 'deleted', name, generation: null });
  }

  /** What serving processes load: every deployment's spec and generation. */
  async listForServing(): Promise<ServableDeployment[]> {
    const records = await this.list();
    return records.map(({ spec, generation, createdAt, status }) => ({
      spec,
      generation,
      createdAt,
      canaryHalt: status?.canaryHalt ?? null,
    }));
  }

  /**
   * Records what a serving process made of a deployment (its status fields only). A deployment
   * deleted meanwhile is left alone; with `generation`, so is one whose spec has changed since
   * (a report about the previous spec would bring back a canary halt the change cleared).
   * Returns whether the status was written.
   */
  saveStatus(name: string, status: DeploymentStatus, generation?: number): Promise<boolean> {
    return this.database.write((trx) => this.repository.saveStatus(trx, name, status, generation));
  }

  /**
   * Calls `listener` after each committed create, update or delete made through this service, so a
   * runtime in the same process reacts at once (other processes' changes show in listForServing).
   * Returns the unsubscribe function.
   */
  onChange(listener: DeploymentListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  private notify(change: DeploymentChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch {
        // The change is committed and the caller is answered; a listener that failed catches up
        // at its next poll of listForServing.
      }
    }
  }

  private async optionalSelector(ref: string | undefined, field: string): Promise<ModelSelector | null> {
    return ref === undefined ? null : this.checkedSelector(ref, field);
  }

  /** `ref` parsed, naming a registered model and a version (or alias) of it that Assay can run. */
  private async checkedSelector(ref: unknown, field: string): Promise<ModelSelector> {
    let selector: ModelSelector;
    try {
      selector = parseModelRef(ref, field);
    } catch (error) {
      throw fieldError(error, field, String(ref));
    }
    try {
      // The model first: `nope@1` is an unknown model rather than an unknown version.
      const model = await this.models.get(selector.name);
      const version = await resolveModelVersion({ get: async () => model }, selector);
      await this.registration.getModelSpec(selector.name, version);
    } catch (error) {
      throw fieldError(error, field, formatModelRef(selector));
    }
    return selector;
  }
}

/** The whole spec checked for what no single field shows. */
function checkedSpec(spec: DeploymentSpec): DeploymentSpec {
  if (spec.canary) refuseSameSelector('canary.model', spec.canary.model, spec.model);
  if (spec.shadow) refuseSameSelector('shadow.model', spec.shadow.model, spec.model);
  return spec;
}

/** A registry error about a selector, as a bad value of the field that named it. */
function fieldError(error: unknown, field: string, ref: string): unknown {
  if (!(error instanceof AssayError) || error.httpStatus >= 500) return error;
  if (error.message.startsWith(field)) return error;
  return new InvalidParameterError(`${field} '${ref}': ${error.message}`);
}

function notFound(name: string): NotFoundError {
  return new NotFoundError(`Deployment with name=${name} not found`);
}
