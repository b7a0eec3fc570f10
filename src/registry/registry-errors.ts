import { NotFoundError, InvalidParameterError } from '../errors/assay-error.js';

/** MLflow's registry not-found messages. */

export function modelNotFound(name: string): NotFoundError {
  return new NotFoundError(`Registered Model with name=${name} not found`);
}

/** `version` as the client wrote it: MLflow echoes the request's text. */
export function versionNotFound(name: string, version: string | number): NotFoundError {
  return new NotFoundError(`Model Version (name=${name}, version=${version}) not found`);
}

/** MLflow answers an unknown alias with INVALID_PARAMETER_VALUE, not RESOURCE_DOES_NOT_EXIST. */
export function aliasNotFound(alias: string): InvalidParameterError {
  return new InvalidParameterError(`Registered model alias ${alias} not found.`);
}
