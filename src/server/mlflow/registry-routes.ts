import type { FastifyPluginAsync } from 'fastify';
import type { AssayContext } from '../../context.js';
import { registryAliasRoutes } from './registry-alias-routes.js';
import { registryModelRoutes } from './registry-model-routes.js';
import { registryVersionRoutes } from './registry-version-routes.js';

/** MLflow's model registry endpoints. */
export const registryRoutes: FastifyPluginAsync<{ context: AssayContext }> = async (app, { context }) => {
  // MLflow reads PATCH and DELETE bodies whatever their Content-Type says, and a missing body as {}:
  // the required-parameter messages then name the missing field.
  app.addHook('preValidation', async (request) => {
    if (
      (request.method === 'PATCH' || request.method === 'DELETE') &&
      (request.body === undefined || request.body === null)
    ) {
      request.body = {};
    }
  });

  await app.register(registryModelRoutes, { context });
  await app.register(registryAliasRoutes, { context });
  await app.register(registryVersionRoutes, { context });
};
