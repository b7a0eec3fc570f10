/**
 * The one error hierarchy of Assay. Services throw these; the HTTP boundary (src/server/error-handler.ts)
 * is the only place that turns them into responses, using `code` (MLflow's error codes) and `httpStatus`.
 */
export type ErrorCode =
  | 'BAD_REQUEST'
  | 'ENDPOINT_NOT_FOUND'
  | 'INTERNAL_ERROR'
  | 'INVALID_PARAMETER_VALUE'
  | 'INVALID_STATE'
  | 'NOT_IMPLEMENTED'
  | 'PERMISSION_DENIED'
  | 'REQUEST_LIMIT_EXCEEDED'
  | 'RESOURCE_ALREADY_EXISTS'
  | 'RESOURCE_DOES_NOT_EXIST'
  | 'TEMPORARILY_UNAVAILABLE'
  | 'DEADLINE_EXCEEDED';

export class AssayError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class NotFoundError extends AssayError {
  constructor(message: string) {
    super('RESOURCE_DOES_NOT_EXIST', message, 404);
  }
}

export class InvalidParameterError extends AssayError {
  constructor(message: string) {
    super('INVALID_PARAMETER_VALUE', message, 400);
  }
}

export class AlreadyExistsError extends AssayError {
  constructor(message: string) {
    super('RESOURCE_ALREADY_EXISTS', message, 400);
  }
}

/** An operation that is valid in general but not in the resource's current state (e.g. logging to a deleted run). */
export class InvalidStateError extends AssayError {
  constructor(message: string) {
    super('INVALID_STATE', message, 400);
  }
}

export class BadRequestError extends AssayError {
  constructor(message: string) {
    super('BAD_REQUEST', message, 400);
  }
}

/** A request or payload over a configured size limit. */
export class PayloadTooLargeError extends AssayError {
  constructor(message: string) {
    super('INVALID_PARAMETER_VALUE', message, 413);
  }
}

/** A feature MLflow defines but this deployment does not offer (clients may fall back, e.g. from multipart upload). */
export class NotImplementedError extends AssayError {
  constructor(message: string) {
    super('NOT_IMPLEMENTED', message, 501);
  }
}

/**
 * Work refused for now because a bounded resource is full (a serving queue): the client may retry
 * after `retryAfterSeconds`, which the HTTP boundary sends as Retry-After.
 */
export class ServiceUnavailableError extends AssayError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super('TEMPORARILY_UNAVAILABLE', message, 503);
  }
}

/** A request whose deadline passed before it could be served (it was not run). */
export class DeadlineExceededError extends AssayError {
  constructor(message: string) {
    super('DEADLINE_EXCEEDED', message, 504);
  }
}
