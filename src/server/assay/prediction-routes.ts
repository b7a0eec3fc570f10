import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AssayContext } from '../../context.js';
import { InvalidParameterError } from '../../errors/assay-error.js';

/** Predictions one query returns at most. */
const MAX_PREDICTIONS = 10_000;

/**
 * The prediction log: `GET /predictions` reads a deployment's logged predictions (oldest first,
 * with labels), `POST /predictions/labels` joins labels to them by id.
 */
export const predictionRoutes: FastifyPluginAsyncTypebox<{ context: AssayContext }> = async (
  app,
  { context },
) => {
  app.get(
    '/predictions',
    {
      schema: {
        querystring: Type.Object({
          deployment: Type.String({ minLength: 1 }),
          from: Type.Optional(Type.Integer()),
          to: Type.Optional(Type.Integer()),
          version: Type.Optional(Type.Integer({ minimum: 1 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_PREDICTIONS })),
          latest: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (request) => ({ predictions: await context.predictions.query(request.query) }),
  );

  app.post('/predictions/labels', async (request) => {
    const body = request.body;
    const labels = Array.isArray(body) ? body : (body as { labels?: unknown } | null)?.labels;
    if (!Array.isArray(labels)) {
      throw new InvalidParameterError(
        'The body must be a list of {"id": ..., "label": ...} (or {"labels": [...]})',
      );
    }
    return context.predictions.addLabels(labels as { id: unknown; label: unknown }[]);
  });
};
