import { resolveModelVersion, type ModelSelector } from '../operations/model-refs.js';
import type { ModelRegistrationService } from '../registry/model-registration-service.js';
import type { RegisteredModelsService } from '../registry/registered-models-service.js';
import type { ModelSpec } from '../runtime/model-spec.js';

/** A registered model version ready to load: how it is run, and its ONNX bytes on demand. */
export interface CatalogModel {
  readonly name: string;
  readonly version: number;
  readonly spec: ModelSpec;
  /** The model file, checked against the sha256 recorded at registration. */
  readBytes(): Promise<Uint8Array>;
}

/**
 * Where a serving process finds the models it serves: the embedded store or PostgreSQL it opened
 * (localCatalog), or an Assay server over HTTP (`assay serve --uri`).
 */
export interface ModelCatalog {
  /** The version a selector names now: its number, or where its alias points at this moment. */
  resolve(selector: ModelSelector): Promise<number>;
  get(name: string, version: number): Promise<CatalogModel>;
}

/** The catalog of the store this process opened. */
export function localCatalog(
  registeredModels: RegisteredModelsService,
  registration: ModelRegistrationService,
): ModelCatalog {
  return {
    resolve: (selector) => resolveModelVersion(registeredModels, selector),
    get: async (name, version) => {
      const runnable = await registration.getRunnable(name, version);
      return {
        name: runnable.name,
        version: runnable.version,
        spec: runnable.spec,
        readBytes: () => runnable.readBytes(),
      };
    },
  };
}
