import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AssayContext } from '../../context.js';
import { requestContext } from '../request-context.js';
import { modelVersionJson, registeredModelJson } from './registry-json.js';
import { RegistryTagList, registryTags, requiredWhenNoQuery } from './registry-request.js';
import { RequiredString } from './schemas.js';

const SearchQuery = Type.Object({
  filter: Type.Optional(Type.String()),
  max_results: Type.Optional(Type.Integer()),
  order_by: Type.Optional(Type.Array(Type.String())),
  page_token: Type.Optional(Type.String()),
});

const LatestVersionsFields = {
  stages: Type.Optional(Type.Array(Type.String())),
};

/** registered-models/*: create, read, rename, update, delete, search, latest versions, tags. */
export const registryModelRoutes: FastifyPluginAsyncTypebox<{ context: AssayContext }> = async (
  app,
  { context },
) => {
  const { registeredModels } = context;

  app.post(
    '/registered-models/create',
    {
      schema: {
        body: Type.Object({
          name: RequiredString,
          tags: Type.Optional(RegistryTagList),
          description: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => {
      const { name, tags, description } = request.body;
      const model = await registeredModels.create({ name, tags: registryTags(tags), description });
      return { registered_model: registeredModelJson(model) };
    },
  );

  app.get(
    '/registered-models/get',
    {
      schema: { querystring: Type.Object({ name: Type.Optional(Type.String()) }) },
      preValidation: requiredWhenNoQuery('name'),
    },
    async (request) => ({
      registered_model: registeredModelJson(await registeredModels.get(request.query.name ?? '')),
    }),
  );

  app.post(
    '/registered-models/rename',
    { schema: { body: Type.Object({ name: RequiredString, new_name: RequiredString }) } },
    async (request) => {
      const { name, new_name } = request.body;
      const model = await registeredModels.rename(name, new_name, requestContext(request));
      return { registered_model: registeredModelJson(model) };
    },
  );

  app.patch(
    '/registered-models/update',
    { schema: { body: Type.Object({ name: RequiredString, description: Type.Optional(Type.String()) }) } },
    async (request) => {
      const model = await registeredModels.update(request.body.name, request.body.description);
      return { registered_model: registeredModelJson(model) };
    },
  );

  app.delete(
    '/registered-models/delete',
    { schema: { body: Type.Object({ name: RequiredString }) } },
    async (request) => {
      await registeredModels.delete(request.body.name, requestContext(request));
      return {};
    },
  );

  app.get('/registered-models/search', { schema: { querystring: SearchQuery } }, async (request) => {
    const { filter, max_results, order_by, page_token } = request.query;
    const page = await registeredModels.search({
      filter,
      maxResults: max_results,
      orderBy: order_by,
      pageToken: page_token,
    });
    const json: Record<string, unknown> = {};
    if (page.items.length > 0) json.registered_models = page.items.map(registeredModelJson);
    if (page.nextPageToken) json.next_page_token = page.nextPageToken;
    return json;
  });

  const latestVersions = async (name: string, stages: readonly string[] | undefined) => {
    const versions = await registeredModels.getLatestVersions(name, stages ?? []);
    return versions.length > 0 ? { model_versions: versions.map(modelVersionJson) } : {};
  };
  // MLflow's client POSTs, and falls back to GET only where POST is unknown.
  app.post(
    '/registered-models/get-latest-versions',
    { schema: { body: Type.Object({ name: RequiredString, ...LatestVersionsFields }) } },
    async (request) => latestVersions(request.body.name, request.body.stages),
  );
  app.get(
    '/registered-models/get-latest-versions',
    {
      schema: { querystring: Type.Object({ name: Type.Optional(Type.String()), ...LatestVersionsFields }) },
      preValidation: requiredWhenNoQuery('name'),
    },
    async (request) => latestVersions(request.query.name ?? '', request.query.stages),
  );

  app.post(
    '/registered-models/set-tag',
    {
      schema: {
        body: Type.Object({ name: RequiredString, key: RequiredString, value: Type.Optional(Type.String()) }),
      },
    },
    async (request) => {
      const { name, key, value } = request.body;
      await registeredModels.setTag(name, { key, value: value ?? '' });
      return {};
    },
  );

  app.delete(
    '/registered-models/delete-tag',
    { schema: { body: Type.Object({ name: RequiredString, key: RequiredString }) } },
    async (request) => {
      await registeredModels.deleteTag(request.body.name, request.body.key);
      return {};
    },
  );
};
