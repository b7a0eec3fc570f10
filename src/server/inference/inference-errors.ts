import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { ServiceUnavailableError } from '../../errors/assay-error.js';
import { toErrorResponse } from '../error-handler.js';

/**
 * Errors of the inference routes, shaped as each protocol's clients expect: KServe v2 answers
 * `{"error": "..."}`, MLflow's scoring server `{"error_code", "message"}`. A full queue adds
 * Retry-After. Scoped to the plugin that calls it.
 */
export function inferenceErrors(app: FastifyInstance, shape: 'v2' | 'mlflow'): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const { status, body } = toErrorResponse(error);
    if (status >= 500 && !(error instanceof ServiceUnavailableError)) {
      request.log.error({ err: error }, 'inference failed');
    }
    retryAfter(reply, error);
    void reply
      .status(status)
      .header('content-type', 'application/json')
      .send(shape === 'v2' ? { error: body.message } : body);
  });
}

function retryAfter(reply: FastifyReply, error: unknown): void {
  if (error instanceof ServiceUnavailableError)
    void reply.header('retry-after', String(error.retryAfterSeconds));
}
