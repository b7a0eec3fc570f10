import type { FastifyPluginAsync } from 'fastify';
import { NotImplementedError } from '../../errors/assay-error.js';
import type { ArtifactPathParams, ArtifactRouteOptions } from './route-options.js';

/** MLflow's client falls back to a plain PUT when the error message starts with exactly this. */
export const MULTIPART_UNSUPPORTED_MESSAGE =
  'Multipart upload is not supported for the current artifact repository';

/** `mpu/create|complete|abort/<path>`: MLflow's answer for a local artifact destination. */
export const multipartRoutes: FastifyPluginAsync<ArtifactRouteOptions> = async (app, { service }) => {
  for (const step of ['create', 'complete', 'abort']) {
    app.post<{ Params: ArtifactPathParams }>(`/mpu/${step}/*`, async (request) => {
      service.checkMultipartPath(request.params['*']);
      throw new NotImplementedError(MULTIPART_UNSUPPORTED_MESSAGE);
    });
  }
};
