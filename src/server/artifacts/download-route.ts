import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import type { ArtifactDownload } from '../../artifacts/artifact-proxy-service.js';
import { attachmentDisposition } from './content-disposition.js';
import type { ArtifactPathParams, ArtifactRouteOptions } from './route-options.js';

/**
 * `GET artifacts/<path>`: the file streamed with MLflow's headers, plus a Content-Length (MLflow streams
 * chunked). HEAD is declared on its own: Fastify's automatic HEAD would read the whole file to discard it.
 */
export const downloadRoute: FastifyPluginAsync<ArtifactRouteOptions> = async (app, { service }) => {
  app.get<{ Params: ArtifactPathParams }>(
    '/artifacts/*',
    { exposeHeadRoute: false },
    async (request, reply) => {
      const download = await service.download(request.params['*']);
      return withDownloadHeaders(reply, download).send(download.stream);
    },
  );

  app.head<{ Params: ArtifactPathParams }>('/artifacts/*', async (request, reply) => {
    const download = await service.download(request.params['*']);
    download.stream.destroy();
    return withDownloadHeaders(reply, download).send();
  });
};

function withDownloadHeaders(reply: FastifyReply, download: ArtifactDownload): FastifyReply {
  return reply.headers({
    'content-type': download.contentType,
    'content-length': download.size,
    'content-disposition': attachmentDisposition(download.fileName),
    'x-content-type-options': 'nosniff',
  });
}
