import { InvalidParameterError } from '../errors/assay-error.js';

/** A model file that onnxruntime refuses to load. `reason` is the runtime's own words. */
export class ModelInspectionError extends InvalidParameterError {
  constructor(readonly reason: string) {
    super(`The model does not load in onnxruntime: ${reason}`);
  }
}
