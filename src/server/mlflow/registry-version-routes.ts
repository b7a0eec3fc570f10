import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { AssayContext } from '../../context.js';
import { requestContext } from '../request-context.js';
import { modelVersionJson } from './registry-json.js';
import { RegistryTagList, registryTags, requiredWhenNoQuery } from './registry-request.js';
import { RequiredString } from './schemas.js';

const VersionQuery = Type.Object({
  name: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
});
const VersionBody = { name: RequiredString, version: RequiredString };

const SearchQuery = Type.Object({
  filter: Type.Optional(Type.String()),
  max_results: Type.Optional(Type.Integer()),
  order_by: Type.Optional(Type.Array(Type.String())),
  page_token: Type.Optional(Type.String()),
});

/** model-versions/*: create, read, update, delete, search, tags, stage transitions, download URI. */
export const registryVersionRoutes: FastifyPluginAsyncTypebox<{ context: AssayContext }> = async (
  app,
  { context },
) => {
  const { modelVersions } = context;

  app.post(
    '/model-versions/create',
    {
      schema: {
        body: Type.Object({
          name: RequiredString,
          source: RequiredString,
          run_id: Type.Optional(Type.String()),
          tags: Type.Optional(RegistryTagList),
          run_link: Type.Optional(Type.String()),
          description: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => {
      const { name, source, run_id, tags, run_link, description } = request.body;
      const version = await modelVersions.create({
        name,
        source,
        runId: run_id,
        runLink: run_link,
        description,
        tags: registryTags(tags),
      });
      return { model_version: modelVersionJson(version) };
    },
  );

  app.get(
    '/model-versions/get',
    { schema: { querystring: VersionQuery }, preValidation: requiredWhenNoQuery('name') },
    async (request) => {
      const version = await modelVersions.get(request.query.name ?? '', request.query.version ?? '');
      return { model_version: modelVersionJson(version) };
    },
  );

  app.patch(
    '/model-versions/update',
    { schema: { body: Type.Object({ ...VersionBody, description: Type.Optional(Type.String()) }) } },
    async (request) => {
      const { name, version, description } = request.body;
      return { model_version: modelVersionJson(await modelVersions.update(name, version, description)) };
    },
  );

  app.delete('/model-versions/delete', { schema: { body: Type.Object(VersionBody) } }, async (request) => {
    await modelVersions.delete(request.body.name, request.body.version, requestContext(request));
    return {};
  });

  app.get('/model-versions/search', { schema: { querystring: SearchQuery } }, async (request) => {
    const { filter, max_results, order_by, page_token } = request.query;
    const page = await modelVersions.search({
      filter,
      maxResults: max_results,
      orderBy: order_by,
      pageToken: page_token,
    });
    const json: Record<string, unknown> = {};
    if (page.items.length > 0) json.model_versions = page.items.map(modelVersionJson);
    if (page.nextPageToken) json.next_page_token = page.nextPageToken;
    return json;
  });

  app.post(
    '/model-versions/set-tag',
    {
      schema: {
        body: Type.Object({ ...VersionBody, key: RequiredString, value: Type.Optional(Type.String()) }),
      },
    },
    async (request) => {
      const { name, version, key, value } = request.body;
      await modelVersions.setTag(name, version, { key, value: value ?? '' });
      return {};
    },
  );

  app.delete(
    '/model-versions/delete-tag',
    { schema: { body: Type.Object({ ...VersionBody, key: RequiredString }) } },
    async (request) => {
      const { name, version, key } = request.body;
      await modelVersions.deleteTag(name, version, key);
      return {};
    },
  );

  app.post(
    '/model-versions/transition-stage',
    {
      schema: {
        body: Type.Object({
          ...VersionBody,
          stage: RequiredString,
          archive_existing_versions: Type.Optional(Type.Boolean()),
        }),
      },
    },
    async (request) => {
      const { name, version, stage, archive_existing_versions } = request.body;
      const updated = await modelVersions.transitionStage(
        name,
        version,
        stage,
        archive_existing_versions ?? false,
        requestContext(request),
      );
      return { model_version: modelVersionJson(updated) };
    },
  );

  app.get('/model-versions/get-download-uri', { schema: { querystring: VersionQuery } }, async (request) => ({
    artifact_uri: await modelVersions.getDownloadUri(request.query.name ?? '', request.query.version ?? ''),
  }));
};
