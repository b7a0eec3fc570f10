import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ArtifactRouteOptions } from './route-options.js';

/**
 * `GET artifacts?path=<dir>`: basenames, `file_size` only when truthy (so not for directories nor
 * empty files), and `{}` for a missing directory or a file.
 */
export const listRoute: FastifyPluginAsyncTypebox<ArtifactRouteOptions> = async (app, { service }) => {
  app.get(
    '/artifacts',
    { schema: { querystring: Type.Object({ path: Type.Optional(Type.String()) }) } },
    async (request) => {
      const entries = await service.list(request.query.path);
      if (entries.length === 0) return {};
      return {
        files: entries.map((entry) => ({
          path: entry.name,
          is_dir: entry.isDir,
          ...(entry.fileSize ? { file_size: entry.fileSize } : {}),
        })),
      };
    },
  );
};
