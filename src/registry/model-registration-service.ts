import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { Readable } from 'node:stream';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { AlreadyExistsError, InvalidParameterError, InvalidStateError } from '../errors/assay-error.js';
import type { ModelOverrides } from '../runtime/model-roles.js';
import type { ModelSpec, ModelTask } from '../runtime/model-spec.js';
import type { Database } from '../store/database.js';
import {
  FAILED_REGISTRATION,
  ModelRuntimeRepository,
  type ModelRuntimeRow,
} from '../store/model-runtime-repository.js';
import { ModelVersionRepository } from '../store/model-version-repository.js';
import type { ModelVersion } from './entities.js';
import {
  inspectOrReason,
  MAX_MODEL_BYTES,
  modelFileUri,
  readAllBytes,
  readStoredBytes,
  storeModelFile,
} from './model-registration-files.js';
import type { RegistrationOutcome } from './model-registration-outcome.js';
import type { ModelVersionsService } from './model-versions-service.js';
import type { RegisteredModelsService } from './registered-models-service.js';
import { versionNotFound } from './registry-errors.js';
import { parseVersion, validateModelName } from './validation.js';

export interface RegisterModelFileOptions {
  /** Tensor-mode models: the columns feeding the [N, F] input, in order. */
  readonly features?: readonly string[] | undefined;
  readonly task?: ModelTask | undefined;
  readonly outputs?: ModelOverrides['outputs'];
  /** The new version's description. */
  readonly description?: string | undefined;
  /** Who registers it: recorded as the version's user. */
  readonly actor: string;
}

export interface RegisteredModelFile {
  readonly version: ModelVersion;
  readonly spec: ModelSpec;
}

/** A runnable version: its spec, and its model file's bytes (checked against the spec's sha256). */
export interface RunnableModel {
  readonly name: string;
  readonly version: number;
  readonly spec: ModelSpec;
  readonly artifactPath: string;
  readBytes(): Promise<Buffer>;
}

/**
 * The registered version's file did not load: the version exists, FAILED_REGISTRATION, and this
 * error carries the runtime's reason so that the CLI can exit with it.
 */
export class ModelRegistrationFailedError extends InvalidParameterError {
  constructor(
    readonly modelName: string,
    readonly version: number,
    readonly reason: string,
  ) {
    super(
      `Model version ${modelName}/${version} failed registration: the model does not load in onnxruntime: ${reason}`,
    );
  }
}

/**
 * Registering ONNX files as model versions Assay can run, and handing runnable versions to
 * evaluation. Versions are created through the registry services, so MLflow clients see them as
 * any other (their source is the stored file's `mlflow-artifacts:` URI).
 */
export class ModelRegistrationService {
  private readonly runtimes = new ModelRuntimeRepository();
  private readonly versions: ModelVersionRepository;

  constructor(
    private readonly database: Database,
    private readonly artifactStore: ArtifactStore,
    private readonly registeredModels: RegisteredModelsService,
    private readonly modelVersions: ModelVersionsService,
    private readonly maxModelBytes = MAX_MODEL_BYTES,
  ) {
    this.versions = new ModelVersionRepository(database.dialect);
  }

  /**
   * Registers `file` (a path or a stream of an .onnx file) as the next version of `name`, creating
   * the model if needed. Overrides that do not fit the model (an unknown output, the wrong number of
   * features) are refused before anything is written. A file onnxruntime refuses still becomes a
   * version, FAILED_REGISTRATION with the runtime's reason, and ModelRegistrationFailedError is thrown.
   */
  async registerModelFile(
    name: string,
    file: string | Readable,
    options: RegisterModelFileOptions,
  ): Promise<RegisteredModelFile> {
    validateModelName(name);
    const bytes = await this.readModelFile(file);
    const inspected = await inspectOrReason(bytes, {
      task: options.task,
      outputs: options.outputs,
      featureColumns: options.features ?? null,
    });
    // A model that loads was hashed by its inspection: up to 2 GiB need not be hashed twice.
    const sha256 =
      'spec' in inspected ? inspected.spec.sha256 : createHash('sha256').update(bytes).digest('hex');
    // Stored even when it does not load: the version's source must lead to the file that failed.
    const artifactPath = await storeModelFile(this.artifactStore, bytes, sha256);
    const registration: RegistrationOutcome =
      'spec' in inspected
        ? { kind: 'runnable', artifactPath, spec: inspected.spec }
        : { kind: 'failed', reason: inspected.reason };
    await this.ensureModel(name);
    const version = await this.modelVersions.create({
      name,
      source: modelFileUri(artifactPath),
      description: options.description,
      userId: options.actor,
      registration,
    });
    if ('reason' in inspected)
      throw new ModelRegistrationFailedError(name, version.version, inspected.reason);
    return { version, spec: inspected.spec };
  }

