import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import type { AssayContext } from '../../context.js';
import { createDeploymentInput, deploymentPatch } from '../../views/deployment-bodies.js';
import { deploymentView } from '../../views/deployment-view-mappers.js';

// Bodies refuse fields they do not know: a misspelt option must not be dropped silently. The
// schemas check types; the service checks values and ranges, naming the field.
const CLOSED = { additionalProperties: false } as const;

// A number or null, as one `type` list: as an anyOf, Fastify's type coercion would turn null
// into 0 in the number branch (and 0 into null in a null branch placed first).
const NumberOrNull = Type.Unsafe<number | null>({ type: ['number', 'null'] });
// An object or null: no value is coerced to an object, nor an object to null.
const OrNull = <T extends TSchema>(type: T) => Type.Union([type, Type.Null()]);

// model and percent are required of a new canary, which the service checks (an update keeps them).
const Canary = Type.Object(
  {
    model: Type.Optional(Type.String()),
    percent: Type.Optional(Type.Number()),
    max_error_rate: Type.Optional(NumberOrNull),
    max_p99_ms: Type.Optional(NumberOrNull),
    min_requests: Type.Optional(Type.Integer()),
    window_seconds: Type.Optional(Type.Number()),
  },
  CLOSED,
);

const Batching = Type.Object(
  {
    max_batch_size: Type.Optional(Type.Integer()),
    max_queue_delay_ms: Type.Optional(Type.Number()),
    preferred_batch_sizes: Type.Optional(Type.Array(Type.Integer())),
    max_queue_size: Type.Optional(Type.Integer()),
    queue_timeout_ms: Type.Optional(NumberOrNull),
    instances: Type.Optional(Type.Integer()),
    intra_op_threads: Type.Optional(Type.Integer()),
  },
  CLOSED,
);

const Shadow = Type.Object({ model: Type.String() }, CLOSED);

const specFields = {
  canary: Type.Optional(OrNull(Canary)),
  shadow: Type.Optional(OrNull(Shadow)),
  batching: Type.Optional(Batching),
  log_sample_rate: Type.Optional(Type.Number()),
};

// Empty names and selectors are the service's to refuse: the same words as on the embedded store.
const CreateBody = Type.Object({ name: Type.String(), model: Type.String(), ...specFields }, CLOSED);

const PatchBody = Type.Object({ model: Type.Optional(Type.String()), ...specFields }, CLOSED);

const Name = Type.Object({ name: Type.String() });

/**
 * Deployments served by `assay server`: create, list, show, change and delete their definitions;
 * `status` in each view is what the serving process last reported.
 */
export const deploymentRoutes: FastifyPluginAsyncTypebox<{ context: AssayContext }> = async (
  app,
  { context },
) => {
  const deployments = context.deployments;

  app.post('/deployments', { schema: { body: CreateBody } }, async (request) =>
    deploymentView(await deployments.create(createDeploymentInput(request.body))),
  );

  app.get('/deployments', async () => ({
    deployments: (await deployments.list()).map(deploymentView),
  }));

  app.get('/deployments/:name', { schema: { params: Name } }, async (request) =>
    deploymentView(await deployments.get(request.params.name)),
  );

  app.patch('/deployments/:name', { schema: { params: Name, body: PatchBody } }, async (request) =>
    deploymentView(await deployments.update(request.params.name, deploymentPatch(request.body))),
  );

  app.delete('/deployments/:name', { schema: { params: Name } }, async (request) => {
    await deployments.delete(request.params.name);
    return {};
  });
};
