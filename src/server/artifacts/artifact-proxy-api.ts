import type { FastifyPluginAsync } from 'fastify';
import { ArtifactProxyService } from '../../artifacts/artifact-proxy-service.js';
import { INVALID_PATH_MESSAGE } from '../../artifacts/artifact-path.js';
import type { AssayContext } from '../../context.js';
import { InvalidParameterError } from '../../errors/assay-error.js';
import { deleteRoute } from './delete-route.js';
import { downloadRoute } from './download-route.js';
import { listRoute } from './list-route.js';
import { multipartRoutes } from './multipart-routes.js';
import { uploadRoute } from './upload-route.js';

export interface ArtifactProxyApiOptions {
  context: AssayContext;
  /** Largest artifact a PUT may upload; the JSON body limit does not apply here. */
  uploadLimitBytes: number;
}

/** Fastify refuses a malformed Content-Type before any parser runs; uploads take any label, as MLflow's do. */
const MEDIA_TYPE = /^\s*[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+\s*(;|$)/;

/**
 * MLflow's artifact proxy (`/api/2.0/mlflow-artifacts`, `/ajax-api/2.0/mlflow-artifacts`). Bodies are
 * never parsed here: the inherited parsers are removed and a pass-through parser leaves the raw
 * stream to the upload route, so uploads are neither buffered nor held to the JSON body limit.
 */
export const artifactProxyApi: FastifyPluginAsync<ArtifactProxyApiOptions> = async (
  app,
  { context, uploadLimitBytes },
) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', (_request, _payload, done) => done(null));

  app.addHook('onRequest', async (request) => {
    // The router ends the path at a raw '#' and would act on what precedes it; MLflow refuses any '#'.
    if (request.raw.url?.includes('#')) throw new InvalidParameterError(INVALID_PATH_MESSAGE);
    const contentType = request.headers['content-type'];
    if (contentType !== undefined && !MEDIA_TYPE.test(contentType))
      delete request.raw.headers['content-type'];
  });

  const service = new ArtifactProxyService(context.artifactStore);
  await app.register(uploadRoute, { service, uploadLimitBytes });
  await app.register(downloadRoute, { service });
  await app.register(listRoute, { service });
  await app.register(deleteRoute, { service });
  await app.register(multipartRoutes, { service });
};
