import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AssayContext } from '../../context.js';
import { RunIdFields } from './schemas.js';
import { requireRunId } from './request-values.js';

/** The tracking API's listing of a run's artifacts (paths relative to the run's artifact root). */
export const runArtifactRoutes: FastifyPluginAsyncTypebox<{ context: AssayContext }> = async (
  app,
  { context },
) => {
  app.get(
    '/artifacts/list',
    {
      schema: {
        querystring: Type.Object({
          ...RunIdFields,
          path: Type.Optional(Type.String()),
          page_token: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => {
      const listing = await context.runArtifacts.list(requireRunId(request.query), request.query.path ?? '');
      const json: Record<string, unknown> = { root_uri: listing.rootUri };
      if (listing.files.length > 0) {
        json.files = listing.files.map((file) => ({
          path: file.path,
          is_dir: file.isDir,
          ...(file.fileSize ? { file_size: file.fileSize } : {}),
        }));
      }
      return json;
    },
  );
};
