import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AssayContext } from '../../context.js';
import { experimentJson } from './tracking-json.js';
import { KeyValueList, RequiredString } from './schemas.js';
import { keyValues, parseViewType } from './request-values.js';

const SearchFields = Type.Object({
  max_results: Type.Optional(Type.Integer()),
  page_token: Type.Optional(Type.String()),
  filter: Type.Optional(Type.String()),
  order_by: Type.Optional(Type.Array(Type.String())),
  view_type: Type.Optional(Type.Union([Type.String(), Type.Integer()])),
});

/** Experiments endpoints. */
export const experimentRoutes: FastifyPluginAsyncTypebox<{ context: AssayContext }> = async (
  app,
  { context },
) => {
  const { experiments } = context;

  app.post(
    '/experiments/create',
    {
      schema: {
        body: Type.Object({
          name: RequiredString,
          artifact_location: Type.Optional(Type.String()),
          tags: Type.Optional(KeyValueList),
        }),
      },
    },
    async (request) => {
      const { name, artifact_location, tags } = request.body;
      const experimentId = await experiments.create({
        name,
        artifactLocation: artifact_location,
        tags: keyValues(tags),
      });
      return { experiment_id: experimentId };
    },
  );

  app.get(
    '/experiments/get',
    { schema: { querystring: Type.Object({ experiment_id: RequiredString }) } },
    async (request) => ({ experiment: experimentJson(await experiments.get(request.query.experiment_id)) }),
  );

  app.get(
    '/experiments/get-by-name',
    { schema: { querystring: Type.Object({ experiment_name: RequiredString }) } },
    async (request) => ({
      experiment: experimentJson(await experiments.getByName(request.query.experiment_name)),
    }),
  );

  const search = async (fields: {
    max_results?: number | undefined;
    page_token?: string | undefined;
    filter?: string | undefined;
    order_by?: string[] | undefined;
    view_type?: string | number | undefined;
  }) => {
    const page = await experiments.search({
      maxResults: fields.max_results,
      pageToken: fields.page_token,
      filter: fields.filter,
      orderBy: fields.order_by,
      viewType: parseViewType('view_type', fields.view_type),
    });
    const json: Record<string, unknown> = {};
    if (page.items.length > 0) json.experiments = page.items.map(experimentJson);
    if (page.nextPageToken) json.next_page_token = page.nextPageToken;
    return json;
  };
  app.post('/experiments/search', { schema: { body: SearchFields } }, async (request) =>
    search(request.body),
  );
  app.get('/experiments/search', { schema: { querystring: SearchFields } }, async (request) =>
    search(request.query),
  );

  app.post(
    '/experiments/update',
    { schema: { body: Type.Object({ experiment_id: RequiredString, new_name: RequiredString }) } },
    async (request) => {
      await experiments.rename(request.body.experiment_id, request.body.new_name);
      return {};
    },
  );

  app.post(
    '/experiments/delete',
    { schema: { body: Type.Object({ experiment_id: RequiredString }) } },
    async (request) => {
      await experiments.delete(request.body.experiment_id);
      return {};
    },
  );

  app.post(
    '/experiments/restore',
    { schema: { body: Type.Object({ experiment_id: RequiredString }) } },
    async (request) => {
      await experiments.restore(request.body.experiment_id);
      return {};
    },
  );

  app.post(
    '/experiments/set-experiment-tag',
    {
      schema: {
        body: Type.Object({
          experiment_id: RequiredString,
          key: RequiredString,
          value: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => {
      const { experiment_id, key, value } = request.body;
      await experiments.setTag(experiment_id, key, value ?? '');
      return {};
    },
  );

  app.post(
    '/experiments/delete-experiment-tag',
    { schema: { body: Type.Object({ experiment_id: RequiredString, key: RequiredString }) } },
    async (request) => {
      await experiments.deleteTag(request.body.experiment_id, request.body.key);
      return {};
    },
  );
};
