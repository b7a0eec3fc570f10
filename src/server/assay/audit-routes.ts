import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AssayContext } from '../../context.js';
import { auditEventJson } from './audit-json.js';

/** GET /audit: the registry's audit trail, oldest first, by model and/or alias, paged. */
export const auditRoutes: FastifyPluginAsyncTypebox<{ context: AssayContext }> = async (app, { context }) => {
  app.get(
    '/audit',
    {
      schema: {
        querystring: Type.Object({
          model: Type.Optional(Type.String()),
          alias: Type.Optional(Type.String()),
          max_results: Type.Optional(Type.Integer()),
          page_token: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => {
      const { model, alias, max_results, page_token } = request.query;
      const page = await context.auditLog.list({
        model,
        alias,
        maxResults: max_results,
        pageToken: page_token,
      });
      return {
        events: page.items.map(auditEventJson),
        ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}),
      };
    },
  );
};
