import type { FastifyPluginAsync } from 'fastify';
import { InvalidParameterError } from '../../errors/assay-error.js';
import type { AssayContext } from '../../context.js';
import { experimentRoutes } from './experiment-routes.js';
import { metricRoutes } from './metric-routes.js';
import { runRoutes } from './run-routes.js';
import { runArtifactRoutes } from './run-artifact-routes.js';
import { registryRoutes } from './registry-routes.js';

export interface MlflowApiOptions {
  context: AssayContext;
}

/** MLflow's REST API (tracking and registry), mounted under /api/2.0/mlflow and /ajax-api/2.0/mlflow. */
export const mlflowApi: FastifyPluginAsync<MlflowApiOptions> = async (app, { context }) => {
  // MLflow checks the media type of POST and PUT bodies before reading them.
  app.addHook('onRequest', async (request) => {
    if (request.method !== 'POST' && request.method !== 'PUT') return;
    const contentType = request.headers['content-type'];
    if (!contentType) throw new InvalidParameterError('Bad Request. Content-Type header is missing.');
    const mediaType = contentType.split(';')[0]?.trim().toLowerCase();
    if (mediaType !== 'application/json') {
      throw new InvalidParameterError("Bad Request. Content-Type must be one of ['application/json'].");
    }
  });

  await app.register(experimentRoutes, { context });
  await app.register(runRoutes, { context });
  await app.register(metricRoutes, { context });
  await app.register(runArtifactRoutes, { context });
  await app.register(registryRoutes, { context });
};
