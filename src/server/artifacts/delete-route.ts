import type { FastifyPluginAsync } from 'fastify';
import type { ArtifactPathParams, ArtifactRouteOptions } from './route-options.js';

/**
 * `DELETE artifacts/<path>`: a file or a directory tree; nothing there is not an error. (MLflow 2.10.2
 * answers a file with a 500, a bug fixed later; this follows the fix.)
 */
export const deleteRoute: FastifyPluginAsync<ArtifactRouteOptions> = async (app, { service }) => {
  app.delete<{ Params: ArtifactPathParams }>('/artifacts/*', async (request) => {
    await service.delete(request.params['*']);
    return {};
  });
};
