import type { FastifyPluginAsync } from 'fastify';
import { PayloadTooLargeError } from '../../errors/assay-error.js';
import type { ArtifactPathParams, ArtifactRouteOptions } from './route-options.js';
import { receiveUpload } from './upload-body.js';

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
    const upload = { limit: uploadLimitBytes, tooLarge: () => tooLarge(uploadLimitBytes), enforce: false };
    // The store counts the bytes it writes and refuses past the limit itself.
    await receiveUpload(request, reply, upload, async (openBody) => {
      const target = service.uploadTarget(request.params['*']);
      await service.upload(target, openBody(), uploadLimitBytes);
    });
    return {};
  });
};

function tooLarge(limit: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`Artifact is larger than the upload limit of ${limit} bytes`);
}
