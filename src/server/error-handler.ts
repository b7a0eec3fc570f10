import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AssayError } from '../errors/assay-error.js';
import { validationErrorMessage } from './validation-messages.js';

export interface ErrorBody {
  error_code: string;
  message: string;
}

/**
 * The one place errors become responses. Assay errors carry their MLflow error code and status;
 * schema validation and body-parsing failures become INVALID_PARAMETER_VALUE / BAD_REQUEST;
 * anything else is logged with its stack and answered as a bare INTERNAL_ERROR.
 */
export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed');
    }
    void reply.status(status).header('content-type', 'application/json').send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({
      error_code: 'ENDPOINT_NOT_FOUND',
      message: `No endpoint ${request.method} ${request.url.split('?')[0]}`,
    } satisfies ErrorBody);
  });
}

export function toErrorResponse(error: FastifyError): { status: number; body: ErrorBody } {
  if (error instanceof AssayError) {
    return { status: error.httpStatus, body: { error_code: error.code, message: error.message } };
  }
  if (error.validation) {
    return {
      status: 400,
      body: { error_code: 'INVALID_PARAMETER_VALUE', message: validationErrorMessage(error) },
    };
  }
  switch (error.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: { error_code: 'BAD_REQUEST', message: `Malformed JSON body: ${error.message}` },
      };
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: {
          error_code: 'BAD_REQUEST',
          message: 'Request body is larger than the server allows (ASSAY_BODY_LIMIT_BYTES)',
        },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 400, body: { error_code: 'BAD_REQUEST', message: error.message } };
  }
  if (typeof error.statusCode === 'number' && error.statusCode >= 400 && error.statusCode < 500) {
    return { status: error.statusCode, body: { error_code: 'BAD_REQUEST', message: error.message } };
  }
  return { status: 500, body: { error_code: 'INTERNAL_ERROR', message: 'Internal server error' } };
}
