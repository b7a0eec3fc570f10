import { joinArtifactPath, normalizeArtifactPath } from '../artifacts/artifact-path.js';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { AssayError } from '../errors/assay-error.js';
import { UnsupportedModelError } from '../runtime/model-roles.js';
import type { ModelSpec } from '../runtime/model-spec.js';
import { proxiedRootPath } from '../tracking/run-artifacts-service.js';
import { readMlmodel } from './model-registration-mlmodel.js';
import type { RegistrationOutcome, VersionSourceInspector } from './model-registration-outcome.js';
import {
  inspectOrReason,
  MAX_MODEL_BYTES,
  readStoredBytes,
  storeModelFile,
} from './model-registration-files.js';

const OPAQUE: RegistrationOutcome = { kind: 'opaque', reason: null };

/**
 * Inspects the sources of versions created through MLflow's API. A source in Assay's artifact store
 * (`mlflow-artifacts:/...`, or this server's proxy over http) that is an `.onnx` file, or an MLflow
 * model directory whose MLmodel has an `onnx` flavor, is loaded with onnxruntime; a runnable model is
 * copied to its content address, so that later changes to the run's artifacts cannot change a version.
 * Any other source is a registry entry Assay cannot run, as before.
 */
export class ModelSourceInspector implements VersionSourceInspector {
  constructor(
    private readonly store: ArtifactStore,
    private readonly maxModelBytes = MAX_MODEL_BYTES,
  ) {}

  async inspect(storageLocation: string): Promise<RegistrationOutcome> {
    const root = storePath(storageLocation);
    if (root === null || root === '') return OPAQUE;
    if (root.toLowerCase().endsWith('.onnx')) return this.inspectFile(root, null);
    const mlmodel = await this.readText(joinArtifactPath(root, 'MLmodel'));
    if (mlmodel === null) return OPAQUE;
    const model = readMlmodel(mlmodel);
    if (model === null) return OPAQUE;
    let file: string;
    try {
      file = normalizeArtifactPath(joinArtifactPath(root, model.onnxData));
    } catch {
      return {
        kind: 'failed',
        reason: `The MLmodel's onnx flavor names an invalid file: '${model.onnxData}'`,
      };
    }
    return this.inspectFile(file, model.featureColumns);
  }

  private async inspectFile(
    file: string,
    signatureColumns: readonly string[] | null,
  ): Promise<RegistrationOutcome> {
    let bytes: Buffer;
    try {
      bytes = await readStoredBytes(this.store, file, this.maxModelBytes, `The model file '${file}'`);
    } catch (error) {
      if (error instanceof AssayError)
        return { kind: 'failed', reason: `Cannot read the model file '${file}': ${error.message}` };
      throw error;
    }
    let inspected: Awaited<ReturnType<typeof inspectOrReason>>;
    try {
      inspected = await inspectOrReason(bytes);
    } catch (error) {
      // It loads, but Assay cannot feed it or read its outputs: still a valid MLflow model.
      if (error instanceof UnsupportedModelError)
        return { kind: 'opaque', reason: `Assay cannot run this model: ${error.message}` };
      throw error;
    }
    if ('reason' in inspected) return { kind: 'failed', reason: inspected.reason };
    const spec = withSignatureColumns(inspected.spec, signatureColumns);
    const artifactPath = await storeModelFile(this.store, bytes, spec.sha256);
    return { kind: 'runnable', artifactPath, spec };
  }

  private async readText(path: string): Promise<string | null> {
    try {
      return (await readStoredBytes(this.store, path, MLMODEL_MAX_BYTES, `'${path}'`)).toString('utf8');
    } catch (error) {
      // Missing, a directory, too large: not an MLflow model this inspector understands.
      if (error instanceof AssayError) return null;
      throw error;
    }
  }
}

/** An MLmodel file is a few kilobytes of YAML. */
const MLMODEL_MAX_BYTES = 1024 * 1024;

/** Where the location is in the artifact store, or null when it is not in it. */
function storePath(location: string): string | null {
  try {
    return proxiedRootPath(location);
  } catch {
    return null; // an unsafe path: nothing in the store
  }
}

/** An MLflow signature's column names feed a tensor-mode model when there is one per feature. */
function withSignatureColumns(spec: ModelSpec, columns: readonly string[] | null): ModelSpec {
  const width = spec.signature.inputs[0]?.shape[1];
  if (columns === null || spec.inputMode !== 'tensor' || columns.length !== width) return spec;
  if (new Set(columns).size !== columns.length) return spec;
  return { ...spec, featureColumns: columns };
}
