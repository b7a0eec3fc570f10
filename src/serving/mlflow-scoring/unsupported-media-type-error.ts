import { AssayError } from '../../errors/assay-error.js';

/**
 * A request body in a content type the scoring protocol does not take. MLflow's scoring server
 * answers these with 415 (mlflow/pyfunc/scoring_server/__init__.py, `invocations`); its other input
 * errors use BAD_REQUEST, and so does this one, with the status that tells a client to change the
 * Content-Type rather than the body.
 */
export class UnsupportedMediaTypeError extends AssayError {
  constructor(message: string) {
    super('BAD_REQUEST', message, 415);
  }
}
