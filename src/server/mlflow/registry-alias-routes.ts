import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AssayContext } from '../../context.js';
import { requestContext } from '../request-context.js';
import { modelVersionJson } from './registry-json.js';
import { requiredWhenNoQuery } from './registry-request.js';
import { RequiredString } from './schemas.js';

/** registered-models/alias: POST sets, DELETE removes, GET reads the version an alias names. */
export const registryAliasRoutes: FastifyPluginAsyncTypebox<{ context: AssayContext }> = async (
  app,
  { context },
) => {
  const { modelAliases } = context;

  app.post(
    '/registered-models/alias',
    {
      schema: { body: Type.Object({ name: RequiredString, alias: RequiredString, version: RequiredString }) },
    },
    async (request) => {
      const { name, alias, version } = request.body;
      await modelAliases.set(name, alias, version, requestContext(request));
      return {};
    },
  );

  app.delete(
    '/registered-models/alias',
    { schema: { body: Type.Object({ name: RequiredString, alias: RequiredString }) } },
    async (request) => {
      await modelAliases.delete(request.body.name, request.body.alias, requestContext(request));
      return {};
    },
  );

  app.get(
    '/registered-models/alias',
    {
      schema: {
        querystring: Type.Object({ name: Type.Optional(Type.String()), alias: Type.Optional(Type.String()) }),
      },
      preValidation: requiredWhenNoQuery('name'),
    },
    async (request) => {
      const version = await modelAliases.getVersion(request.query.name ?? '', request.query.alias ?? '');
      return { model_version: modelVersionJson(version) };
    },
  );
};
