import type { FastifyPluginAsync } from 'fastify';
import { PayloadTooLargeError } from '../../errors/assay-error.js';
import type { ArtifactPathParams, ArtifactRouteOptions } from './route-options.js';
import { declaredLength, detachedBody, discardUnreadBody } from './upload-body.js';

export interface UploadRouteOptions extends ArtifactRouteOptions {
  uploadLimitBytes: number;
}

/**
 * `PUT artifacts/<path>`: the raw body, whatever its Content-Type, streamed into the store (MLflow's
 * client labels it by file extension, so a `.json` artifact arrives as application/json).
 */
export const uploadRoute: FastifyPluginAsync<UploadRouteOptions> = async (
  app,
  { service, uploadLimitBytes },
) => {
  app.put<{ Params: ArtifactPathParams }>('/artifacts/*', async (request, reply) => {
    let body: ReturnType<typeof detachedBody> | undefined;
    try {
      const target = service.uploadTarget(request.params['*']);
      const declared = declaredLength(request.headers['content-length']);
      if (declared !== undefined && declared > uploadLimitBytes) throw tooLarge(uploadLimitBytes);
      body = detachedBody(request.raw);
      await service.upload(target, body.stream, uploadLimitBytes);
    } catch (error) {
      discardUnreadBody(request.raw, body?.received() ?? 0, () => void reply.header('connection', 'close'));
      throw error;
    }
    return {};
  });
};

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`Artifact is larger than the upload limit of ${limit} bytes`);
}
