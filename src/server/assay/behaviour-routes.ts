import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { BehaviourOperations } from '../../operations/behaviour-operations.js';
import { requestContext } from '../request-context.js';

const Name = Type.Object({ name: Type.String() });
const VersionParams = Type.Object({ name: Type.String(), selector: Type.String() });

const DiffBody = Type.Object({
  a: Type.String(),
  b: Type.String(),
  dataset: Type.String(),
  where: Type.Optional(Type.String()),
  thresholds: Type.Optional(Type.Array(Type.Number())),
  top: Type.Optional(Type.Integer()),
});

/**
 * Behavioural versioning over JSON: models, datasets, evaluations, diffs, contracts and checks.
 * Each route parses, calls one operation and returns its view, the very JSON `assay --json` prints.
 */
export const behaviourRoutes: FastifyPluginAsyncTypebox<{ operations: BehaviourOperations }> = async (
  app,
  { operations },
) => {
  app.get('/models', async () => ({ models: await operations.listModels() }));

  app.get('/models/:name', { schema: { params: Name } }, async (request) =>
    operations.showModel(request.params.name),
  );

  app.get('/models/:name/versions/:selector', { schema: { params: VersionParams } }, async (request) =>
    operations.showModelVersion(request.params.name, request.params.selector),
  );

  app.put(
    '/models/:name/aliases/:alias',
    {
      schema: {
        params: Type.Object({ name: Type.String(), alias: Type.String() }),
        body: Type.Object({
          version: Type.Integer(),
          force: Type.Optional(Type.Boolean()),
          reason: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) =>
      operations.setAlias(
        {
          name: request.params.name,
          alias: request.params.alias,
          version: request.body.version,
          force: request.body.force,
        },
        { ...requestContext(request), reason: request.body.reason ?? null },
      ),
  );

  app.put(
    '/models/:name/contract',
    { schema: { params: Name, body: Type.Object({ source: Type.String() }) } },
    async (request) =>
      operations.setContract(request.params.name, request.body.source, requestContext(request)),
  );

  app.get('/models/:name/contract', { schema: { params: Name } }, async (request) =>
    operations.showContract(request.params.name),
  );

  app.post('/models/:name/versions/:selector/check', { schema: { params: VersionParams } }, async (request) =>
    operations.check(request.params.name, request.params.selector),
  );

  app.get('/datasets', async () => ({ datasets: await operations.listDatasets() }));

  app.get('/datasets/:name', { schema: { params: Name } }, async (request) =>
    operations.showDataset(request.params.name),
  );

  app.post(
    '/evaluations',
    {
      schema: {
        body: Type.Object({
          model: Type.String(),
          dataset: Type.String(),
          where: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => operations.evaluate(request.body),
  );

  app.get(
    '/evaluations',
    {
      schema: {
        querystring: Type.Object({
          model: Type.Optional(Type.String()),
          dataset: Type.Optional(Type.String()),
        }),
      },
    },
    async (request) => ({ evaluations: await operations.listEvaluations(request.query) }),
  );

  app.get('/evaluations/:id', { schema: { params: Type.Object({ id: Type.String() }) } }, async (request) =>
    operations.getEvaluation(request.params.id),
  );

  app.post('/diffs', { schema: { body: DiffBody } }, async (request) => operations.diff(request.body));

  // The same diff for scripts and the UI: evaluations are stored, so asking twice computes nothing new.
  app.get(
    '/diffs',
    {
      schema: {
        querystring: Type.Object({
          a: Type.String(),
          b: Type.String(),
          dataset: Type.String(),
          where: Type.Optional(Type.String()),
          threshold: Type.Optional(Type.Array(Type.Number())),
          top: Type.Optional(Type.Integer()),
        }),
      },
    },
    async (request) => {
      const { threshold, ...rest } = request.query;
      return operations.diff({ ...rest, thresholds: threshold });
    },
  );
};