  /** The version's spec; InvalidStateError when Assay cannot run it, saying why. */
  async getModelSpec(name: string, version: number | string): Promise<ModelSpec> {
    return (await this.requireRuntime(name, version)).spec;
  }

  /** The version's spec, or null when Assay cannot run it (or it does not exist). */
  async findModelSpec(name: string, version: number): Promise<ModelSpec | null> {
    return (await this.runtimes.find(this.database.db, name, version))?.spec ?? null;
  }

  /** The specs of every runnable version of the model, by version number. */
  async modelSpecs(name: string): Promise<Map<number, ModelSpec>> {
    const rows = await this.runtimes.forModel(this.database.db, name);
    return new Map(rows.map((row) => [row.version, row.spec]));
  }

  /** What evaluation needs to run the version. */
  async getRunnable(name: string, version: number | string): Promise<RunnableModel> {
    const row = await this.requireRuntime(name, version);
    const store = this.artifactStore;
    const maxBytes = this.maxModelBytes;
    return {
      name: row.name,
      version: row.version,
      spec: row.spec,
      artifactPath: row.artifactPath,
      async readBytes() {
        const bytes = await readStoredBytes(
          store,
          row.artifactPath,
          maxBytes,
          `The model file '${row.artifactPath}'`,
        );
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        if (sha256 !== row.spec.sha256) {
          throw new InvalidStateError(
            `The model file of ${row.name}/${row.version} ('${row.artifactPath}') changed since registration: sha256 ${sha256}, registered ${row.spec.sha256}`,
          );
        }
        return bytes;
      },
    };
  }

  private async requireRuntime(name: string, version: number | string): Promise<ModelRuntimeRow> {
    validateModelName(name);
    const number = typeof version === 'number' ? version : parseVersion(version);
    const db = this.database.db;
    const row = await this.runtimes.find(db, name, number);
    if (row) return row;
    const status = await this.versions.find(db, name, number);
    if (!status) throw versionNotFound(name, version);
    if (status.status === FAILED_REGISTRATION) {
      throw new InvalidStateError(
        `Model version ${name}/${number} failed registration: ${status.statusMessage ?? ''}`,
      );
    }
    const why = status.statusMessage ? `: ${status.statusMessage}` : ': its source is not an ONNX model';
    throw new InvalidStateError(`Assay cannot run model version ${name}/${number}${why}`);
  }

  private async readModelFile(file: string | Readable): Promise<Buffer> {
    if (typeof file !== 'string') return readAllBytes(file, this.maxModelBytes, 'The model file');
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch (error) {
      throw new InvalidParameterError(`Cannot read the model file '${file}': ${errorCode(error)}`);
    }
    try {
      if (!(await handle.stat()).isFile())
        throw new InvalidParameterError(`The model file '${file}' is not a file`);
      return await readAllBytes(
        handle.createReadStream({ autoClose: false }),
        this.maxModelBytes,
        `The model file '${file}'`,
      );
    } finally {
      await handle.close();
    }
  }

  /** As MLflow's register_model: the model is created on first use; a concurrent creation is fine. */
  private async ensureModel(name: string): Promise<void> {
    try {
      await this.registeredModels.create({ name });
    } catch (error) {
      if (!(error instanceof AlreadyExistsError)) throw error;
    }
  }
}

const FILE_ERRORS: Record<string, string> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EISDIR: 'it is a directory',
};

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code !== undefined) return FILE_ERRORS[code] ?? code;
  return error instanceof Error ? error.message : String(error);
}
