import type { ModelSpec } from '../runtime/model-spec.js';
import type { ModelVersionStatus } from './entities.js';
import type { Executor } from '../store/executor.js';
import type { ModelRuntimeRepository } from '../store/model-runtime-repository.js';

/**
 * What inspecting a new version's files found, decided before the version is created so that the
 * version, its status and its runtime row are written in one transaction.
 * - runnable: an ONNX model Assay can feed from tables (READY, with a model_runtimes row);
 * - failed: the files claim to be ONNX but onnxruntime refuses them (FAILED_REGISTRATION, the
 *   runtime's reason as status message);
 * - opaque: anything else, e.g. a pyfunc model (READY, no runtime row: a registry entry Assay
 *   cannot run). `reason` says why when it is worth saying (an ONNX model with outputs Assay cannot read).
 */
export type RegistrationOutcome =
  | { readonly kind: 'runnable'; readonly artifactPath: string; readonly spec: ModelSpec }
  | { readonly kind: 'failed'; readonly reason: string }
  | { readonly kind: 'opaque'; readonly reason: string | null };

/** Inspects the files a new version points at (its source, or where a `models:/` source resolved). */
export interface VersionSourceInspector {
  inspect(storageLocation: string): Promise<RegistrationOutcome>;
}

/** The status a new version gets for the outcome. */
export function outcomeStatus(outcome: RegistrationOutcome | null): ModelVersionStatus {
  return outcome?.kind === 'failed' ? 'FAILED_REGISTRATION' : 'READY';
}

/** The status message a new version gets for the outcome. */
export function outcomeStatusMessage(outcome: RegistrationOutcome | null): string | null {
  if (outcome === null || outcome.kind === 'runnable') return null;
  return outcome.reason;
}

/** Writes the runtime of a runnable outcome beside the version just inserted, in its transaction. */
export async function recordOutcome(
  trx: Executor,
  runtimes: ModelRuntimeRepository,
  key: { name: string; version: number },
  outcome: RegistrationOutcome,
  now: number,
): Promise<void> {
  if (outcome.kind === 'runnable') {
    await runtimes.insert(trx, {
      ...key,
      artifactPath: outcome.artifactPath,
      spec: outcome.spec,
      creationTime: now,
    });
  }
}
